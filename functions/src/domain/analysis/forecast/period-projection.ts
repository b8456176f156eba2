import { z } from "zod";
import { toEpochDay } from "#kernel/days.js";
import { type DailyCostModel, fitDailyCostModel } from "./daily-cost-model.js";
import { densify, forecastDense } from "./forecast-series.js";
import { quantile, robustSigma } from "./robust-stats.js";
import type { DailyPoint } from "./types.js";

/**
 * Period-end projection for budgets: actual to date plus the forecast of the rest of the period.
 * The history is cut at `asOf`; period days after the last observed day (billing lag included)
 * are forecast. The interval of the remainder is calibrated like the daily bands, on the model's
 * own rolling-origin errors of a total over the same number of days.
 */

export interface PeriodWindow {
  periodStart: string; // first day of the period, inclusive
  periodEnd: string; // last day of the period, inclusive
  asOf: string; // last day whose data may be used
}

export interface PeriodProjection {
  actualToDate: number;
  forecastRemainder: number;
  projected: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

const windowSchema = z
  .object({ periodStart: z.string(), periodEnd: z.string(), asOf: z.string() })
  .transform((w) => ({ start: toEpochDay(w.periodStart), end: toEpochDay(w.periodEnd), asOf: toEpochDay(w.asOf) }))
  .refine((w) => w.start <= w.end, "periodStart must not be after periodEnd");

const ORIGINS = 30;
const MIN_TRAIN = 42;

/** Finite-sample split-conformal level ceil((N+1)p)/N (see calibrated-intervals.ts). */
function conformalLevel(p: number, count: number): number {
  if (p < 0.5) return Math.max(0, 1 - Math.ceil((count + 1) * (1 - p)) / count);
  return Math.min(1, Math.ceil((count + 1) * p) / count);
}

/** The normal distribution's 97.5% quantile. */
const Z975 = 1.959964;

/**
 * Half-width of a 95% band from the spread of the backtest errors (normal quantile times their
 * median-based deviation, so an anomaly inside a backtest window does not widen it). With fewer
 * than 39 origins the conformal 95% band is the range of the errors, and totals of origins a week
 * apart overlap (a 28-day total shares 21 days with the next): the range of such correlated errors
 * understates their spread, the more so the steadier the forecast. The band is never narrower.
 */
function spread95(errors: readonly number[]): number {
  return Z975 * robustSigma(errors);
}

/** Relative errors of the model's forecast of a `days`-long total, at rolling origins one week apart. */
function totalErrors(values: readonly number[], startDay: number, days: number): number[] {
  const errors: number[] = [];
  for (let j = 0; j < ORIGINS; j++) {
    const origin = values.length - days - 7 * j;
    if (origin < MIN_TRAIN) break;
    const model: DailyCostModel = fitDailyCostModel(values.slice(0, origin), startDay);
    const fc = model.forecast(days).reduce((a, b) => a + b, 0);
    const act = values.slice(origin, origin + days).reduce((a, b) => a + b, 0);
    errors.push((act - fc) / Math.max(fc, 0.1 * model.scale * days, 1e-9));
  }
  return errors;
}

export function projectPeriod(history: readonly DailyPoint[], window: PeriodWindow): PeriodProjection {
  const w = windowSchema.parse(window);
  const known = history.filter((p) => toEpochDay(p.date) <= w.asOf);
  const actualToDate = known
    .filter((p) => {
      const d = toEpochDay(p.date);
      return d >= w.start && d <= w.end;
    })
    .reduce((a, p) => a + p.cost, 0);
  const exact = { actualToDate, forecastRemainder: 0, projected: actualToDate };
  if (known.length === 0) {
    return { ...exact, lower80: actualToDate, upper80: actualToDate, lower95: actualToDate, upper95: actualToDate };
  }
  const { startDay, values } = densify(known);
  const lastDay = startDay + values.length - 1;
  const firstForecastDay = Math.max(lastDay + 1, w.start);
  const remaining = w.end - firstForecastDay + 1;
  if (remaining <= 0) {
    return { ...exact, lower80: actualToDate, upper80: actualToDate, lower95: actualToDate, upper95: actualToDate };
  }
  const daily = forecastDense(values, startDay, w.end - lastDay).slice(firstForecastDay - lastDay - 1);
  const remainder = daily.reduce((a, p) => a + p.mean, 0);
  const errors = totalErrors(values, startDay, remaining);
  let band: [number, number, number, number];
  if (errors.length >= 5) {
    const scale = Math.max(remainder, 1e-9);
    band = [0.025, 0.1, 0.9, 0.975].map((p) => Math.max(0, remainder + quantile(errors, conformalLevel(p, errors.length)) * scale)) as typeof band;
    const half95 = spread95(errors) * scale;
    band[0] = Math.min(band[0], Math.max(0, remainder - half95));
    band[3] = Math.max(band[3], remainder + half95);
  } else {
    // Too little history to backtest a total this long: sum the daily bands (perfect correlation, conservative).
    const sum = (k: "lower95" | "lower80" | "upper80" | "upper95") => daily.reduce((a, p) => a + p[k], 0);
    band = [sum("lower95"), sum("lower80"), sum("upper80"), sum("upper95")];
  }
  // Floor: the band the daily bands give if their errors were independent (the narrowest they can
  // combine to); a total backtested on few origins must not be narrower than that.
  const spread = (k: "lower95" | "lower80" | "upper80" | "upper95") => Math.sqrt(daily.reduce((a, p) => a + (p[k] - p.mean) ** 2, 0));
  const l95 = Math.min(band[0], Math.max(0, remainder - spread("lower95")));
  const l80 = Math.min(band[1], Math.max(0, remainder - spread("lower80")));
  const u80 = Math.max(band[2], remainder + spread("upper80"));
  const u95 = Math.max(band[3], remainder + spread("upper95"));
  const lower80 = Math.min(l80, remainder);
  const upper80 = Math.max(u80, remainder);
  return {
    actualToDate,
    forecastRemainder: remainder,
    projected: actualToDate + remainder,
    lower80: actualToDate + lower80,
    upper80: actualToDate + upper80,
    lower95: actualToDate + Math.min(l95, lower80),
    upper95: actualToDate + Math.max(u95, upper80),
  };
}

/**
 * Days from `asOf` until cumulative spend in the period exceeds `budgetAmount` on the projection's
 * mean path: 0 when the actuals already exceed it, null when the period ends below it.
 */
export function daysUntilBreach(
  history: readonly DailyPoint[],
  budgetAmount: number,
  periodStart: string,
  periodEnd: string,
  asOf: string,
): number | null {
  const budget = z.number().finite().nonnegative().parse(budgetAmount);
  const w = windowSchema.parse({ periodStart, periodEnd, asOf });
  const known = history.filter((p) => toEpochDay(p.date) <= w.asOf);
  let cumulative = known
    .filter((p) => toEpochDay(p.date) >= w.start && toEpochDay(p.date) <= w.end)
    .reduce((a, p) => a + p.cost, 0);
  if (cumulative > budget) return 0;
  if (known.length === 0) return null;
  const { startDay, values } = densify(known);
  const lastDay = startDay + values.length - 1;
  if (w.end <= lastDay) return null;
  const means = fitDailyCostModel(values, startDay).forecast(w.end - lastDay);
  for (let i = 0; i < means.length; i++) {
    const day = lastDay + 1 + i;
    if (day < w.start) continue;
    cumulative += means[i] ?? 0;
    if (cumulative > budget) return Math.max(0, day - w.asOf);
  }
  return null;
}
