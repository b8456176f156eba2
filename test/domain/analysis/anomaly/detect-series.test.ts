import { describe, expect, it } from "vitest";
import { detectSeries } from "#domain/analysis/anomaly/index.js";
import { makeSeries, type SeriesSpec, scale } from "./synthetic-series.js";

const DAYS = 300;
/** Judge only after a generous warm-up: the first 60 days learn the patterns. */
const flagsAfter = (spec: SeriesSpec, from = 60) => detectSeries(makeSeries({ days: DAYS, ...spec })).filter((f) => f.date >= makeSeries({ days: DAYS, ...spec })[from]!.date);

describe("detectSeries: regular patterns are not anomalies", () => {
  it.each<[string, SeriesSpec]>([
    ["flat series with 5 % noise", {}],
    ["weekly seasonality (weekends at 40 %)", { pattern: (_i, c) => (c.dow === 0 || c.dow === 6 ? 0.4 : 1) }],
    ["day-1 monthly fee (×12)", { pattern: (_i, c) => (c.dom === 1 ? 12 : 1) }],
    ["month-end batch (×5, on 28/30/31)", { pattern: (_i, c) => (c.last ? 5 : 1) }],
    ["batch on the 15th (×4)", { pattern: (_i, c) => (c.dom === 15 ? 4 : 1) }],
    ["Monday batch (×3)", { pattern: (_i, c) => (c.dow === 1 ? 3 : 1) }],
    ["steady growth (12 % a month)", { pattern: (i) => 1.12 ** (i / 30.4) }],
    ["steady decline (8 % a month)", { pattern: (i) => 0.92 ** (i / 30.4) }],
    ["sparse series (45 % zero days)", { zeroProb: 0.45 }],
    ["tiny series worth cents, 25 % noise", { base: 0.08, sigma: 0.25 }],
    ["noisy series (12 % noise)", { sigma: 0.12, seed: 7 }],
  ])("%s", (_name, spec) => {
    // Act
    const flags = flagsAfter(spec);

    // Assess
    expect(flags).toEqual([]);
  });

  it("adapts to a past level change: a persisted new level stops alerting", () => {
    // Prepare: the level doubles on day 150 and stays.
    const points = scale(makeSeries({ days: DAYS }), 150, DAYS - 1, 2);

    // Act
    const flags = detectSeries(points);

    // Assess: alerts start on the shift day, stop within the confirmation week, never come back.
    expect(flags[0]).toMatchObject({ date: points[150]!.date, direction: "increase" });
    expect(flags.length).toBeGreaterThanOrEqual(1);
    expect(flags.length).toBeLessThanOrEqual(7);
    expect(flags.every((f) => f.date <= points[157]!.date)).toBe(true);
  });
});

describe("detectSeries: anomalies are flagged with direction and impact", () => {
  it("flags a one-day spike as an increase with its dollar impact", () => {
    // Prepare
    const points = scale(makeSeries(), 200, 200, 3);

    // Act
    const flags = detectSeries(points, {}, [], "svc");

    // Assess
    expect(flags).toHaveLength(1);
    const [flag] = flags;
    expect(flag).toMatchObject({ series_id: "svc", date: points[200]!.date, direction: "increase" });
    expect(flag!.expected).toBeGreaterThan(90);
    expect(flag!.expected).toBeLessThan(110);
    expect(flag!.actual).toBeCloseTo(points[200]!.cost, 2);
    expect(flag!.impact).toBeCloseTo(flag!.actual - flag!.expected, 2);
    expect(flag!.score).toBeGreaterThan(4);
    expect(["low", "medium", "high", "critical"]).toContain(flag!.severity);
  });

  it("flags a drop as a decrease with a negative impact", () => {
    // Prepare: five days at 20 %.
    const points = scale(makeSeries(), 200, 204, 0.2);

    // Act
    const flags = detectSeries(points);

    // Assess
    expect(flags.map((f) => f.date)).toContain(points[200]!.date);
    expect(flags.every((f) => f.direction === "decrease" && f.impact < 0)).toBe(true);
  });

  it("flags a spike on a day that carries a regular pattern (a fee day that is far above the usual fee)", () => {
    // Prepare: day-1 fee ×12, and on one first-of-month it is ×36.
    const base = makeSeries({ pattern: (_i, c) => (c.dom === 1 ? 12 : 1) });
    const day = base.findIndex((p, i) => i > 200 && p.date.endsWith("-01"));
    const points = scale(base, day, day, 3);

    // Act
    const flags = detectSeries(points);

    // Assess
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ date: points[day]!.date, direction: "increase" });
  });

  it("flags a gradual drift within its ramp", () => {
    // Prepare: costs ramp to ×2 over 14 days from day 200 and stay there.
    const points = makeSeries({ pattern: (i) => (i < 200 ? 1 : 1 + Math.min(1, (i - 199) / 14)) });

    // Act
    const flags = detectSeries(points).filter((f) => f.direction === "increase");

    // Assess
    expect(flags.length).toBeGreaterThan(0);
    expect(flags[0]!.date >= points[200]!.date && flags[0]!.date <= points[214]!.date).toBe(true);
  });

  it("does not call the recovery after a week-long drop an increase (the old normal is remembered)", () => {
    // Prepare: nine days at 20 %, long enough to be adopted as a new level, then back to normal.
    const points = scale(makeSeries(), 200, 208, 0.2);

    // Act
    const flags = detectSeries(points);

    // Assess
    expect(flags.length).toBeGreaterThan(0);
    expect(flags.filter((f) => f.direction === "increase")).toEqual([]);
  });

  it("flags a zero day in a dense series as a drop, but never in a sparse one", () => {
    // Prepare
    const dense = makeSeries().map((p, i) => (i === 220 ? { ...p, cost: 0 } : p));
    const sparse = makeSeries({ zeroProb: 0.4 });

    // Act
    const denseFlags = detectSeries(dense);
    const sparseFlags = detectSeries(sparse);

    // Assess
    expect(denseFlags).toEqual([expect.objectContaining({ date: dense[220]!.date, direction: "decrease", actual: 0 })]);
    expect(sparseFlags.filter((f) => f.actual === 0)).toEqual([]);
  });
});

describe("detectSeries: causality", () => {
  it("never changes a decision when future days are appended", () => {
    // Prepare: a series with a spike, a shift and a drop.
    const full = scale(scale(scale(makeSeries({ days: 320 }), 120, 120, 4), 180, 319, 1.8), 250, 254, 0.3);
    const fullFlags = detectSeries(full);

    for (const cut of [121, 150, 181, 185, 200, 252, 300]) {
      // Act
      const prefixFlags = detectSeries(full.slice(0, cut));

      // Assess
      const cutDate = full[cut - 1]!.date;
      expect(prefixFlags).toEqual(fullFlags.filter((f) => f.date <= cutDate));
    }
  });

  it("accepts unsorted points and judges them in date order", () => {
    // Prepare
    const points = scale(makeSeries(), 200, 200, 3);
    const shuffled = [...points].reverse();

    // Act + Assess
    expect(detectSeries(shuffled)).toEqual(detectSeries(points));
  });
});

describe("detectSeries: tenant thresholds", () => {
  it("never flags below minImpact", () => {
    // Prepare: a $2/day series tripling for a day (impact ≈ $4).
    const points = scale(makeSeries({ base: 2 }), 200, 200, 3);

    // Act
    const loose = detectSeries(points, { minImpact: 1 });
    const strict = detectSeries(points, { minImpact: 10 });

    // Assess
    expect(loose).toHaveLength(1);
    expect(strict).toEqual([]);
  });

  it("needs the percentage OR the absolute impact threshold", () => {
    // Prepare: a $100,000/day series with 1 % noise and one day 10 % higher (+$10,000, 10σ).
    const points = scale(makeSeries({ base: 100_000, sigma: 0.01 }), 200, 200, 1.1);

    // Act
    const byImpact = detectSeries(points, { percentThreshold: 0.2, impactThreshold: 5_000 });
    const neither = detectSeries(points, { percentThreshold: 0.2, impactThreshold: 50_000 });
    const byPercent = detectSeries(points, { percentThreshold: 0.05, impactThreshold: 50_000 });

    // Assess
    expect(byImpact.map((f) => f.date)).toEqual([points[200]!.date]);
    expect(neither).toEqual([]);
    expect(byPercent.map((f) => f.date)).toEqual([points[200]!.date]);
  });

  it("with no impact threshold (null), size alone never flags: only the percentage does", () => {
    // Prepare: the same +10 % day on a 100,000/day series, which any absolute threshold up to 10,000 flags.
    const points = scale(makeSeries({ base: 100_000, sigma: 0.01 }), 200, 200, 1.1);

    // Act
    const noSizeGate = detectSeries(points, { minImpact: 0, percentThreshold: 0.2, impactThreshold: null });
    const byPercent = detectSeries(points, { minImpact: 0, percentThreshold: 0.05, impactThreshold: null });

    // Assess
    expect(noSizeGate).toEqual([]);
    expect(byPercent.map((f) => f.date)).toEqual([points[200]!.date]);
  });

  it("flags more with high sensitivity than with low", () => {
    // Prepare: a spike of about 3.5 σ.
    const points = scale(makeSeries({ sigma: 0.1 }), 200, 200, 1.42);

    // Act
    const low = detectSeries(points, { sensitivity: "low" });
    const high = detectSeries(points, { sensitivity: "high" });

    // Assess
    expect(low).toEqual([]);
    expect(high.map((f) => f.date)).toContain(points[200]!.date);
  });

  it("rejects an invalid configuration with a clear error", () => {
    expect(() => detectSeries(makeSeries({ days: 30 }), { minImpact: -1 })).toThrow(/minImpact/);
  });

  it("rejects invalid points with a clear error", () => {
    expect(() => detectSeries([{ date: "2025-02-30", cost: 1 }])).toThrow(/real YYYY-MM-DD/);
  });
});

describe("detectSeries: feedback changes later scoring", () => {
  const shifted = () => scale(makeSeries(), 200, DAYS - 1, 2);

  it("'expected' on a level shift adopts the new level at once", () => {
    // Prepare
    const points = shifted();
    const shiftDate = points[200]!.date;

    // Act
    const without = detectSeries(points);
    const withFeedback = detectSeries(points, {}, [{ date: shiftDate, label: "expected" }]);

    // Assess: without feedback it alerts for days; with it only the shift day itself.
    expect(without.filter((f) => f.date > shiftDate).length).toBeGreaterThan(0);
    expect(withFeedback.map((f) => f.date)).toEqual([shiftDate]);
  });

  it("'planned' raises the threshold for a similar deviation later", () => {
    // Prepare: a ×2 shift on day 150, then another ×2 step on day 250.
    const points = scale(scale(makeSeries(), 150, DAYS - 1, 2), 250, DAYS - 1, 2);
    const later = points[250]!.date;

    // Act
    const without = detectSeries(points);
    const planned = detectSeries(points, {}, [{ date: points[150]!.date, label: "planned" }]);

    // Assess
    expect(without.map((f) => f.date)).toContain(later);
    expect(planned.map((f) => f.date)).not.toContain(later);
  });

  it("'unexpected' keeps the series sensitive to the same deviation", () => {
    // Prepare: two identical spikes; the first is confirmed as a real anomaly.
    const points = scale(scale(makeSeries(), 150, 150, 3), 250, 250, 3);

    // Act
    const expected = detectSeries(points, {}, [{ date: points[150]!.date, label: "expected" }]);
    const unexpected = detectSeries(points, {}, [{ date: points[150]!.date, label: "unexpected" }]);

    // Assess
    expect(expected.map((f) => f.date)).not.toContain(points[250]!.date);
    expect(unexpected.map((f) => f.date)).toContain(points[250]!.date);
  });

  it("rejects an unknown feedback label", () => {
    expect(() => detectSeries(makeSeries({ days: 30 }), {}, [{ date: "2025-01-05", label: "meh" as "expected" }])).toThrow();
  });
});
