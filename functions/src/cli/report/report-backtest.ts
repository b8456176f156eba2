import { toDailySeries } from "#domain/analysis/daily-series.js";
import { backtestLastMonth, lastCompleteMonth } from "#domain/analysis/forecast/index.js";
import type { CostWarehouse } from "#domain/billing/ports.js";
import { addDays } from "#kernel/days.js";
import { buildCostReport } from "../costs/cost-report.js";
import { tenantCurrencyFirst } from "./currency-order.js";

export { lastCompleteMonth };

/** Forecast against actual for the last complete month, in one billing currency. */
export interface ReportBacktest {
  currency: string;
  month: string; // YYYY-MM
  actual: string; // exact sum of the month's costs
  absError: string; // |actual - forecast| for the month, cents
  errorShare: number; // absError / actual
  days: number;
  inside80: number;
  inside95: number;
}

/**
 * The tenant total's last complete month replayed by the same record the nightly stores per
 * series (`backtestLastMonth`): the ledger cut at the month's first day, forecast for the month,
 * scored against what was billed. Null when the ledger holds too little history before the month
 * or no cost in the month.
 */
export async function gatherBacktest(warehouse: CostWarehouse, tenantId: string, currency: string, asOf: string): Promise<ReportBacktest | null> {
  return (await gatherBacktests(warehouse, tenantId, currency, asOf)).find((b) => b.currency === currency) ?? null;
}

/**
 * {@link gatherBacktest} for every billing currency of the ledger, each series summed in its own
 * currency only (never added across), the tenant's currency first, then the others in code order;
 * a currency with too little history is left out. One ledger query for all of them.
 *
 * @example
 * await gatherBacktests(warehouse, "acme", "USD", "2026-11-19"); // [{ currency: "USD", month: "2026-10", … }, { currency: "EUR", … }]
 */
export async function gatherBacktests(warehouse: CostWarehouse, tenantId: string, tenantCurrency: string, asOf: string): Promise<ReportBacktest[]> {
  const month = lastCompleteMonth(asOf);
  const window = { start: addDays(month.start, -180), end: month.end };
  const report = await buildCostReport(warehouse, { tenant: tenantId, window, groupBy: [{ kind: "dimension", name: "provider" }], granularity: "daily" });
  const out: ReportBacktest[] = [];
  for (const currency of tenantCurrencyFirst(report.rows.map((r) => r.currency), tenantCurrency)) {
    const rows = report.rows.filter((r) => r.currency === currency).map((r) => ({ date: r.period, billed_cost: r.billedCost }));
    const b = backtestLastMonth(toDailySeries(rows), asOf);
    if (b) out.push({ currency, month: b.month, actual: b.actual, absError: b.absError, errorShare: b.errorShare, days: b.days, inside80: b.inside80, inside95: b.inside95 });
  }
  return out;
}
