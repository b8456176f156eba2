/**
 * Small robust statistics on typed-array scratch buffers. They reorder the first `n` entries of
 * the buffer they are given (no allocation: the detector calls them millions of times).
 */

/** k-th smallest (0-based) of buf[0..n) by Hoare quickselect; reorders buf. */
export function selectKth(buf: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const pivot = buf[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((buf[i] as number) < pivot) i++;
      while ((buf[j] as number) > pivot) j--;
      if (i <= j) {
        const t = buf[i] as number;
        buf[i] = buf[j] as number;
        buf[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return buf[k] as number;
}

/** Median of buf[0..n) (mean of the two middle values when n is even); NaN when n = 0. */
export function medianOf(buf: Float64Array, n: number): number {
  if (n <= 0) return Number.NaN;
  const k = n >> 1;
  const upper = selectKth(buf, n, k);
  if (n % 2 === 1) return upper;
  // After selection every entry left of k is <= buf[k]; the lower middle is their maximum.
  let lower = buf[0] as number;
  for (let i = 1; i < k; i++) if ((buf[i] as number) > lower) lower = buf[i] as number;
  return (lower + upper) / 2;
}

/** Median absolute deviation from `center` of buf[0..n); overwrites buf with the deviations. */
export function madAround(buf: Float64Array, n: number, center: number): number {
  for (let i = 0; i < n; i++) buf[i] = Math.abs((buf[i] as number) - center);
  return medianOf(buf, n);
}

/** Consistency constant that turns a MAD into a Gaussian standard deviation. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Scale of prediction residuals buf[0..n) that respects heavy tails: the larger of the MAD estimate
 * and the 90th percentile of |residual| over its Gaussian value (1.645 σ). Equal for Gaussian
 * noise; larger when the series has fatter tails than its MAD admits. Both ignore up to 10 % of
 * anomalous days. Deviations are taken from 0 (the prediction), so a biased model also widens it.
 * Overwrites buf.
 */
export function tailAwareScale(buf: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) buf[i] = Math.abs(buf[i] as number);
  const k90 = Math.min(n - 1, Math.floor(0.9 * n));
  const q90 = selectKth(buf, n, k90);
  // After selection buf[0..k90) holds the smaller values: the median lies among them.
  const mad = k90 > (n >> 1) ? selectKth(buf, k90, n >> 1) : selectKth(buf, n, n >> 1);
  return Math.max(MAD_TO_SIGMA * mad, q90 / 1.645);
}

/** Median of a handful of values (insertion sort; faster than selection below ~16). Sorts buf[0..n). */
export function smallMedian(buf: Float64Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const v = buf[i] as number;
    let j = i - 1;
    while (j >= 0 && (buf[j] as number) > v) {
      buf[j + 1] = buf[j] as number;
      j--;
    }
    buf[j + 1] = v;
  }
  return n % 2 === 1 ? (buf[n >> 1] as number) : ((buf[(n >> 1) - 1] as number) + (buf[n >> 1] as number)) / 2;
}
