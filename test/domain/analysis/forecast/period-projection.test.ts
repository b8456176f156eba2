import { describe, expect, it } from "vitest";
import { backtestSeries, daysUntilBreach, projectPeriod } from "#domain/analysis/forecast/index.js";
import { simulate } from "./simulated-series.js";

/** 100.25 a day, exactly, from 2025-01-01 to 2025-06-15. */
const constant = Array.from({ length: 166 }, (_, i) => ({ date: new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10), cost: 100.25 }));

describe("projectPeriod", () => {
  it("sums actuals to date exactly and forecasts the rest of the month", () => {
    // Act: June, as of the 15th
    const p = projectPeriod(constant, { periodStart: "2025-06-01", periodEnd: "2025-06-30", asOf: "2025-06-15" });
    // Assess
    expect(p.actualToDate).toBeCloseTo(15 * 100.25, 9);
    expect(p.forecastRemainder).toBeCloseTo(15 * 100.25, 6);
    expect(p.projected).toBeCloseTo(p.actualToDate + p.forecastRemainder, 9);
    expect(p.lower95).toBeLessThanOrEqual(p.lower80);
    expect(p.lower80).toBeLessThanOrEqual(p.projected);
    expect(p.projected).toBeLessThanOrEqual(p.upper80);
    expect(p.upper80).toBeLessThanOrEqual(p.upper95);
  });

  it("ignores data after asOf and returns the actual total for a closed period", () => {
    // Act: May is over on 2025-06-15
    const p = projectPeriod(constant, { periodStart: "2025-05-01", periodEnd: "2025-05-31", asOf: "2025-06-15" });
    // Assess
    expect(p.actualToDate).toBeCloseTo(31 * 100.25, 9);
    expect(p.forecastRemainder).toBe(0);
    expect(p.upper95).toBe(p.actualToDate);
  });

  it("gives a band whose width reflects the noise of a noisy series", () => {
    // Prepare
    const noisy = simulate({ seed: 11, start: "2025-01-01", days: 166, level: 100, sigma: 0.2 });
    // Act
    const p = projectPeriod(noisy, { periodStart: "2025-06-01", periodEnd: "2025-06-30", asOf: "2025-06-15" });
    // Assess: 15 noisy days around 100: band exists but stays within a factor of the mean
    expect(p.upper80 - p.lower80).toBeGreaterThan(0);
    expect(p.upper95 - p.lower95).toBeLessThan(p.forecastRemainder);
  });

  it("rejects a period that ends before it starts", () => {
    expect(() => projectPeriod(constant, { periodStart: "2025-06-30", periodEnd: "2025-06-01", asOf: "2025-06-15" })).toThrow(/periodStart/);
  });
});

describe("daysUntilBreach", () => {
  it.each([
    // 15 days actual = 1503.75; each further day adds 100.25
    ["never crosses", 5000, null],
    ["crosses on the 3rd forecast day", 1503.75 + 2.5 * 100.25, 3],
    ["already breached by actuals", 1000, 0],
  ])("%s", (_, budget, expected) => {
    expect(daysUntilBreach(constant, budget, "2025-06-01", "2025-06-30", "2025-06-15")).toBe(expected);
  });
});

describe("backtestSeries", () => {
  it("scores each cut window and the seasonal naive beside it", () => {
    // Prepare: a steady series, then a persisting step up 40 days before its end
    const points = simulate({ seed: 21, start: "2025-01-01", days: 200, level: 100, sigma: 0.05 }).map((p, i) => ({
      ...p,
      cost: i >= 160 ? p.cost * 2 : p.cost,
    }));
    // Act
    const t = backtestSeries(points, { horizon: 30, cuts: [20, 60, 190] });
    // Assess: the 190-day cut leaves too little history and is skipped
    expect(t.windows).toBe(2);
    expect(t.days).toBe(50); // 20 days remain after the 20-day cut, 30 after the 60-day cut
    expect(t.inside95).toBeGreaterThanOrEqual(t.inside80);
    // After the step has persisted 20 days the forecaster has adapted; the 60-day cut could not know
    expect(t.absTotalError).toBeLessThan(t.actual);
  });
});
