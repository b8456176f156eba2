import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { forecastSeries } from "#domain/analysis/forecast/index.js";
import { simulate } from "./simulated-series.js";

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** A billed day costs ~1,000; a share `zeroShare` of days at random cost nothing. */
function withRandomZeros(seed: number, zeroShare: number, days = 300) {
  const rng = xoroshiro128plus(seed + 1000);
  return simulate({ seed, start: "2025-01-01", days, level: 1000, sigma: 0.1 }).map((p) => ({ ...p, cost: uniformFloat64(rng) < zeroShare ? 0 : p.cost }));
}

describe("forecastSeries: series with random zero days", () => {
  it("never forecasts a month of zeros after a week that happened to have mostly zero days", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      // Prepare: 30 % zero days, and four of the last seven days at zero.
      const history = withRandomZeros(seed, 0.3).map((p, i, all) => (i >= all.length - 7 && i % 2 === 0 ? { ...p, cost: 0 } : p));

      // Act
      const fc = forecastSeries(history, 30);

      // Assess: the expected total is occurrence x size (about 0.7 x 1,000 a day), not 0.
      const total = sum(fc.map((p) => p.mean));
      expect(total, `seed ${seed}`).toBeGreaterThan(0.5 * 30 * 700);
      expect(total, `seed ${seed}`).toBeLessThan(1.5 * 30 * 700);
      // The band reaches a billed day (a burst is inside the 80% interval), and a day off.
      expect(fc.every((p) => p.upper80 >= 800), `seed ${seed}`).toBe(true);
    }
  });

  it("keeps an honest total on a sparse series (more than 40% zero days)", () => {
    for (const seed of [6, 7, 8]) {
      // Prepare
      const history = withRandomZeros(seed, 0.6);

      // Act
      const fc = forecastSeries(history, 30);

      // Assess
      const total = sum(fc.map((p) => p.mean));
      expect(total, `seed ${seed}`).toBeGreaterThan(0.6 * 30 * 400);
      expect(total, `seed ${seed}`).toBeLessThan(1.4 * 30 * 400);
      expect(fc.every((p) => p.lower80 === 0 && p.upper80 >= 800), `seed ${seed}`).toBe(true);
    }
  });
});

describe("forecastSeries: a dip that has already ended", () => {
  it("forecasts the normal level, not the dip, when a 9-day drop ended 3 days ago", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      // Prepare: 100 a day; days n-12 … n-4 at 20 (four of the last seven days).
      const history = simulate({ seed, start: "2025-01-01", days: 200, level: 100, sigma: 0.05 }).map((p, i) => ({
        ...p,
        cost: i >= 188 && i <= 196 ? p.cost * 0.2 : p.cost,
      }));

      // Act
      const fc = forecastSeries(history, 30);

      // Assess
      expect(sum(fc.map((p) => p.mean)) / 30, `seed ${seed}`).toBeGreaterThan(90);
      expect(sum(fc.map((p) => p.mean)) / 30, `seed ${seed}`).toBeLessThan(110);
    }
  });

  it("still adopts a drop that is going on as the new level", () => {
    // Prepare: the last 9 days at 20.
    const history = simulate({ seed: 3, start: "2025-01-01", days: 200, level: 100, sigma: 0.05 }).map((p, i) => ({
      ...p,
      cost: i >= 191 ? p.cost * 0.2 : p.cost,
    }));

    // Act
    const fc = forecastSeries(history, 30);

    // Assess
    expect(fc[0]!.mean).toBeLessThan(30);
  });
});
