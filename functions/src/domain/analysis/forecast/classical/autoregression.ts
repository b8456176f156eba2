import type { PointMethod } from "./benchmark-methods.js";
import { NormalEquations } from "./least-squares.js";

/** Options of {@link linearAutoregression}. */
export interface AutoregressionOptions {
  /** Lags used as regressors, e.g. 1..24 plus 48, 168 for hourly data. */
  lags: readonly number[];
  /** Ridge penalty relative to the mean diagonal of X'X (0 = ordinary least squares). */
  ridge?: number;
  /** Fit on at most this many of the latest observations (all when absent). */
  window?: number;
  /** Model log values (multiplicative dynamics; positive series) or raw values. Default true. */
  log?: boolean;
  /** Model the first differences of z (an ARIMA(p,1,0)-style model) instead of its levels. */
  difference?: boolean;
  /** Fit an intercept (a mean in levels, a drift in differences). Default true. */
  intercept?: boolean;
}

/**
 * Per-series linear autoregression fitted by (ridge) least squares and iterated for multi-step
 * forecasts (Box, Jenkins, Reinsel & Ljung, "Time Series Analysis", 5th ed., §3.2 and §5.2; the
 * "recursive" strategy): z_t = c + sum_l b_l z_{t-l} + e_t, with z = log x by default (or the
 * same on the differences of z). Lags that the history is too short to estimate are dropped (at
 * least 3 observations per coefficient); a series too short for even lag 1 gets the naive
 * forecast. Forecast levels are kept inside the observed range of z widened by its own width on
 * each side, so an unstable fit cannot explode, and a history without negative values gets no
 * negative forecast.
 *
 * @example
 *   const ar = linearAutoregression({ lags: [1, 2, 24, 168] });
 *   ar(hourlyValues, 48); // 48 values
 */
export function linearAutoregression(options: AutoregressionOptions): PointMethod {
  const sorted = [...new Set(options.lags)].filter((l) => Number.isInteger(l) && l > 0).sort((a, b) => a - b);
  const ridge = options.ridge ?? 0;
  const useLog = options.log ?? true;
  const difference = options.difference ?? false;
  const intercept = options.intercept ?? true;
  return (x, horizon) => {
    const n = x.length;
    const last = x[n - 1] ?? 0;
    let min = Number.POSITIVE_INFINITY;
    let sum = 0;
    for (const v of x) {
      if (v < min) min = v;
      sum += Math.abs(v);
    }
    // Shift a series with zero or negative values so the log is defined (and undo it afterwards).
    const shift = useLog && min <= 0 ? -min + 0.01 * (sum / Math.max(1, n)) + 1e-9 : 0;
    const fwd = (v: number) => (useLog ? Math.log(v + shift) : v);
    const back = (v: number) => (useLog ? Math.exp(v) - shift : v);
    const window = Math.min(n, options.window ?? n);
    const z = new Float64Array(n);
    let zmin = Number.POSITIVE_INFINITY;
    let zmax = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      const v = fwd(x[t] ?? 0);
      z[t] = v;
      if (t >= n - window) {
        if (v < zmin) zmin = v;
        if (v > zmax) zmax = v;
      }
    }
    const lo = zmin - (zmax - zmin);
    const hi = zmax + (zmax - zmin);
    const target = difference ? z.subarray(1).map((v, t) => v - (z[t] ?? 0)) : z;
    const path = iterate(target, sorted, Math.min(target.length, window - (difference ? 1 : 0)), ridge, intercept, horizon);
    if (path === null) return Array<number>(horizon).fill(last);
    let level = z[n - 1] ?? 0;
    return path.map((p) => {
      level = difference ? level + p : p;
      level = Math.min(hi, Math.max(lo, level));
      const v = back(level);
      return min >= 0 ? Math.max(0, v) : v;
    });
  };
}

/** Fits the autoregression on the last `window` values of `y` and iterates it `horizon` steps. */
function iterate(y: Float64Array, sortedLags: readonly number[], window: number, ridge: number, intercept: boolean, horizon: number): number[] | null {
  const n = y.length;
  const k0 = intercept ? 1 : 0;
  const lags: number[] = [];
  for (const l of sortedLags) {
    if (window - l >= 3 * (lags.length + 1 + k0)) lags.push(l);
    else break;
  }
  if (lags.length === 0) return null;
  const maxLag = lags[lags.length - 1] ?? 1;
  // Centre on the window mean so the ridge penalty shrinks towards it, not towards zero.
  let centre = 0;
  for (let t = n - window; t < n; t++) centre += y[t] ?? 0;
  centre = intercept ? centre / window : 0;
  const w = new Float64Array(n + horizon);
  for (let t = 0; t < n; t++) w[t] = (y[t] ?? 0) - centre;
  const ne = new NormalEquations(lags.length + k0);
  const row = new Float64Array(lags.length + k0);
  if (intercept) row[0] = 1;
  for (let t = n - window + maxLag; t < n; t++) {
    for (let j = 0; j < lags.length; j++) row[j + k0] = w[t - (lags[j] ?? 1)] ?? 0;
    ne.add(row, w[t] ?? 0);
  }
  const beta = ne.solve(ridge, k0);
  const out: number[] = [];
  for (let t = n; t < n + horizon; t++) {
    let f = intercept ? (beta[0] ?? 0) : 0;
    for (let j = 0; j < lags.length; j++) f += (beta[j + k0] ?? 0) * (w[t - (lags[j] ?? 1)] ?? 0);
    if (!Number.isFinite(f)) f = 0;
    w[t] = f;
    out.push(f + centre);
  }
  return out;
}

/** Lags 1..p plus the given extra (seasonal) lags. */
export function lagSet(p: number, extra: readonly number[] = []): number[] {
  return [...Array.from({ length: p }, (_, i) => i + 1), ...extra];
}
