import { describe, expect, it } from "vitest";
import { forecastSeries } from "#domain/analysis/forecast/index.js";
import { simulate } from "./simulated-series.js";

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const meanOf = (xs: readonly number[]) => sum(xs) / xs.length;

describe("daily cost model: level, trend and calendar effects", () => {
  it("never turns a charge on a day whose week was mostly $0 into a calendar effect millions of times the level", () => {
    // Prepare: ~60 a day, but the three days either side of every month end cost nothing while
    // the month's last day is billed: its rolling weekly median (the base) is 0 there.
    const history = simulate({ seed: 5, start: "2025-03-01", days: 380, level: 60, sigma: 0.1 }).map((p, i, all) => {
      const monthEnd = (d: number) => all[d]?.date.slice(0, 7) !== all[d + 1]?.date.slice(0, 7);
      let nearEnd = false;
      for (let k = -3; k <= 3; k++) if (k !== 0 && monthEnd(i + k)) nearEnd = true;
      return nearEnd && !monthEnd(i) ? { ...p, cost: 0 } : p;
    });

    // Act
    const fc = forecastSeries(history, 45);

    // Assess: the month end keeps an effect of the order of the level (it is billed while its
    // neighbours are not), never the 3e12 it was forecast at when the effect was divided by a 0 base.
    const largest = Math.max(...history.map((p) => p.cost));
    expect(Math.max(...fc.map((p) => p.mean))).toBeLessThan(3 * largest);
    expect(Math.max(...fc.map((p) => p.upper95))).toBeLessThan(10 * largest);
  });

  it("does not extrapolate a ramp that ended 9 to 13 weeks ago as growth", () => {
    // Prepare: flat at 100, a two-week ramp to 300 that ended 9 weeks before the last day, flat
    // since: inside the recent half of the 26-week trend window, which therefore slopes too.
    const days = 300;
    const rampStart = days - 63 - 14;
    const history = simulate({ seed: 3, start: "2025-01-01", days, level: 100, sigma: 0.03 }).map((p, i) => ({
      ...p,
      cost: p.cost * (1 + 2 * Math.min(1, Math.max(0, (i - rampStart) / 14))),
    }));

    // Act
    const fc = forecastSeries(history, 30).map((p) => p.mean);

    // Assess: the month stays at the new level (the ramp's 26-week slope added 10-15% before).
    expect(meanOf(fc)).toBeGreaterThan(0.97 * 300);
    expect(meanOf(fc)).toBeLessThan(1.03 * 300);
    expect((fc[29] ?? 0) / (fc[0] ?? 1)).toBeLessThan(1.02);
  });

  it("judges a shift in the last week by the noise at today's level, not by the quieter level of months ago", () => {
    // Prepare: 100 with 2% noise for months, 350 with 8% noise for the last 9 weeks, and a last
    // week 8% low (one sigma at today's level: noise, not a shift). Measured over 26 weeks, the
    // noise mostly came from the low level, so that week looked like a shift and became the level.
    const days = 300;
    const stepAt = days - 63;
    const levels: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const low = simulate({ seed, start: "2025-01-01", days, level: 100, sigma: 0.02 });
      const high = simulate({ seed: seed + 100, start: "2025-01-01", days, level: 350, sigma: 0.08 });
      const history = low.map((p, i) => (i < stepAt ? p : { ...p, cost: (high[i]?.cost ?? 0) * (i >= days - 7 ? 0.92 : 1) }));

      // Act
      levels.push(meanOf(forecastSeries(history, 28).map((p) => p.mean)));
    }

    // Assess: the level stays nearer 350 than the low week (322); it followed that week before (315 on average).
    expect(meanOf(levels)).toBeGreaterThan(326);
  });

  it("takes the level of a steady series from four weeks when they agree with the last two", () => {
    // Prepare: 100 with 10% noise; the last two weeks 4% high, within the noise of a 14-day median.
    const levels: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const history = simulate({ seed, start: "2025-01-01", days: 300, level: 100, sigma: 0.1 }).map((p, i) => (i >= 286 ? { ...p, cost: p.cost * 1.04 } : p));

      // Act
      levels.push(meanOf(forecastSeries(history, 28).map((p) => p.mean)));
    }

    // Assess: the four-week median weakens the pull of the last two weeks (103.2 on average; 104.6
    // with the two-week median).
    expect(meanOf(levels)).toBeLessThan(103.8);
    expect(meanOf(levels)).toBeGreaterThan(99);
  });

});
