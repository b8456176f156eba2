import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { civilFromDays, daysInMonth, isoFromDays, parseIsoDay } from "#kernel/days.js";
import type { CostPoint } from "#domain/analysis/anomaly/index.js";

/** Small seeded daily series for the detector's tests: base × pattern(day) × lognormal noise. */
export interface SeriesSpec {
  days?: number;
  start?: string;
  base?: number;
  sigma?: number;
  seed?: number;
  /** Multiplier for day index i (0-based) and its calendar facts. */
  pattern?: (i: number, cal: { dow: number; dom: number; last: boolean }) => number;
  /** Probability that a day costs exactly 0. */
  zeroProb?: number;
  /** Student-t noise with these degrees of freedom (heavy tails) instead of normal noise. */
  tailDf?: number;
}

export function makeSeries(spec: SeriesSpec = {}): CostPoint[] {
  const { days = 300, start = "2025-01-01", base = 100, sigma = 0.05, seed = 1, pattern = () => 1, zeroProb = 0, tailDf } = spec;
  const rng = xoroshiro128plus(seed);
  const u = () => uniformFloat64(rng);
  const startDay = parseIsoDay(start) as number;
  const out: CostPoint[] = [];
  for (let i = 0; i < days; i++) {
    const day = startDay + i;
    const { year, month, day: dom } = civilFromDays(day);
    const cal = { dow: (day + 4) % 7, dom, last: dom === daysInMonth(year, month) };
    const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    let noise = normal();
    if (tailDf !== undefined) {
      // t = Z / sqrt(chi²(df) / df), chi² as a sum of df squared normals.
      let chi2 = 0;
      for (let k = 0; k < tailDf; k++) chi2 += normal() ** 2;
      noise /= Math.sqrt(chi2 / tailDf);
    }
    const zero = u() < zeroProb;
    out.push({ date: isoFromDays(day), cost: zero ? 0 : Math.round(base * pattern(i, cal) * Math.exp(sigma * noise) * 1e4) / 1e4 });
  }
  return out;
}

/** Multiplies the cost of days [from, to] (indices) by `factor`. */
export function scale(points: CostPoint[], from: number, to: number, factor: number): CostPoint[] {
  return points.map((p, i) => (i >= from && i <= to ? { ...p, cost: p.cost * factor } : p));
}
