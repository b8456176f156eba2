/**
 * Calendar arithmetic on epoch day numbers (days since 1970-01-01, UTC), the time unit of the
 * detector and the forecaster: cost days are calendar days, never local time. Civil conversions
 * follow H. Hinnant, "chrono-compatible low-level date algorithms", without allocating a Date
 * (the models call them millions of times).
 */

/** `YYYY-MM-DD` in form only; {@link parseIsoDay} also checks that the day exists. */
export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

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
