import { describe, expect, it } from "vitest";
import { toDailySeries } from "#domain/analysis/daily-series.js";
import { forecastDays, projectMonthEnd } from "#domain/analysis/forecast/index.js";
import { addDays } from "#kernel/days.js";

const series = toDailySeries(Array.from({ length: 120 }, (_, i) => ({ date: addDays("2026-11-19", -i), billed_cost: (50 + (i % 7)).toFixed(4) })));

describe("projectMonthEnd", () => {
  it("adds the forecast remainder in cents to the exact actual, bands ordered around it", () => {
    const p = projectMonthEnd("total", series, { start: "2026-11-01", end: "2026-11-30" }, "2026-11-19");
    expect(p.seriesKey).toBe("total");
    expect(p.actualToDate).toMatch(/^\d+(\.\d+)?$/);
    const n = (s: string) => Number(s);
    expect(n(p.lower95)).toBeLessThanOrEqual(n(p.lower80));
    expect(n(p.lower80)).toBeLessThanOrEqual(n(p.projected));
    expect(n(p.projected)).toBeLessThanOrEqual(n(p.upper80));
    expect(n(p.upper80)).toBeLessThanOrEqual(n(p.upper95));
    expect(n(p.lower95)).toBeGreaterThanOrEqual(n(p.actualToDate));
    // The remainder is money at 2 dp on top of the exact actual.
    expect((n(p.projected) * 1e4 - n(p.actualToDate) * 1e4) % 100).toBeCloseTo(0, 3);
  });
});

describe("forecastDays", () => {
  it("forecasts the horizon after the last day in cents, never below zero", () => {
    const days = forecastDays(series, 14);
    expect(days).toHaveLength(14);
    expect(days[0]?.date).toBe("2026-11-20");
    expect(days.at(-1)?.date).toBe("2026-12-03");
    for (const d of days) {
      for (const v of [d.mean, d.lower80, d.upper80, d.lower95, d.upper95]) expect(v).toMatch(/^\d+\.\d{2}$/);
    }
  });
});
