import { fitExponentialSmoothing } from "./exponential-smoothing.js";
import { isSeasonal, multiplicativeIndices } from "./seasonality.js";
import { thetaForecast } from "./theta.js";

/** A point-forecast method for a regularly spaced series: history in, `horizon` values out. */
export type PointMethod = (x: readonly number[], horizon: number) => number[];

/**
 * Applies the M4 benchmarks' seasonal adjustment around `inner`: when the 90% test finds
 * seasonality at lag m, forecast the multiplicatively deseasonalised series and reseasonalise.
 */
export function seasonallyAdjusted(inner: PointMethod, m: number): PointMethod {
  return (x, horizon) => {
    if (!isSeasonal(x, m)) return inner(x, horizon);
    const si = multiplicativeIndices(x, m, horizon);
    const adjusted = x.map((v, t) => v / (si.inSample[t] ?? 1));
    return inner(adjusted, horizon).map((f, h) => f * (si.outOfSample[h] ?? 1));
  };
}

export const naive: PointMethod = (x, horizon) => Array<number>(horizon).fill(x[x.length - 1] ?? 0);

export function seasonalNaive(m: number): PointMethod {
  return (x, horizon) => Array.from({ length: horizon }, (_, h) => x[x.length - m + (h % m)] ?? x[x.length - 1] ?? 0);
}

export const ses: PointMethod = (x, h) => fitExponentialSmoothing(x, "none").forecast(h);
export const holt: PointMethod = (x, h) => fitExponentialSmoothing(x, "linear").forecast(h);
export const damped: PointMethod = (x, h) => fitExponentialSmoothing(x, "damped").forecast(h);
export const theta: PointMethod = thetaForecast;

/** M4 Naive2: naive on the seasonally adjusted series. */
export const naive2 = (m: number): PointMethod => seasonallyAdjusted(naive, m);

/** Elementwise mean or median of several methods' forecasts (forecast combination). */
export function combine(methods: readonly PointMethod[], how: "mean" | "median"): PointMethod {
  return (x, horizon) => {
    const all = methods.map((f) => f(x, horizon));
    return Array.from({ length: horizon }, (_, h) => {
      const vals = all.map((fc) => fc[h] ?? 0).sort((a, b) => a - b);
      if (how === "mean") return vals.reduce((a, b) => a + b, 0) / vals.length;
      const mid = Math.floor(vals.length / 2);
      return vals.length % 2 ? (vals[mid] ?? 0) : ((vals[mid - 1] ?? 0) + (vals[mid] ?? 0)) / 2;
    });
  };
}

/** M4 negative forecasts are set to zero, as in the benchmarks' code. */
export const nonNegative =
  (inner: PointMethod): PointMethod =>
  (x, h) =>
    inner(x, h).map((v) => Math.max(0, v));
