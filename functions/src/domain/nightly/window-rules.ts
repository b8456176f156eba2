import { addDays, type DayWindow, earlierDay, monthsBefore } from "#kernel/days.js";
import { collectionWindow } from "./collection-window.js";

/**
 * The window one run pulls for an account, by the rule of its source. Most accounts follow
 * collectionWindow (a backfill, then the days since the last one and the trailing days). A Vultr
 * account (template `vultr`) bills by invoice month: its window starts on the 1st of a month and
 * always reaches back to the 1st of the month before yesterday's, so that the previous month's
 * page is collected each night until its invoice, dated early in the following month, replaces
 * the pending-charges snapshot (VultrBillingSource). The nightly pages a window by calendar month
 * (monthPages), so each of those pages is one invoice month.
 *
 * @example
 *   accountCollectionWindow({ template: "vultr", lastCollectedThrough: "2026-12-03" }, "2026-12-05", { trailingDays: 3, historyMonths: 13 });
 *   // { start: "2026-11-01", end: "2026-12-04" }
 */
export function accountCollectionWindow(
  account: { template?: string | undefined; lastCollectedThrough: string | null },
  runDate: string,
  opts: { trailingDays: number; historyMonths: number },
): DayWindow | null {
  const window = collectionWindow(runDate, account.lastCollectedThrough, opts);
  return account.template === "vultr" ? invoiceMonthsWindow(runDate, window) : window;
}

/** Whole invoice months: from the 1st of the month of the window's start, or of the month before yesterday's if earlier, to yesterday. */
export function invoiceMonthsWindow(runDate: string, window: DayWindow | null): DayWindow {
  const end = addDays(runDate, -1);
  const previousMonth = monthsBefore(end, 1);
  return { start: window ? monthsBefore(earlierDay(window.start, previousMonth), 0) : previousMonth, end };
}
