import { describe, expect, it } from "vitest";
import { type AnomalyFlag, detectSeries } from "#domain/analysis/anomaly/index.js";
import { makeSeries, scale } from "./synthetic-series.js";

/**
 * A multi-day episode (a drop, a holiday dip) must not blind the detector for the weeks after it:
 * the episode's days are anomalies, not noise, so they must neither widen the scale nor move the
 * level that later days are judged against.
 */
const DROP_AT = 200;
const SEEDS = [1, 2, 3, 4, 5, 6];
const workdays = (_i: number, c: { dow: number }) => (c.dow === 0 || c.dow === 6 ? 0.5 : 1);
const increasesOn = (flags: AnomalyFlag[], dates: string[]) => flags.some((f) => f.direction === "increase" && dates.includes(f.date));

describe("detectSeries: no blind weeks after a multi-day episode", () => {
  it.each([
    { dropDays: 9, dropFactor: 0.2, sigma: 0.05 },
    { dropDays: 9, dropFactor: 0.1, sigma: 0.1 },
    { dropDays: 3, dropFactor: 0.2, sigma: 0.05 },
  ])("flags a 12x spike three weeks after a $dropDays-day drop to $dropFactor (noise $sigma)", ({ dropDays, dropFactor, sigma }) => {
    for (const seed of SEEDS) {
      // Prepare: a steady or workday series, a drop, back to normal, then a one-day 12x spike.
      const spikeAt = DROP_AT + dropDays + 21;
      const base = makeSeries({ days: 300, base: 500, sigma, seed, pattern: seed % 2 === 1 ? workdays : undefined });
      const points = scale(scale(base, DROP_AT, DROP_AT + dropDays - 1, dropFactor), spikeAt, spikeAt, 12);

      // Act
      const flags = detectSeries(points);

      // Assess: the spike is caught, and the recovery between drop and spike is not news.
      expect(increasesOn(flags, [points[spikeAt]!.date]), `seed ${seed}`).toBe(true);
      expect(flags.filter((f) => f.direction === "increase" && f.date < points[spikeAt]!.date), `seed ${seed}`).toEqual([]);
    }
  });

  it("flags a 4x level shift three weeks after a 9-day drop within its first days", () => {
    for (const seed of SEEDS) {
      // Prepare
      const shiftAt = DROP_AT + 9 + 21;
      const points = scale(scale(makeSeries({ days: 300, base: 500, sigma: 0.08, seed }), DROP_AT, DROP_AT + 8, 0.2), shiftAt, 299, 4);

      // Act
      const flags = detectSeries(points);

      // Assess
      const firstDays = [0, 1, 2].map((k) => points[shiftAt + k]!.date);
      expect(increasesOn(flags, firstDays), `seed ${seed}`).toBe(true);
    }
  });

  it("does not let a confirmed episode widen the threshold: a 2x spike after a 9-day drop is caught as it is without the drop", () => {
    for (const seed of SEEDS) {
      // Prepare
      const spikeAt = DROP_AT + 9 + 28;
      const clean = scale(makeSeries({ days: 300, base: 500, sigma: 0.05, seed }), spikeAt, spikeAt, 2);
      const afterDrop = scale(clean, DROP_AT, DROP_AT + 8, 0.2);

      // Act
      const withDrop = detectSeries(afterDrop).find((f) => f.date === afterDrop[spikeAt]!.date);
      const without = detectSeries(clean).find((f) => f.date === clean[spikeAt]!.date);

      // Assess: flagged in both, with a comparable score (the scale was not inflated by the drop).
      expect(without, `seed ${seed}`).toBeDefined();
      expect(withDrop, `seed ${seed}`).toBeDefined();
      expect(withDrop!.score).toBeGreaterThan(0.6 * without!.score);
    }
  });
});

describe("detectSeries: a series that switches between stable levels", () => {
  it("does not flag a return to a level it already held for weeks, but still flags a new higher level", () => {
    for (const seed of SEEDS) {
      // Prepare: 30 days at 100, 30 at 250, alternating; then a first-ever 5x level late on.
      const switching = (i: number) => (Math.floor(i / 30) % 2 === 1 ? 2.5 : 1);
      const points = makeSeries({ days: 300, base: 100, sigma: 0.05, seed, pattern: (i) => (i >= 275 ? 12.5 : switching(i)) });

      // Act
      const increases = detectSeries(points).filter((f) => f.direction === "increase");

      // Assess: the returns to 250 (days 90, 150, 210, 270) are not news; day 275 is.
      expect(increases.filter((f) => f.date > points[60]!.date && f.date < points[275]!.date), `seed ${seed}`).toEqual([]);
      expect(increasesOn(increases, [points[275]!.date]), `seed ${seed}`).toBe(true);
    }
  });

  it("does not flag a return to the old level of a growing series (levels move with the trend)", () => {
    for (const seed of SEEDS) {
      // Prepare: +0.5 % a day, with 35-day stays at 40 % of the level.
      const points = makeSeries({ days: 300, base: 100, sigma: 0.04, seed, pattern: (i) => 1.005 ** i * (Math.floor(i / 35) % 2 === 1 ? 0.4 : 1) });

      // Act
      const increases = detectSeries(points).filter((f) => f.direction === "increase" && f.date > points[100]!.date);

      // Assess
      expect(increases, `seed ${seed}`).toEqual([]);
    }
  });
});
