/**
 * The M4 point-forecast measures (M4 Competitor's Guide; Makridakis, Spiliotis & Assimakopoulos
 * 2020, "The M4 Competition: 100,000 time series and 61 forecasting methods", IJF 36(1)).
 */

/** sMAPE in percent: 200/h * sum |y - f| / (|y| + |f|). */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  let s = 0;
  actual.forEach((y, i) => {
    const f = forecast[i] ?? 0;
    const d = Math.abs(y) + Math.abs(f);
    s += d === 0 ? 0 : Math.abs(y - f) / d;
  });
  return (200 * s) / actual.length;
}

/** MASE: mean absolute error over the in-sample mean absolute seasonal-naive (lag m) error. */
export function mase(insample: readonly number[], actual: readonly number[], forecast: readonly number[], m: number): number {
  let scale = 0;
  for (let t = m; t < insample.length; t++) scale += Math.abs((insample[t] ?? 0) - (insample[t - m] ?? 0));
  scale /= insample.length - m;
  let err = 0;
  actual.forEach((y, i) => {
    err += Math.abs(y - (forecast[i] ?? 0));
  });
  return err / actual.length / scale;
}

/** OWA: the mean of sMAPE and MASE, each relative to Naive2's, both averaged over all series first. */
export function owa(meanSmape: number, meanMase: number, naive2Smape: number, naive2Mase: number): number {
  return 0.5 * (meanSmape / naive2Smape + meanMase / naive2Mase);
}
