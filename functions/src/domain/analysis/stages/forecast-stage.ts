import { add as addExact, fromNumber } from "../../billing/money.js";
import type { CostDimension } from "../../billing/cost-record.js";
import type { CostWarehouse } from "../../billing/ports.js";
import type { DocumentStore } from "#kernel/ports.js";
import { forecastSeries, projectPeriod } from "../forecast/index.js";
import { periodFor } from "../budgets/period.js";
import { readDaily, sumBetween } from "./history.js";

export const FORECAST_HORIZON_DAYS = 90;

export interface MonthEndProjection {
  seriesKey: string;
  actualToDate: string;
  projected: string;
  lower80: string;
  upper80: string;
  lower95: string;
  upper95: string;
}

const money = (n: number) => fromNumber(Math.max(0, n), 2);

/** Firestore ids cannot contain "/"; keep keys readable otherwise. */
export const seriesDocId = (key: string): string => key.replace(/[/\s]+/g, "_").slice(0, 500);

/**
 * Forecasts the tenant total 90 days ahead with 80% and 95% bands, and projects the month end for
 * the tenant, each account and each service. Writes `tenants/{t}/forecasts/{seriesKey}`.
 */
export async function runForecastStage(
  deps: { warehouse: CostWarehouse; store: DocumentStore },
  tenantId: string,
  asOf: string,
): Promise<MonthEndProjection[]> {
  const month = periodFor({ period: "monthly" }, asOf)!;
  const targets: { key: string; filter: Partial<Record<CostDimension, string[]>>; withDaily: boolean }[] = [
    { key: "total", filter: {}, withDaily: true },
  ];
  for (const dim of ["sub_account_id", "service_name"] as const) {
    const rows = await deps.warehouse.queryDaily(tenantId, { window: { start: month.start, end: asOf }, groupBy: [dim] });
    for (const v of new Set(rows.map((r) => r.dims[dim] ?? ""))) {
      targets.push({ key: `${dim === "sub_account_id" ? "account" : "service"}:${v}`, filter: { [dim]: [v] }, withDaily: false });
    }
  }
  const out: MonthEndProjection[] = [];
  for (const t of targets) {
    const series = await readDaily(deps.warehouse, tenantId, asOf, t.filter);
    if (series.points.length === 0) continue;
    const actual = sumBetween(series, month.start, asOf);
    const p = projectPeriod(series.points, { periodStart: month.start, periodEnd: month.end, asOf });
    const remainder = (x: number) => money(x - p.actualToDate);
    const proj: MonthEndProjection = {
      seriesKey: t.key,
      actualToDate: actual,
      projected: addExact(actual, remainder(p.projected)),
      lower80: addExact(actual, remainder(p.lower80)),
      upper80: addExact(actual, remainder(p.upper80)),
      lower95: addExact(actual, remainder(p.lower95)),
      upper95: addExact(actual, remainder(p.upper95)),
    };
    out.push(proj);
    const daily = t.withDaily
      ? forecastSeries(series.points, FORECAST_HORIZON_DAYS).map((f) => ({
          date: f.date,
          mean: money(f.mean),
          lower80: money(f.lower80),
          upper80: money(f.upper80),
          lower95: money(f.lower95),
          upper95: money(f.upper95),
        }))
      : [];
    await deps.store.set(`tenants/${tenantId}/forecasts/${seriesDocId(t.key)}`, {
      seriesKey: t.key,
      asOf,
      horizonDays: daily.length,
      points: daily,
      monthEnd: { period: month.key, ...proj },
    });
  }
  return out;
}
