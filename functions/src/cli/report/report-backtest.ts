import Big from "big.js";
import { backtestSeries } from "#domain/analysis/forecast/index.js";
import type { CostWarehouse } from "#domain/billing/ports.js";
import { addDays } from "#kernel/days.js";
import { buildCostReport } from "../costs/cost-report.js";

/** Forecast against actual for the last complete month, in the tenant's currency. */
export interface ReportBacktest {
  month: string; // YYYY-MM
  actual: string; // exact sum of the month's costs
  absError: string; // |actual - forecast| for the month, from the model (float space, rounded to cents)
  errorShare: number; // absError / actual
  days: number;
  inside80: number;
  inside95: number;
}

/** The last month that ended on or before `asOf`. */
export function lastCompleteMonth(asOf: string): { start: string; end: string } {
  const nextDay = addDays(asOf, 1);
  const endsMonth = nextDay.slice(0, 7) !== asOf.slice(0, 7);
  const end = endsMonth ? asOf : addDays(`${asOf.slice(0, 7)}-01`, -1);
  return { start: `${end.slice(0, 7)}-01`, end };
}

/**
 * Replays the forecaster with the ledger cut at the month's first day (`backtestSeries`, one cut,
 * horizon = the month) and scores it against what was billed. Null when the ledger holds too little
 * history before the month (the forecaster's minimum training length) or no cost in the month.
 */
export async function gatherBacktest(warehouse: CostWarehouse, tenantId: string, currency: string, asOf: string): Promise<ReportBacktest | null> {
  const month = lastCompleteMonth(asOf);
  const window = { start: addDays(month.start, -180), end: month.end };
  const report = await buildCostReport(warehouse, { tenant: tenantId, window, groupBy: [{ kind: "dimension", name: "provider" }], granularity: "daily" });
  const byDay = new Map<string, Big>();
  for (const r of report.rows) if (r.currency === currency) byDay.set(r.period, (byDay.get(r.period) ?? new Big(0)).plus(r.billedCost));
  if (byDay.size === 0) return null;
  let actual = new Big(0);
  for (const [day, cost] of byDay) if (day >= month.start) actual = actual.plus(cost);
  // Model space: the forecaster works on floats; the month's actual stays exact.
  const points = [...byDay].map(([date, cost]) => ({ date, cost: Number(cost) })).sort((a, b) => (a.date < b.date ? -1 : 1));
  const horizon = Number(month.end.slice(8, 10));
  const t = backtestSeries(points, { cuts: [horizon], horizon });
  if (t.windows === 0 || actual.lte(0)) return null;
  return {
    month: month.start.slice(0, 7),
    actual: actual.toFixed(),
    absError: t.absTotalError.toFixed(2),
    errorShare: t.absTotalError / Number(actual),
    days: t.days,
    inside80: t.inside80,
    inside95: t.inside95,
  };
}
