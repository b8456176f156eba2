/**
 * The rolling z-score baseline of ../shared/bench/eval-detect.mjs (28-day mean and standard
 * deviation, flag when cost > mean + 3 sd and by more than $1), on a dense day array, so that its
 * speed can be printed beside the detector's in the same run.
 */
export function zscoreFlags(costs: Float64Array, n: number): number {
  let flags = 0;
  for (let i = 28; i < n; i++) {
    let sum = 0;
    let cnt = 0;
    for (let k = i - 28; k < i; k++) {
      const v = costs[k] as number;
      if (!Number.isNaN(v)) {
        sum += v;
        cnt++;
      }
    }
    if (cnt === 0) continue;
    const mean = sum / cnt;
    let ss = 0;
    for (let k = i - 28; k < i; k++) {
      const v = costs[k] as number;
      if (!Number.isNaN(v)) ss += (v - mean) ** 2;
    }
    const sd = Math.sqrt(ss / cnt);
    const x = costs[i] as number;
    if (x > mean + 3 * sd && x - mean > 1) flags++;
  }
  return flags;
}
