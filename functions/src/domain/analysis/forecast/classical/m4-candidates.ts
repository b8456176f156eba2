import { lagSet, linearAutoregression } from "./autoregression.js";
import { type PointMethod, combine, damped, holt, seasonallyAdjusted, ses } from "./benchmark-methods.js";

/*
 * Methods chosen on the M4 TRAIN holdout (last h points of each training series, `bench/m4/run.ts
 * --validate`; earlier origins of the training series as a check), never on the test set.
 */

/** The M4 benchmarks' Comb (mean of SES, Holt and Damped) on the series adjusted for annual (52-week) seasonality. */
export const weeklyComb: PointMethod = seasonallyAdjusted(combine([ses, holt, damped], "mean"), 52);

/**
 * Weekly: the mean of three different models: (a) Comb adjusted for annual seasonality (M4's 90%
 * test and classical decomposition at period 52; only series of 3+ years can pass); (b) a linear
 * autoregression on log values with lags 1-3 and 51-53 (last year's same weeks); (c) the same on
 * the weekly log changes with lags 1-3 and 52, fitted on the last five years, which keeps a drift.
 */
export const weeklyMethod: PointMethod = combine(
  [
    weeklyComb,
    linearAutoregression({ lags: lagSet(3, [51, 52, 53]) }),
    linearAutoregression({ lags: lagSet(3, [52]), difference: true, window: 260 }),
  ],
  "mean",
);

/** Hourly lags: the last day (1-24) and the same hour +-1 on each of the previous seven days. */
export const HOURLY_LAGS: readonly number[] = lagSet(24, [2, 3, 4, 5, 6, 7].flatMap((d) => [24 * d - 1, 24 * d, 24 * d + 1]));

/**
 * Hourly: a per-series linear autoregression on log values with {@link HOURLY_LAGS}, fitted by
 * least squares on the whole history and iterated over the 48-hour horizon.
 */
export const hourlyMethod: PointMethod = linearAutoregression({ lags: HOURLY_LAGS });
