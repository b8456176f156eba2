/**
 * Seasonality handling exactly as the M4 benchmarks (Mcompetitions/M4-methods, "Benchmarks and
 * evaluation.R"): a 90% autocorrelation test at the seasonal lag, then a classical multiplicative
 * decomposition (R's `decompose`) whose last cycle is repeated over the horizon.
 */

/** Sample autocorrelation at lags 1..maxLag (R's `acf`: biased, mean-centred). */
export function acf(x: readonly number[], maxLag: number): number[] {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  let denom = 0;
  for (const v of x) denom += (v - m) ** 2;
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let num = 0;
    for (let t = k; t < n; t++) num += ((x[t] ?? 0) - m) * ((x[t - k] ?? 0) - m);
    out.push(denom > 0 ? num / denom : 0);
  }
  return out;
}

/** M4 `SeasonalityTest`: |acf(m)| > 1.645 / sqrt(n) * sqrt(1 + 2 * sum_{k<m} acf(k)^2), needs n >= 3m. */
export function isSeasonal(x: readonly number[], m: number): boolean {
  if (m <= 1 || x.length < 3 * m) return false;
  const r = acf(x, m);
  let cum = 1;
  for (let k = 0; k < m - 1; k++) cum += 2 * (r[k] ?? 0) ** 2;
  const limit = (1.645 / Math.sqrt(x.length)) * Math.sqrt(cum);
  return Math.abs(r[m - 1] ?? 0) > limit;
}

/**
 * Multiplicative seasonal indices of R's `decompose(type = "multiplicative")`: centred moving
 * average (2 x m for even m), ratios averaged by position, normalised to mean 1. Returns the index
 * for every in-sample position and the next `horizon` positions.
 */
export function multiplicativeIndices(x: readonly number[], m: number, horizon: number): { inSample: number[]; outOfSample: number[] } {
  const n = x.length;
  const half = Math.floor(m / 2);
  const weights = m % 2 === 0 ? [0.5, ...Array<number>(m - 1).fill(1), 0.5].map((w) => w / m) : Array<number>(m).fill(1 / m);
  const sums: number[] = Array<number>(m).fill(0);
  const counts: number[] = Array<number>(m).fill(0);
  for (let t = half; t < n - half; t++) {
    let trend = 0;
    for (let j = 0; j < weights.length; j++) trend += (weights[j] ?? 0) * (x[t - half + j] ?? 0);
    if (trend === 0) continue;
    sums[t % m] = (sums[t % m] ?? 0) + (x[t] ?? 0) / trend;
    counts[t % m] = (counts[t % m] ?? 0) + 1;
  }
  const figure = sums.map((s, i) => ((counts[i] ?? 0) > 0 ? s / (counts[i] ?? 1) : 1));
  const avg = figure.reduce((a, b) => a + b, 0) / m;
  const norm = figure.map((f) => (avg !== 0 ? f / avg : 1));
  return {
    inSample: Array.from({ length: n }, (_, t) => norm[t % m] ?? 1),
    outOfSample: Array.from({ length: horizon }, (_, h) => norm[(n + h) % m] ?? 1),
  };
}
