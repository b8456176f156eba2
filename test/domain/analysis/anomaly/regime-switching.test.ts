import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { detectSeries } from "#domain/analysis/anomaly/index.js";
import { makeSeries, scale } from "./synthetic-series.js";

/**
 * "Returning to a previous level is not news": a series that switches between two stable levels,
 * with irregular stays, noise and a trend, must not raise increases when it goes back to a level
 * it held for weeks in the last half year, while a level it never held, or one a trending series
 * merely passed through long ago, is still news.
 */
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const DAYS = 400;

/** 1 on the days of the "other" level: stays of 14–45 days, alternating, drawn from the seed. */
function stays(seed: number): Uint8Array {
  const rng = xoroshiro128plus(seed * 7919);
  const other = new Uint8Array(DAYS);
  for (let i = 0, at = 0; i < DAYS; at ^= 1) {
    const len = 14 + Math.floor(32 * uniformFloat64(rng));
    other.fill(at, i, Math.min(DAYS, i + len));
    i += len;
  }
  return other;
}

describe("detectSeries: a series that switches between two levels with irregular stays", () => {
  it.each([
    { trend: "flat", daily: 1 },
    { trend: "growing", daily: 1.004 },
    { trend: "declining", daily: 0.997 },
  ])("raises almost no increase once both levels are known ($trend)", ({ daily }) => {
    let falseDays = 0;
    for (const seed of SEEDS) {
      // Prepare: the other level is ×0.4–0.7 or ×1.5–3 of the base; 8 % noise.
      const other = stays(seed);
      const factor = seed % 2 === 0 ? 0.4 + (0.3 * seed) / 20 : 1.5 + (1.5 * seed) / 20;
      const points = makeSeries({ days: DAYS, base: 100, sigma: 0.08, seed, pattern: (i) => daily ** i * (other[i] === 1 ? factor : 1) });

      // Act
      const flags = detectSeries(points).filter((f) => f.direction === "increase" && f.date >= points[150]!.date);

      falseDays += flags.length;
    }
    // Assess, over 20 series × 250 days: at most 3 stray days (0.6 per 1,000 series-days). Measured:
    // flat 2, growing 3, declining 1; before the half-year level memory, 3, 24 and 7 (the regime
    // memory alone lost the levels of trending series).
    expect(falseDays).toBeLessThanOrEqual(3);
  });

  it("still flags a level shift back to where a declining series was months ago", () => {
    for (const seed of SEEDS.slice(0, 8)) {
      // Prepare: −0.5 % a day, so ×2 at day 260 lands on the level of about day 120.
      const points = scale(makeSeries({ days: 300, base: 1000, sigma: 0.05, seed, pattern: (i) => 0.995 ** i }), 260, 299, 2);

      // Act
      const flags = detectSeries(points).filter((f) => f.direction === "increase" && f.date >= points[260]!.date && f.date <= points[266]!.date);

      // Assess
      expect(flags.length, `seed ${seed}`).toBeGreaterThan(0);
    }
  });

  it("still flags a first jump to a level the switching series never held", () => {
    for (const seed of SEEDS.slice(0, 8)) {
      // Prepare: switching between 100 and 200, then ×4 of the base level from day 350 on.
      const other = stays(seed);
      const points = makeSeries({ days: DAYS, base: 100, sigma: 0.08, seed, pattern: (i) => (i >= 350 ? 4 * (other[i] === 1 ? 2 : 1) : other[i] === 1 ? 2 : 1) });

      // Act
      const flags = detectSeries(points).filter((f) => f.direction === "increase" && f.date >= points[350]!.date && f.date <= points[356]!.date);

      // Assess
      expect(flags.length, `seed ${seed}`).toBeGreaterThan(0);
    }
  });
});
