import { addDays } from "#kernel/days.js";

/**
 * How far a day's cost can still move. Providers keep adding rows to a day for 24 to 72 hours
 * after it ends (GCP's billing export, AWS Cost Explorer and Azure Cost Management all document
 * such a delay), so a recent day reads low until it settles. The nightly runs a few hours after
 * midnight UTC on data through the day before: with the default of 3, the three latest days
 * (all less than 72 hours old at run time) are `provisional`, older ones `settled`.
 *
 * @example
 *   dayCompleteness("2026-11-18", "2026-11-19"); // "provisional"
 *   dayCompleteness("2026-11-16", "2026-11-19"); // "settled"
 *   firstProvisionalDay("2026-11-19");          // "2026-11-17"
 */
export type DayCompleteness = "provisional" | "settled";

/** Days, counting asOf, that are still filling in. */
export const SETTLE_DAYS = 3;

/** The first day that may still change, given the last day with data (asOf). */
export function firstProvisionalDay(asOf: string, settleDays: number = SETTLE_DAYS): string {
  return addDays(asOf, -settleDays + 1);
}

/** The last day whose cost has settled. */
export function lastSettledDay(asOf: string, settleDays: number = SETTLE_DAYS): string {
  return addDays(asOf, -settleDays);
}

export function dayCompleteness(date: string, asOf: string, settleDays: number = SETTLE_DAYS): DayCompleteness {
  return date >= firstProvisionalDay(asOf, settleDays) ? "provisional" : "settled";
}

/** The label a stored record carries: which days are settled and which still fill in. */
export interface CompletenessLabel {
  settledThrough: string;
  provisionalFrom: string;
  provisionalThrough: string;
}

export function completenessLabel(asOf: string, settleDays: number = SETTLE_DAYS): CompletenessLabel {
  return { settledThrough: lastSettledDay(asOf, settleDays), provisionalFrom: firstProvisionalDay(asOf, settleDays), provisionalThrough: asOf };
}
