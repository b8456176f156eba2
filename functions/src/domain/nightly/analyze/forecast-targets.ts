import type { CostRow } from "../../billing/ports.js";
import { type DailySeries, seriesBy, toDailySeries } from "../../analysis/daily-series.js";
import { compareCodePoints } from "./code-point-order.js";

/** A series the run forecasts: its key ("total", "account:…", "service:…") and its daily cost. */
export interface ForecastTarget {
  key: string;
  /** Billing currency of every amount of the series. */
  currency: string;
  series: DailySeries;
  /** Only the tenant total gets the daily forecast; the others get the month-end projection. */
  withDaily: boolean;
}

const BREAKDOWNS = [
  ["sub_account_id", "account"],
  ["service_name", "service"],
] as const;

/**
 * The tenant total, then each account, then each service with cost this month, all charge
 * categories included, each summed over `history`, per billing currency (keys get "@CODE" when
 * the ledger holds several). Accounts and services come in the order they
 * first have cost in the month (`monthRows`), then by name in code point order, so the result
 * lists them the same way every run.
 */
export function forecastTargets(history: readonly CostRow[], monthRows: readonly CostRow[], defaultCurrency = "USD"): ForecastTarget[] {
  const currencyOf = (r: CostRow) => r.dims.billing_currency || defaultCurrency;
  const currencies = [...new Set(history.map(currencyOf))].sort(compareCodePoints);
  if (currencies.length <= 1) return targetsOf(history, monthRows, currencies[0] ?? defaultCurrency, "");
  // Several currencies: every target once per currency, its key suffixed "@EUR", never a sum across them.
  return currencies.flatMap((c) =>
    targetsOf(
      history.filter((r) => currencyOf(r) === c),
      monthRows.filter((r) => currencyOf(r) === c),
      c,
      `@${c}`,
    ),
  );
}

function targetsOf(history: readonly CostRow[], monthRows: readonly CostRow[], currency: string, suffix: string): ForecastTarget[] {
  const targets: ForecastTarget[] = [{ key: `total${suffix}`, currency, series: toDailySeries(history), withDaily: true }];
  for (const [dim, label] of BREAKDOWNS) {
    const firstDay = new Map<string, string>();
    for (const r of monthRows) {
      const v = r.dims[dim] ?? "";
      const seen = firstDay.get(v);
      if (seen === undefined || r.date < seen) firstDay.set(v, r.date);
    }
    const values = [...firstDay].sort(([va, da], [vb, db]) => (da === db ? compareCodePoints(va, vb) : da < db ? -1 : 1)).map(([v]) => v);
    const series = seriesBy(history, (r) => (firstDay.has(r.dims[dim] ?? "") ? (r.dims[dim] ?? "") : null));
    for (const v of values) targets.push({ key: `${label}:${v}${suffix}`, currency, series: series.get(v) ?? toDailySeries([]), withDaily: false });
  }
  return targets;
}
