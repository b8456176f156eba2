import { z } from "zod";

/**
 * UTC calendar days, the time unit of the whole platform: billing days, collection windows, the
 * detector's and the forecaster's series. Days are `YYYY-MM-DD` strings at the edges and epoch
 * day numbers (days since 1970-01-01) inside the models. Civil conversions follow H. Hinnant,
 * "chrono-compatible low-level date algorithms", without allocating a Date (the models call them
 * millions of times).
 *
 * @example
 *   addDays("2026-11-30", 1);                       // "2026-12-01"
 *   monthPages({ start: "2026-10-15", end: "2026-11-03" });
 *   // [{start:"2026-10-15",end:"2026-10-31"},{start:"2026-11-01",end:"2026-11-03"}]
 */

/** `YYYY-MM-DD` in form only; {@link parseIsoDay} also checks that the day exists. */
export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Inclusive UTC day window, YYYY-MM-DD. */
export interface DayWindow {
  start: string;
  end: string;
}

/** Days since 1970-01-01 for a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parses a real `YYYY-MM-DD` date to its day number, or returns undefined (e.g. 2025-02-30). */
export function parseIsoDay(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/** True for a real YYYY-MM-DD calendar day (rejects 2025-02-30 and 2025-13-01). */
export function isCalendarDay(date: string): boolean {
  return parseIsoDay(date) !== undefined;
}

/** The day number of a `YYYY-MM-DD` date; throws a RangeError naming the bad text. */
export function toEpochDay(date: string): number {
  const day = parseIsoDay(date);
  if (day !== undefined) return day;
  throw new RangeError(ISO_DATE.test(date) ? `not a calendar date: ${JSON.stringify(date)}` : `not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
}

export function isoFromDays(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** Number of distinct month positions that {@link monthPositionOf} returns. */
export const MONTH_POSITIONS = 31;

/**
 * Position of a day inside its month, as billing calendars see it: the last three days of a month
 * are counted from the end (28 = last day, 29 = second to last, 30 = third to last) so a month-end
 * batch lines up across 28-, 30- and 31-day months; every other day keeps its day of month
 * (0 = the 1st, 14 = the 15th).
 */
export function monthPositionOf(days: number): number {
  const { year, month, day } = civilFromDays(days);
  const fromEnd = daysInMonth(year, month) - day;
  return fromEnd < 3 ? 28 + fromEnd : day - 1;
}

export interface MonthPosition {
  /** 1..31 */
  dayOfMonth: number;
  /** 0 on the last day of the month. */
  daysToMonthEnd: number;
}

/** Day of month and days left to the month's end of a day number. */
export function monthPosition(day: number): MonthPosition {
  const { year, month, day: dayOfMonth } = civilFromDays(day);
  return { dayOfMonth, daysToMonthEnd: daysInMonth(year, month) - dayOfMonth };
}

/** The YYYY-MM-DD day `n` days after (or before, n < 0) `day`. */
export function addDays(day: string, n: number): string {
  return isoFromDays(toEpochDay(day) + n);
}

/** The day after a YYYY-MM-DD day: a daily record's exclusive end, as FOCUS ChargePeriodEnd is exclusive. */
export function nextUtcDay(day: string): string {
  return addDays(day, 1);
}

/** The earlier of two YYYY-MM-DD days (they compare as strings; Math.min does not apply). */
export function earlierDay(a: string, b: string): string {
  if (b < a) return b;
  return a;
}

/** The later of two YYYY-MM-DD days. */
export function laterDay(a: string, b: string): string {
  if (b > a) return b;
  return a;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** First day of the month `months` before the month of `date`. */
export function monthsBefore(date: string, months: number): string {
  const { year, month } = civilFromDays(toEpochDay(date));
  const index = year * 12 + (month - 1) - months;
  return isoFromDays(daysFromCivil(Math.floor(index / 12), (index % 12) + 1, 1));
}

/** Last day of the month of `date`. */
export function monthEnd(date: string): string {
  const { year, month } = civilFromDays(toEpochDay(date));
  return isoFromDays(daysFromCivil(year, month, daysInMonth(year, month)));
}

/** Every day of an inclusive window, oldest first. */
export function daysInWindow(window: DayWindow): string[] {
  const days: string[] = [];
  for (let d = toEpochDay(window.start), end = toEpochDay(window.end); d <= end; d++) days.push(isoFromDays(d));
  return days;
}

/** Splits a window into calendar-month pages so a backfill is pulled, retried and tracked in parts. */
export function monthPages(window: DayWindow): DayWindow[] {
  const pages: DayWindow[] = [];
  let start = window.start;
  while (start <= window.end) {
    const end = earlierDay(monthEnd(start), window.end);
    pages.push({ start, end });
    start = addDays(end, 1);
  }
  return pages;
}

/** A real calendar day as `YYYY-MM-DD`: the one date schema of every input and message. */
export const IsoDate = z
  .string()
  .max(10)
  .regex(ISO_DATE, "date must be YYYY-MM-DD")
  .refine(isCalendarDay, "date is not a calendar day");

/** An inclusive day window whose start is not after its end. */
export const DayWindowSchema = z
  .object({ start: IsoDate, end: IsoDate })
  .strict()
  .refine((w) => w.start <= w.end, "window start must not be after its end");
