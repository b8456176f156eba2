import Big from "big.js";
import { describe, expect, it } from "vitest";
import { type DailySeries, toDailySeries } from "#domain/analysis/daily-series.js";
import type { DailyPoint } from "#domain/analysis/forecast/index.js";
import { backtestLastMonth, forecastAccuracy, lastCompleteMonth, rollingCoverage } from "#domain/analysis/forecast/index.js";
import { simulate } from "./simulated-series.js";

const AS_OF = "2026-11-19";

/** Exact decimal strings (4 dp), as the ledger holds them, from simulated model-space days. */
const exact = (points: readonly DailyPoint[]): DailySeries => toDailySeries(points.map((p) => ({ date: p.date, billed_cost: p.cost.toFixed(4) })));

const WORKDAYS = [0.4, 1, 1, 1, 1, 1, 0.4];
const steady = exact(simulate({ seed: 7, start: "2026-03-01", days: 264, level: 300, weekday: WORKDAYS, sigma: 0.08 }));

describe("lastCompleteMonth", () => {
  it("is the previous month mid-month and the current one on its last day", () => {
    expect(lastCompleteMonth("2026-11-19")).toEqual({ start: "2026-10-01", end: "2026-10-31" });
    expect(lastCompleteMonth("2026-10-31")).toEqual({ start: "2026-10-01", end: "2026-10-31" });
    expect(lastCompleteMonth("2024-03-01")).toEqual({ start: "2024-02-01", end: "2024-02-29" });
  });
});

describe("backtestLastMonth", () => {
  it("scores the forecast made on the eve of the month against the month's exact bill, beside the naive one", () => {
    const b = backtestLastMonth(steady, AS_OF);
    expect(b).not.toBeNull();
    expect(b?.month).toBe("2026-10");
    const october = [...steady.exact].filter(([d]) => d.startsWith("2026-10")).reduce((t, [, v]) => t.plus(v), new Big(0));
    expect(b?.actual).toBe(october.toFixed());
    expect(b?.days).toBe(31);
    // The error is the exact difference of the two figures shown, to the cent.
    expect(new Big(b!.actual).minus(b!.forecast).abs().round(2).eq(b!.absError)).toBe(true);
    expect(b?.errorShare).toBeCloseTo(Number(b?.absError) / october.toNumber(), 10);
    expect(b?.errorShare).toBeLessThan(0.08); // a steady workday series is forecast closely
    expect(b?.inside95).toBeGreaterThanOrEqual(b!.inside80);
    expect(b?.inside95).toBeGreaterThan(24);
    expect(Number(b?.naiveAbsError)).toBeGreaterThanOrEqual(0);
    expect(b?.settled).toBe(true);
    // On 2 November the month's last two days still fill in: the same figure, marked unsettled.
    expect(backtestLastMonth(steady, "2026-11-02")).toEqual({ ...b, settled: false });
    expect(backtestLastMonth(steady, "2026-11-03")?.settled).toBe(true);
  });

  it("shows a large error when the month jumped away from its history", () => {
    const jumped = exact(simulate({ seed: 3, start: "2026-03-01", days: 264, level: 100, sigma: 0.05 }).map((p) => (p.date.startsWith("2026-10") ? { ...p, cost: p.cost * 3 } : p)));
    expect(backtestLastMonth(jumped, AS_OF)?.errorShare).toBeGreaterThan(0.5);
  });

  it("counts the days after a series stopped as zero cost, not as days to skip", () => {
    const stopped = exact(simulate({ seed: 5, start: "2026-03-01", days: 224, level: 100, sigma: 0.05 })); // last day 2026-10-10
    const b = backtestLastMonth(stopped, AS_OF);
    expect(b?.days).toBe(31);
    expect(b?.errorShare).toBeGreaterThan(1); // forecast a full month, billed ten days
  });

  it("is null without 60 days of history before the month, or without cost in it", () => {
    expect(backtestLastMonth(exact(simulate({ seed: 1, start: "2026-08-15", days: 90, level: 50 })), AS_OF)).toBeNull();
    expect(backtestLastMonth(exact(simulate({ seed: 1, start: "2026-03-01", days: 150, level: 50 })), AS_OF)).toBeNull(); // ended in July
  });
});

describe("rollingCoverage", () => {
  it("measures interval coverage over the 84 days up to the last settled day, from three origins", () => {
    const r = rollingCoverage(steady, AS_OF);
    expect(r).toMatchObject({ from: "2026-08-25", to: "2026-11-16", days: 84, origins: 3, horizonDays: 28 });
    expect(r?.coverage80).toBeGreaterThan(0.6);
    expect(r?.coverage95).toBeGreaterThanOrEqual(r!.coverage80);
    expect(r?.dailyWape).toBeGreaterThan(0);
    expect(r?.dailyWape).toBeLessThan(0.3);
    // With nothing provisional the window ends on asOf.
    expect(rollingCoverage(steady, AS_OF, 0)?.to).toBe(AS_OF);
  });

  it("does not count days still filling in as misses", () => {
    // The last three days hold a tenth of their cost: read as actuals they would fall below every band.
    const calm = exact(simulate({ seed: 7, start: "2026-03-01", days: 264, level: 300, weekday: WORKDAYS, sigma: 0.02 }));
    const filling = toDailySeries([...calm.exact].map(([date, v]) => ({ date, billed_cost: date > "2026-11-16" ? new Big(v).div(10).toFixed(4) : v })));
    expect(rollingCoverage(filling, AS_OF)).toEqual(rollingCoverage(calm, AS_OF));
    const counted = rollingCoverage(filling, AS_OF, 0)!;
    const whole = rollingCoverage(calm, AS_OF, 0)!;
    expect(counted.days).toBe(whole.days);
    expect(counted.coverage95).toBeLessThan(whole.coverage95);
  });

  it("uses the origins that leave 60 days of training, and is null when none does", () => {
    const young = exact(simulate({ seed: 2, start: "2026-07-01", days: 142, level: 80, sigma: 0.05 }));
    const r = rollingCoverage(young, AS_OF);
    expect(r?.origins).toBe(2);
    expect(r?.days).toBe(56);
    expect(r?.from).toBe("2026-09-22");
    expect(rollingCoverage(exact(simulate({ seed: 2, start: "2026-09-01", days: 80, level: 80 })), AS_OF)).toBeNull();
  });
});

describe("forecastAccuracy", () => {
  it("holds both records", () => {
    const a = forecastAccuracy(steady, AS_OF);
    expect(a.month).toEqual(backtestLastMonth(steady, AS_OF));
    expect(a.rolling).toEqual(rollingCoverage(steady, AS_OF));
  });
});
