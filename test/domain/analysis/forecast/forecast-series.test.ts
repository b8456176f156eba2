import { describe, expect, it } from "vitest";
import { forecastSeries } from "#domain/analysis/forecast/index.js";
import { simulate } from "./simulated-series.js";

const WORKDAY = [0.2, 1.2, 1.2, 1.2, 1.2, 1.2, 0.2];

describe("forecastSeries", () => {
  it("returns one point per day for a 90-day horizon, starting the day after the last date", () => {
    // Prepare
    const history = simulate({ seed: 1, start: "2025-01-01", days: 200, level: 100, sigma: 0.05 });
    // Act
    const fc = forecastSeries(history, 90);
    // Assess
    expect(fc).toHaveLength(90);
    expect(fc[0]?.date).toBe("2025-07-20");
    expect(fc[89]?.date).toBe("2025-10-17");
  });

  it.each([
    ["steady", simulate({ seed: 2, start: "2025-01-01", days: 240, level: 50, sigma: 0.1 })],
    ["workday", simulate({ seed: 3, start: "2025-01-01", days: 240, level: 50, sigma: 0.1, weekday: WORKDAY })],
    ["tiny and noisy", simulate({ seed: 4, start: "2025-01-01", days: 240, level: 0.02, sigma: 0.9 })],
    ["sparse", simulate({ seed: 5, start: "2025-01-01", days: 240, level: 10, sigma: 0.1 }).map((p, i) => ({ ...p, cost: i % 3 ? 0 : p.cost }))],
  ])("orders the bands and never goes negative (%s)", (_, history) => {
    // Act
    const fc = forecastSeries(history, 120);
    // Assess
    for (const p of fc) {
      expect(p.lower95).toBeGreaterThanOrEqual(0);
      expect(p.lower95).toBeLessThanOrEqual(p.lower80);
      expect(p.lower80).toBeLessThanOrEqual(p.mean);
      expect(p.mean).toBeLessThanOrEqual(p.upper80);
      expect(p.upper80).toBeLessThanOrEqual(p.upper95);
    }
  });

  it("reproduces the weekly pattern of a workday series", () => {
    // Prepare
    const history = simulate({ seed: 6, start: "2025-01-06", days: 182, level: 100, sigma: 0.03, weekday: WORKDAY });
    // Act
    const fc = forecastSeries(history, 14);
    // Assess: weekdays near 120, weekends near 20
    for (const p of fc) {
      const dow = new Date(`${p.date}T00:00:00Z`).getUTCDay();
      expect(p.mean).toBeCloseTo(dow === 0 || dow === 6 ? 20 : 120, -1);
    }
  });

  it("puts a recurring day-1 fee on the first of the month only", () => {
    // Prepare
    const history = simulate({ seed: 7, start: "2025-01-01", days: 212, level: 100, sigma: 0.03, dayOneFee: 3000 });
    // Act
    const fc = forecastSeries(history, 31);
    // Assess: history ends 2025-07-31, so the first forecast day is 2025-08-01
    expect(fc[0]?.date).toBe("2025-08-01");
    expect(fc[0]?.mean).toBeGreaterThan(2500);
    for (const p of fc.slice(1)) expect(p.mean).toBeLessThan(150);
  });

  it("covers about 80% and 95% of future days on a series with known noise", () => {
    // Prepare: 20 independent series, 30 future days each
    let in80 = 0;
    let in95 = 0;
    let total = 0;
    for (let seed = 100; seed < 120; seed++) {
      const all = simulate({ seed, start: "2025-01-01", days: 230, level: 200, sigma: 0.1, weekday: WORKDAY });
      const history = all.slice(0, 200);
      const future = all.slice(200);
      // Act
      const fc = forecastSeries(history, 30);
      // Assess
      future.forEach((a, i) => {
        const p = fc[i]!;
        total++;
        if (a.cost >= p.lower80 && a.cost <= p.upper80) in80++;
        if (a.cost >= p.lower95 && a.cost <= p.upper95) in95++;
      });
    }
    expect(in80 / total).toBeGreaterThan(0.7);
    expect(in80 / total).toBeLessThan(0.9);
    expect(in95 / total).toBeGreaterThan(0.88);
  });

  it("adopts a persisting level shift as the new normal without a band blown up by it", () => {
    // Prepare: 100 a day, doubling 40 days before the end (inside the backtest span)
    const history = simulate({ seed: 8, start: "2025-01-01", days: 200, level: 100, sigma: 0.05 }).map((p, i) => ({
      ...p,
      cost: i >= 160 ? p.cost * 2 : p.cost,
    }));
    // Act
    const fc = forecastSeries(history, 30);
    // Assess
    expect(fc[0]?.mean).toBeCloseTo(200, -1);
    expect(fc[29]?.mean).toBeCloseTo(200, -1);
    expect(fc[29]!.upper80).toBeLessThan(1.5 * fc[29]!.mean);
    expect(fc[29]!.lower80).toBeGreaterThan(0.5 * fc[29]!.mean);
  });

  it("treats missing days as zero-cost days and sums duplicate dates", () => {
    // Prepare: constant 10/day with every 2nd day missing and a duplicated last day
    const history = Array.from({ length: 60 }, (_, i) => ({ date: new Date(Date.UTC(2025, 0, 1 + 2 * i)).toISOString().slice(0, 10), cost: 10 }));
    // Act
    const fc = forecastSeries(history, 7);
    // Assess: half the days carry 10, so the expected daily cost is about 5
    expect(fc[0]?.mean).toBeCloseTo(5, 0);
  });

  it.each([
    ["empty history", [], 30, /at least one day/],
    ["bad date", [{ date: "2025-13-01", cost: 1 }], 30, /calendar date/],
    ["non-finite cost", [{ date: "2025-01-01", cost: Number.NaN }], 30, /number/i],
    ["zero horizon", [{ date: "2025-01-01", cost: 1 }], 0, /too small|>=1/i],
  ])("rejects %s with a clear error", (_, history, horizon, message) => {
    expect(() => forecastSeries(history, horizon)).toThrow(message);
  });
});
