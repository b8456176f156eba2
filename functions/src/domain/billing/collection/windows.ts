import { addDays } from "../normalize/utc-day.js";
import type { DayWindow } from "../ports.js";

export { addDays };

const DAY_MS = 86_400_000;

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** First day of the month `months` before the month of `date`. */
export function monthsBefore(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1)).toISOString().slice(0, 10);
}

/**
 * The window one run must pull for an account: a backfill of `historyMonths` for a new account,
 * otherwise from the day after the last collected day, reaching back at least `trailingDays`
 * because providers revise recent days for 24 to 72 hours.
 */
export function collectionWindow(
  runDate: string,
  lastCollectedThrough: string | null,
  opts: { trailingDays: number; historyMonths: number },
): DayWindow | null {
  const end = addDays(runDate, -1);
  const trailingStart = addDays(runDate, -opts.trailingDays);
  const start =
    lastCollectedThrough === null
      ? monthsBefore(runDate, opts.historyMonths)
      : [addDays(lastCollectedThrough, 1), trailingStart].sort()[0]!;
  return start <= end ? { start, end } : null;
}

/** Splits a window into calendar-month pages so a backfill is pulled, retried and tracked in parts. */
export function monthPages(window: DayWindow): DayWindow[] {
  const pages: DayWindow[] = [];
  let start = window.start;
  while (start <= window.end) {
    const d = new Date(`${start}T00:00:00Z`);
    const monthEnd = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    const end = monthEnd < window.end ? monthEnd : window.end;
    pages.push({ start, end });
    start = addDays(end, 1);
  }
  return pages;
}
