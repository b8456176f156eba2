import { z } from "zod";
import { densify, forecastDense } from "./forecast-series.js";
import type { DailyPoint } from "./types.js";

/**
 * Backtested accuracy of the forecaster on one series (DESIGN.md §7: "backtested accuracy is
 * recorded per tenant"): the series is cut `cut` days before its end for each cut, forecast for
 * `horizon` days, and compared with what followed. Sums are returned so callers can aggregate
 * WAPE and coverage over a tenant's series; the same numbers for the seasonal naive (lag 7) give
 * the baseline beside it.
 */
export interface BacktestTotals {
  windows: number; // forecast windows scored
  days: number; // forecast days scored
  actual: number; // sum of actual cost over the scored windows
  forecast: number; // sum of the forecast means over the same days
  absTotalError: number; // sum over windows of |actual total - forecast total|
  absTotalErrorNaive: number; // the same for the seasonal naive
  absDailyError: number; // sum over days of |actual - mean|
  inside80: number; // days whose actual fell inside the 80% band
  inside95: number;
}

/** Fewest days a replayed forecast is trained on: a cut leaving less is skipped. */
export const BACKTEST_MIN_TRAIN = 60;

const optionsSchema = z.object({
  horizon: z.number().int().min(1).max(366).default(30),
  cuts: z.array(z.number().int().min(1)).min(1).default([30, 60, 90]),
  minTrain: z.number().int().min(14).default(BACKTEST_MIN_TRAIN),
});

export function backtestSeries(points: readonly DailyPoint[], options: Partial<z.input<typeof optionsSchema>> = {}): BacktestTotals {
  const { horizon, cuts, minTrain } = optionsSchema.parse(options);
  const { startDay, values } = densify(points);
  const totals: BacktestTotals = { windows: 0, days: 0, actual: 0, forecast: 0, absTotalError: 0, absTotalErrorNaive: 0, absDailyError: 0, inside80: 0, inside95: 0 };
  for (const cut of cuts) {
    if (values.length - cut < minTrain) continue;
    const train = values.slice(0, values.length - cut);
    const truth = values.slice(values.length - cut, values.length - cut + horizon);
    const fc = forecastDense(train, startDay, truth.length);
    let tA = 0;
    let tF = 0;
    let tN = 0;
    truth.forEach((a, h) => {
      const p = fc[h];
      if (!p) return;
      tA += a;
      tF += p.mean;
      tN += train[train.length - 7 + (h % 7)] ?? 0;
      totals.days++;
      totals.absDailyError += Math.abs(a - p.mean);
      if (a >= p.lower80 && a <= p.upper80) totals.inside80++;
      if (a >= p.lower95 && a <= p.upper95) totals.inside95++;
    });
    totals.windows++;
    totals.actual += tA;
    totals.forecast += tF;
    totals.absTotalError += Math.abs(tA - tF);
    totals.absTotalErrorNaive += Math.abs(tA - tN);
  }
  return totals;
}
