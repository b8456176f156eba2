import { addDays, type DayWindow, monthsBefore } from "#kernel/days.js";

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
