/** Small robust statistics used by the models (medians and MADs resist the anomalies cost data carries). */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Quantile with linear interpolation between order statistics (type 7, as R's default). */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = Float64Array.from(xs).sort(); // typed-array sort is numeric and much faster
  const pos = (s.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo] ?? 0;
  const b = s[hi] ?? a;
  return a + (b - a) * (pos - lo);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Median absolute deviation scaled to estimate a normal sigma. */
export function robustSigma(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const m = median(xs);
  return 1.4826 * median(xs.map((x) => Math.abs(x - m)));
}

/** Theil-Sen slope of ys against 0..n-1: the median of pairwise slopes. */
export function theilSenSlope(ys: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    for (let j = i + 1; j < ys.length; j++) slopes.push(((ys[j] ?? 0) - (ys[i] ?? 0)) / (j - i));
  }
  return median(slopes);
}
