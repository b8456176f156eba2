import Big from "big.js";
import { describe, expect, it } from "vitest";
import { type DailySeries, toDailySeries } from "#domain/analysis/daily-series.js";
import { type DailyPoint, seriesTrend } from "#domain/analysis/forecast/index.js";
import { simulate } from "./simulated-series.js";

const AS_OF = "2026-11-19";
const THROUGH = "2026-11-16"; // the last settled day: three days fill in

const exact = (points: readonly DailyPoint[]): DailySeries => toDailySeries(points.map((p) => ({ date: p.date, billed_cost: p.cost.toFixed(4) })));
const base = (over: Partial<Parameters<typeof simulate>[0]> = {}) => simulate({ seed: 11, start: "2026-03-01", days: 264, level: 200, sigma: 0.05, ...over });
const sumOf = (s: DailySeries, from: string, to: string) => [...s.exact].filter(([d]) => d >= from && d <= to).reduce((t, [, v]) => t.plus(v), new Big(0));

describe("seriesTrend", () => {
  it("measures week-over-week and 28-day growth on settled days, with exact window sums", () => {
    const s = exact(base());
    const t = seriesTrend(s, AS_OF);
    expect(t.through).toBe(THROUGH);
    expect(t.weekOverWeek?.current).toBe(sumOf(s, "2026-11-10", THROUGH).toFixed());
    expect(t.weekOverWeek?.previous).toBe(sumOf(s, "2026-11-03", "2026-11-09").toFixed());
    expect(t.weekOverWeek?.rate).toBeCloseTo(Number(t.weekOverWeek?.current) / Number(t.weekOverWeek?.previous) - 1, 12);
    expect(t.growth28d?.current).toBe(sumOf(s, "2026-10-20", THROUGH).toFixed());
    expect(t.growth28d?.previous).toBe(sumOf(s, "2026-09-22", "2026-10-19").toFixed());
  });

  it("gives flat series rates near zero, with 80% bands that hold zero about 80% of the time", () => {
    // 60 flat workday series with 10% daily noise: each band should miss zero one time in five.
    let wow = 0;
    let m28 = 0;
    let faster = 0;
    const seeds = Array.from({ length: 60 }, (_, i) => 100 + i);
    for (const seed of seeds) {
      const t = seriesTrend(exact(base({ seed, start: "2025-10-16", days: 400, sigma: 0.1, weekday: [0.5, 1, 1, 1, 1, 1, 0.5] })), AS_OF);
      expect(Math.abs(t.growth28d!.rate)).toBeLessThan(0.1);
      if (t.weekOverWeek!.lower80! <= 0 && t.weekOverWeek!.upper80! >= 0) wow++;
      if (t.growth28d!.lower80! <= 0 && t.growth28d!.upper80! >= 0) m28++;
      if (t.growingFasterThanForecast) faster++;
      // Four weeks average out more noise than one: the 28-day band is the narrower.
      expect(t.growth28d!.upper80! - t.growth28d!.lower80!).toBeLessThan(t.weekOverWeek!.upper80! - t.weekOverWeek!.lower80!);
    }
    expect(wow / seeds.length).toBeGreaterThan(0.65);
    expect(wow / seeds.length).toBeLessThan(0.93);
    expect(m28 / seeds.length).toBeGreaterThan(0.65);
    expect(m28 / seeds.length).toBeLessThan(0.93);
    // The signal needs the 95% band broken upward: rare on a flat series.
    expect(faster / seeds.length).toBeLessThan(0.08);
  });

  it("finds steady growth, with a band that excludes zero", () => {
    const growing = exact(base().map((p, i) => ({ ...p, cost: p.cost * 1.01 ** i })));
    const t = seriesTrend(growing, AS_OF);
    expect(t.growth28d?.rate).toBeGreaterThan(0.2); // 1.01^28 - 1 = 0.32
    expect(t.growth28d?.rate).toBeLessThan(0.45);
    expect(t.growth28d?.lower80).toBeGreaterThan(0);
    expect(t.weekOverWeek?.lower80).toBeGreaterThan(0);
  });

  it("says a series is growing faster than forecast when the last 28 days beat the forecast's upper 95% bound", () => {
    // Flat for months, then every day of the last four weeks 50% higher.
    const jumped = exact(base().map((p) => (p.date >= "2026-10-20" ? { ...p, cost: p.cost * 1.5 } : p)));
    const t = seriesTrend(jumped, AS_OF);
    expect(t.versusForecast).toMatchObject({ madeOn: "2026-10-19", from: "2026-10-20", to: THROUGH });
    expect(t.versusForecast?.actual).toBe(sumOf(jumped, "2026-10-20", THROUGH).toFixed());
    expect(Number(t.versusForecast?.actual)).toBeGreaterThan(Number(t.versusForecast?.upper95));
    expect(Number(t.versusForecast?.upper95)).toBeGreaterThanOrEqual(Number(t.versusForecast?.upper80));
    expect(Number(t.versusForecast?.lower80)).toBeLessThanOrEqual(Number(t.versusForecast?.forecast));
    expect(t.growingFasterThanForecast).toBe(true);
    // The same jump downward is not growth.
    const fell = exact(base().map((p) => (p.date >= "2026-10-20" ? { ...p, cost: p.cost * 0.5 } : p)));
    expect(seriesTrend(fell, AS_OF).growingFasterThanForecast).toBe(false);
  });

  it("ignores days still filling in: partial recent days do not read as a decline", () => {
    const s = base();
    const filling = exact(s.map((p) => (p.date > THROUGH ? { ...p, cost: p.cost / 10 } : p)));
    expect(seriesTrend(filling, AS_OF)).toEqual(seriesTrend(exact(s), AS_OF));
  });

  it("leaves out what a short or empty history cannot support", () => {
    const young = seriesTrend(exact(simulate({ seed: 4, start: "2026-10-20", days: 31, level: 50, sigma: 0.05 })), AS_OF);
    expect(young.weekOverWeek?.rate).toBeDefined();
    expect(young.weekOverWeek?.lower80).toBeNull(); // three weeks: too few weekly changes for a noise estimate
    expect(young.growth28d).toBeNull();
    expect(young.versusForecast).toBeNull();
    expect(young.growingFasterThanForecast).toBeNull();
    const empty = seriesTrend(toDailySeries([]), AS_OF);
    expect(empty).toEqual({ through: THROUGH, weekOverWeek: null, growth28d: null, versusForecast: null, growingFasterThanForecast: null });
    // A series that cost nothing the week before has no rate.
    const fresh = exact(base().map((p) => (p.date >= "2026-11-03" && p.date <= "2026-11-09" ? { ...p, cost: 0 } : p)));
    expect(seriesTrend(fresh, AS_OF).weekOverWeek).toBeNull();
  });
});
