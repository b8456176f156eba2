import type { DocumentWrite } from "#kernel/ports.js";
import type { BudgetPeriod } from "../../analysis/budgets/index.js";
import { type CompletenessLabel, completenessLabel } from "../../analysis/day-completeness.js";
import {
  type ForecastAccuracy,
  type ForecastDay,
  forecastAccuracy,
  forecastDays,
  type MonthEndProjection,
  projectMonthEnd,
  type SeriesTrend,
  seriesTrend,
} from "../../analysis/forecast/index.js";
import type { ForecastTarget } from "./forecast-targets.js";
import { paths } from "#kernel/document-paths.js";

/** Firestore ids cannot contain "/"; keep keys readable otherwise. */
export const seriesDocId = (key: string): string => key.replace(/[/\s]+/g, "_").slice(0, 500);

/** `tenants/{t}/forecasts/{seriesDocId(key)}` as the nightly writes it. */
export interface StoredForecast {
  seriesKey: string;
  asOf: string;
  completeness: CompletenessLabel;
  horizonDays: number;
  points: ForecastDay[];
  /** Amounts in `currency`, the series' billing currency. */
  monthEnd: MonthEndProjection & { period: string; currency: string };
  backtest: ForecastAccuracy;
  trend: SeriesTrend;
}

export interface ForecastContext {
  tenantId: string;
  asOf: string;
  month: BudgetPeriod;
  horizonDays: number;
  /** Days, counting asOf, still filling in (see day-completeness.ts). */
  settleDays: number;
}

/**
 * Projects the month end of every target with data, forecasts the daily series of those that
 * want it, and returns `tenants/{t}/forecasts/{seriesKey}` documents (replaced whole each run).
 * Beside the forecast each document holds its measured accuracy (`backtest`: last month's
 * forecast against the bill, interval coverage over the last 84 settled days), the series'
 * `trend`, and which of its days are settled (`completeness`).
 */
export function forecastUpdates(
  ctx: ForecastContext,
  targets: readonly ForecastTarget[],
): { projections: (MonthEndProjection & { currency: string })[]; writes: DocumentWrite[] } {
  const projections: (MonthEndProjection & { currency: string })[] = [];
  const writes: DocumentWrite[] = [];
  for (const t of targets) {
    if (t.series.points.length === 0) continue;
    const projection = { ...projectMonthEnd(t.key, t.series, ctx.month, ctx.asOf), currency: t.currency };
    projections.push(projection);
    const daily = t.withDaily ? forecastDays(t.series, ctx.horizonDays) : [];
    writes.push({
      path: paths.forecast(ctx.tenantId, seriesDocId(t.key)),
      data: {
        seriesKey: t.key,
        asOf: ctx.asOf,
        completeness: completenessLabel(ctx.asOf, ctx.settleDays),
        horizonDays: daily.length,
        points: daily,
        monthEnd: { period: ctx.month.key, ...projection },
        backtest: forecastAccuracy(t.series, ctx.asOf, ctx.settleDays),
        trend: seriesTrend(t.series, ctx.asOf, ctx.settleDays),
      } satisfies StoredForecast,
    });
  }
  return { projections, writes };
}
