import { describe, expect, it } from "vitest";
import { HeldLevels } from "#domain/analysis/anomaly/held-levels.js";

/** Deterministic small noise (no randomness needed to pin the arithmetic). */
const wobble = (i: number) => 0.02 * Math.sin(1.7 * i);
const series = (n: number, at: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => at(i) + wobble(i));

describe("HeldLevels", () => {
  it("knows both levels of a series that switches between them, and no level it never held", () => {
    // Prepare: 20 days at 5, 20 at 6, alternating, for 180 days (log scale).
    const values = series(180, (i) => (Math.floor(i / 20) % 2 === 1 ? 6 : 5));
    const levels = new HeldLevels();

    // Act
    levels.build(values, 180);

    // Assess: no trend through a switching series; both levels held, 7 never.
    expect(Math.abs(levels.slope)).toBeLessThan(0.002);
    expect(levels.holds(5, 180, 0.1)).toBe(true);
    expect(levels.holds(6.05, 180, 0.1)).toBe(true);
    expect(levels.holds(7, 180, 0.1)).toBe(false);
    expect(levels.holds(5.5, 180, 0.1)).toBe(false);
  });

  it("moves old levels along the trend, so a level a trending series passed through is not a held level", () => {
    // Prepare: declining 0.005 a day (log scale) for 180 days: from 6 down to 5.1.
    const values = series(180, (i) => 6 - 0.005 * i);
    const levels = new HeldLevels();

    // Act
    levels.build(values, 180);

    // Assess: the trend is found; 5.7 was the level around day 60, but not where that level is now.
    expect(levels.slope).toBeCloseTo(-0.005, 3);
    expect(levels.holds(5.7, 180, 0.1)).toBe(false);
    expect(levels.holds(6 - 0.005 * 180, 180, 0.1)).toBe(true);
  });

  it("needs two consecutive weeks at a level: one odd week is not a level", () => {
    // Prepare: steady at 5, with one week (days 70–76 of a 140-day build) at 6.
    const values = series(140, (i) => (i >= 70 && i <= 76 ? 6 : 5));
    const fortnight = series(140, (i) => (i >= 70 && i <= 83 ? 6 : 5));
    const levels = new HeldLevels();

    // Act + assess
    levels.build(values, 140);
    expect(levels.holds(6, 140, 0.1)).toBe(false);
    levels.build(fortnight, 140);
    expect(levels.holds(6, 140, 0.1)).toBe(true);
  });

  it("finds a fortnight's stay whatever weekday it began on", () => {
    // Prepare: 14 days at 6 (days 175–188 of a 200-day build, day 176 held out as NaN), 5 elsewhere.
    // On a weekly grid ending at day 200 the stay fills one week and splits its neighbours 3 / 4 and
    // 3 / 3 with the gap, so only one grid week sits at 6; windows starting on any day find two
    // back-to-back weeks inside it.
    const values = series(200, (i) => (i >= 175 && i <= 188 ? 6 : 5));
    values[176] = Number.NaN;
    const levels = new HeldLevels();

    // Act
    levels.build(values, 200);

    // Assess
    expect(levels.holds(6, 200, 0.1)).toBe(true);
    expect(levels.holds(5, 200, 0.1)).toBe(true);
    expect(levels.holds(5.5, 200, 0.1)).toBe(false);
  });

  it("reads only the days before the day it is built for, and skips weeks without enough valid days", () => {
    // Prepare: 120 days at 5, then 60 days at 6 that a build at day 120 must not see; and a copy
    // whose fortnight at 6 is mostly NaN (held-out episode days): every seven-day window inside it
    // has at most three valid days.
    const values = series(180, (i) => (i < 120 ? 5 : 6));
    const gappy = series(140, (i) => (i >= 100 && i < 114 ? (i % 3 === 0 ? 6 : Number.NaN) : 5));
    const levels = new HeldLevels();

    // Act + assess
    levels.build(values, 120);
    expect(levels.builtAt).toBe(120);
    expect(levels.holds(6, 120, 0.1)).toBe(false);
    levels.build(values, 180);
    expect(levels.holds(6, 180, 0.1)).toBe(true);
    levels.build(gappy, 140);
    expect(levels.holds(6, 140, 0.1)).toBe(false);
  });

  it("has no trend with fewer than six valid weeks, and compares levels unmoved", () => {
    // Prepare: only 35 days of a steep climb.
    const values = series(35, (i) => 5 + 0.02 * i);
    const levels = new HeldLevels();

    // Act
    levels.build(values, 35);

    // Assess: weeks around days 10 and 17 sat at about 5.2 and 5.34.
    expect(levels.slope).toBe(0);
    expect(levels.holds(5.27, 35, 0.1)).toBe(true);
    expect(levels.holds(5.9, 35, 0.1)).toBe(false);
  });
});
