// The forecaster's view of the shared epoch-day calendar (../calendar.ts), with throwing parsers.
import { civilFromDays, daysInMonth, ISO_DATE, isoFromDays, parseIsoDay, weekdayOf } from "../calendar.js";

export function toEpochDay(date: string): number {
  const day = parseIsoDay(date);
  if (day !== undefined) return day;
  throw new RangeError(ISO_DATE.test(date) ? `not a calendar date: ${JSON.stringify(date)}` : `not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
}

/** True for a real YYYY-MM-DD calendar day (rejects 2025-02-30 and 2025-13-01). */
export function isCalendarDay(date: string): boolean {
  return parseIsoDay(date) !== undefined;
}

export const fromEpochDay = isoFromDays;

/** 0 = Sunday ... 6 = Saturday. */
export const dayOfWeek = weekdayOf;

export interface MonthPosition {
  dayOfMonth: number; // 1..31
  daysToMonthEnd: number; // 0 on the last day of the month
}

export function monthPosition(day: number): MonthPosition {
  const { year, month, day: dayOfMonth } = civilFromDays(day);
  return { dayOfMonth, daysToMonthEnd: daysInMonth(year, month) - dayOfMonth };
}
