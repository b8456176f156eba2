import type { CostRow } from "../../billing/ports.js";
import { type DailySeries, seriesBy, toDailySeries } from "../../analysis/daily-series.js";
import { compareCodePoints } from "./code-point-order.js";

/** A series the run forecasts: its key ("total", "account:…", "service:…") and its daily cost. */
export interface ForecastTarget {
  key: string;
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
 * categories included, each summed over `history`. Accounts and services come in the order they
 * first have cost in the month (`monthRows`), then by name in code point order, so the result
 * lists them the same way every run.
 */
export function forecastTargets(history: readonly CostRow[], monthRows: readonly CostRow[]): ForecastTarget[] {
  const targets: ForecastTarget[] = [{ key: "total", series: toDailySeries(history), withDaily: true }];
  for (const [dim, label] of BREAKDOWNS) {
    const firstDay = new Map<string, string>();
    for (const r of monthRows) {
      const v = r.dims[dim] ?? "";
      const seen = firstDay.get(v);
      if (seen === undefined || r.date < seen) firstDay.set(v, r.date);
    }
    const values = [...firstDay].sort(([va, da], [vb, db]) => (da === db ? compareCodePoints(va, vb) : da < db ? -1 : 1)).map(([v]) => v);
    const series = seriesBy(history, (r) => (firstDay.has(r.dims[dim] ?? "") ? (r.dims[dim] ?? "") : null));
    for (const v of values) targets.push({ key: `${label}:${v}`, series: series.get(v) ?? toDailySeries([]), withDaily: false });
  }
  return targets;
}
