import type { DocumentWrite } from "#kernel/ports.js";
import type { BudgetPeriod } from "../../analysis/budgets/index.js";
import { forecastDays, type MonthEndProjection, projectMonthEnd } from "../../analysis/forecast/index.js";
import type { ForecastTarget } from "./forecast-targets.js";
import { paths } from "#kernel/document-paths.js";

/** Firestore ids cannot contain "/"; keep keys readable otherwise. */
export const seriesDocId = (key: string): string => key.replace(/[/\s]+/g, "_").slice(0, 500);

export interface ForecastContext {
  tenantId: string;
  asOf: string;
  month: BudgetPeriod;
  horizonDays: number;
}

/**
 * Projects the month end of every target with data, forecasts the daily series of those that
 * want it, and returns `tenants/{t}/forecasts/{seriesKey}` documents (replaced whole each run).
 */
export function forecastUpdates(ctx: ForecastContext, targets: readonly ForecastTarget[]): { projections: MonthEndProjection[]; writes: DocumentWrite[] } {
  const projections: MonthEndProjection[] = [];
  const writes: DocumentWrite[] = [];
  for (const t of targets) {
    if (t.series.points.length === 0) continue;
    const projection = projectMonthEnd(t.key, t.series, ctx.month, ctx.asOf);
    projections.push(projection);
    const daily = t.withDaily ? forecastDays(t.series, ctx.horizonDays) : [];
    writes.push({
      path: paths.forecast(ctx.tenantId, seriesDocId(t.key)),
      data: { seriesKey: t.key, asOf: ctx.asOf, horizonDays: daily.length, points: daily, monthEnd: { period: ctx.month.key, ...projection } },
    });
  }
  return { projections, writes };
}
