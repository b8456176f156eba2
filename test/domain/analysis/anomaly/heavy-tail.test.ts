import { describe, expect, it } from "vitest";
import { type AnomalyFlag, detectSeries } from "#domain/analysis/anomaly/index.js";
import { makeSeries, scale } from "./synthetic-series.js";

/**
 * One day alone is judged against the series' own tail. On Student-t noise with 4 degrees of
 * freedom (heavy-tailed spend) a day 4 σ above the level, σ from the MAD, is ordinary (about one
 * day in 300), so the detector sizes such a series' single days by its 98th percentile residual
 * over half a year. A Gaussian series' percentile equals its σ, so nothing changes for it.
 */
const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1);
const SPIKE_AT = 300;
/** Judged days once half a year of residuals (after the first six weeks) sizes the tail. */
const FROM = 150;
const increasesFrom = (flags: AnomalyFlag[], dates: Set<string>) => flags.filter((f) => f.direction === "increase" && dates.has(f.date)).length;

describe("detectSeries on heavy-tailed series", () => {
  it("raises few one-day alarms on Student-t noise, and still flags a 2.5x day", () => {
    let falseAlarms = 0;
    let days = 0;
    for (const seed of SEEDS) {
      const points = makeSeries({ days: 365, base: 1000, sigma: 0.06, seed, tailDf: 4 });
      const judged = new Set(points.slice(FROM).map((p) => p.date));
      days += judged.size;
      falseAlarms += increasesFrom(detectSeries(points), judged);
      const spiked = scale(points, SPIKE_AT, SPIKE_AT, 2.5);
      expect(increasesFrom(detectSeries(spiked), new Set([spiked[SPIKE_AT]!.date])), `seed ${seed}`).toBe(1);
    }
    // Measured: 8 alarms in 6,450 days (19 when single days were judged on σ alone).
    expect(falseAlarms / days).toBeLessThan(0.002);
  });

  it("keeps a Gaussian series as sensitive as before: a 1.4x day (about 7 σ) is flagged", () => {
    let caught = 0;
    for (const seed of SEEDS) {
      const points = makeSeries({ days: 365, base: 1000, sigma: 0.05, seed });
      expect(increasesFrom(detectSeries(points), new Set(points.slice(FROM).map((p) => p.date))), `seed ${seed}`).toBe(0);
      const spiked = scale(points, SPIKE_AT, SPIKE_AT, 1.4);
      caught += increasesFrom(detectSeries(spiked), new Set([spiked[SPIKE_AT]!.date]));
    }
    expect(caught).toBeGreaterThanOrEqual(29);
  });
});
