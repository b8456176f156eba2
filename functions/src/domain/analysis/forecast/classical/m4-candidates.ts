import { type PointMethod, combine, damped, holt, seasonallyAdjusted, seasonalNaive, ses } from "./benchmark-methods.js";
import { indexedLevel, seasonalDrift, seasonalProfile } from "./seasonal-profile.js";

/*
 * Methods chosen on the M4 TRAIN holdout (last h points of each training series, bench/m4/explore.ts),
 * never on the test set.
 */

/**
 * Weekly: Comb (mean of SES, Holt and Damped) on the series adjusted for ANNUAL seasonality
 * (period 52, M4's 90% test and classical decomposition; only long series pass the n >= 3m test).
 */
export const weeklyMethod: PointMethod = seasonallyAdjusted(combine([ses, holt, damped], "mean"), 52);

/**
 * Hourly: the mean of (a) the median of seven double-seasonal forecasts (daily seasonal naive;
 * level-adjusted daily profiles over the last 7 and 3 days; weekly 168 h profiles over the last 2
 * and 3 weeks; daily and weekly indices times an SES level) and (b) the daily seasonal naive plus
 * the average day-over-day drift of the last week, which follows smoothly trending series.
 */
export const hourlyMethod: PointMethod = combine(
  [
    combine(
      [
        seasonalNaive(24),
        seasonalProfile(24, 7, true, true),
        seasonalProfile(24, 3, true, true),
        seasonalProfile(168, 2),
        seasonalProfile(168, 3),
        indexedLevel(24, 7, ses),
        indexedLevel(168, 3, ses),
      ],
      "median",
    ),
    seasonalDrift(24, 7),
  ],
  "mean",
);
