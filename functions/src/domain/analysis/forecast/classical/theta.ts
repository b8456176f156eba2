import { fitExponentialSmoothing } from "./exponential-smoothing.js";

/**
 * The classic Theta method as coded for the M4 benchmarks (Assimakopoulos & Nikolopoulos 2000;
 * M4-methods `Theta.classic`): the mean of the linear-regression line (theta = 0) extrapolated and
 * SES on the theta = 2 line.
 */
export function thetaForecast(x: readonly number[], horizon: number): number[] {
  const n = x.length;
  const tMean = (n + 1) / 2;
  const yMean = x.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  x.forEach((v, i) => {
    sxy += (i + 1 - tMean) * (v - yMean);
    sxx += (i + 1 - tMean) ** 2;
  });
  const b = sxx > 0 ? sxy / sxx : 0;
  const a = yMean - b * tMean;
  const thetaLine = x.map((v, i) => 2 * v - (a + b * (i + 1)));
  const ses = fitExponentialSmoothing(thetaLine, "none").forecast(horizon);
  return ses.map((s, h) => 0.5 * s + 0.5 * (a + b * (n + h + 1)));
}
