import Big from "big.js";
import { addDays } from "#kernel/days.js";

/**
 * Converting amounts between currencies with a dated rate table, the only way amounts in two
 * currencies may meet. A table gives, per day, the units of each currency that one unit of its
 * base buys (the ECB's euro reference rates: base EUR, `USD: "1.1059"`); a cross rate goes through
 * the base. A day without a row takes the latest earlier row, at most {@link MAX_RATE_AGE_DAYS}
 * back (no rates are published on weekends and holidays). Without a rate there is no conversion:
 * the caller gets the missing (currency, day) pairs and refuses the total.
 */

export const MAX_RATE_AGE_DAYS = 7;

export interface RateTable {
  base: string;
  source: string;
  days: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** One rate used: `amount` of `from` on `day` became `converted` of `to` at `rate` (published `rateDay`). */
export interface RateUse {
  from: string;
  to: string;
  day: string;
  rateDay: string;
  rate: string;
  source: string;
}

/** Units of `currency` that one unit of the base buys on `rateDay` (the base itself: 1). */
function perBase(table: RateTable, rateDay: string, currency: string): string | undefined {
  if (currency === table.base) return "1";
  return table.days[rateDay]?.[currency];
}

/**
 * The rate that turns one unit of `from` into `to` on `day`, and the day it was published; null
 * without one. Rates are rounded to 12 decimal places (half-even).
 *
 * @example
 * rateOn({ base: "EUR", source: "ECB", days: { "2024-09-02": { USD: "1.1059" } } }, "EUR", "USD", "2024-09-03");
 * // { from: "EUR", to: "USD", day: "2024-09-03", rateDay: "2024-09-02", rate: "1.1059", source: "ECB" }
 */
export function rateOn(table: RateTable, from: string, to: string, day: string): RateUse | null {
  if (from === to) return { from, to, day, rateDay: day, rate: "1", source: "same currency" };
  for (let back = 0; back <= MAX_RATE_AGE_DAYS; back++) {
    const rateDay = addDays(day, -back);
    const f = perBase(table, rateDay, from);
    const t = perBase(table, rateDay, to);
    if (f === undefined || t === undefined || table.days[rateDay] === undefined) continue;
    const rate = new Big(t).div(f).round(12, Big.roundHalfEven).toFixed();
    return { from, to, day, rateDay, rate, source: table.source };
  }
  return null;
}

export interface DailyAmount {
  day: string;
  currency: string;
  amounts: Record<string, string>;
}

export type Conversion =
  | { ok: true; currency: string; totals: Record<string, string>; rates: RateUse[] }
  | { ok: false; missing: { currency: string; day: string }[] };

/**
 * Totals daily amounts (each in its own currency) in `to`: each day's amount is converted with
 * that day's rate, then summed; every rate used is returned beside the totals. Converted amounts
 * keep 12 decimal places (half-even), as the ledger does.
 *
 * @example
 * convertTotals([{ day: "2024-09-02", currency: "EUR", amounts: { billed: "10" } }], "USD", table);
 * // { ok: true, currency: "USD", totals: { billed: "11.059" }, rates: [{ from: "EUR", to: "USD", ... }] }
 */
export function convertTotals(rows: readonly DailyAmount[], to: string, table: RateTable): Conversion {
  const totals = new Map<string, Big>();
  const rates = new Map<string, RateUse>();
  const missing = new Map<string, { currency: string; day: string }>();
  for (const r of rows) {
    const use = rateOn(table, r.currency, to, r.day);
    if (!use) {
      missing.set(`${r.currency}|${r.day}`, { currency: r.currency, day: r.day });
      continue;
    }
    if (r.currency !== to) rates.set(`${r.currency}|${r.day}`, use);
    for (const [name, amount] of Object.entries(r.amounts)) {
      const converted = new Big(amount).times(use.rate).round(12, Big.roundHalfEven);
      totals.set(name, (totals.get(name) ?? new Big(0)).plus(converted));
    }
  }
  if (missing.size > 0) return { ok: false, missing: [...missing.values()].sort((a, b) => (a.day + a.currency < b.day + b.currency ? -1 : 1)) };
  return {
    ok: true,
    currency: to,
    totals: Object.fromEntries([...totals].map(([k, v]) => [k, v.toFixed()])),
    rates: [...rates.values()].sort((a, b) => (a.day + a.from < b.day + b.from ? -1 : 1)),
  };
}
