import { describe, expect, it } from "vitest";
import { type Budget, BudgetSchema, evaluateBudget, periodFor, thresholdKey } from "#domain/analysis/budgets/index.js";

const monthly = (amount = "1000.00"): Budget => BudgetSchema.parse({ id: "b1", name: "Monthly", amount, period: "monthly" });

describe("periodFor", () => {
  it.each([
    ["monthly", "2026-11-20", { start: "2026-11-01", end: "2026-11-30", key: "2026-11" }],
    ["monthly", "2024-02-29", { start: "2024-02-01", end: "2024-02-29", key: "2024-02" }],
    ["quarterly", "2026-11-20", { start: "2026-10-01", end: "2026-12-31", key: "2026-Q4" }],
    ["quarterly", "2026-01-01", { start: "2026-01-01", end: "2026-03-31", key: "2026-Q1" }],
    ["annual", "2026-07-04", { start: "2026-01-01", end: "2026-12-31", key: "2026" }],
  ] as const)("%s period containing %s", (period, asOf, expected) => {
    expect(periodFor({ period }, asOf)).toEqual(expected);
  });

  it("custom periods cover only their own days", () => {
    const b = { period: "custom" as const, customStart: "2026-01-05", customEnd: "2026-02-04" };
    expect(periodFor(b, "2026-01-20")?.key).toBe("custom:2026-01-05..2026-02-04");
    expect(periodFor(b, "2026-02-05")).toBeNull();
  });
});

describe("BudgetSchema", () => {
  it("defaults to 50/75/90/100% on actual and forecast spend", () => {
    const keys = monthly().thresholds.map(thresholdKey).sort();
    expect(keys).toEqual(["actual:100", "actual:50", "actual:75", "actual:90", "forecast:100", "forecast:50", "forecast:75", "forecast:90"]);
  });

  it.each([
    [{ id: "b", name: "x", amount: "abc", period: "monthly" }],
    [{ id: "b", name: "x", amount: "-5", period: "monthly" }],
    [{ id: "b", name: "x", amount: "5", period: "weekly" }],
    [{ id: "b", name: "x", amount: "5", period: "custom", customStart: "2026-02-01", customEnd: "2026-01-01" }],
    [{ id: "b", name: "x", amount: "5", period: "monthly", tenantId: "other" }],
  ])("rejects %j", (input) => {
    expect(BudgetSchema.safeParse(input).success).toBe(false);
  });
});

describe("evaluateBudget", () => {
  const period = { start: "2026-11-01", end: "2026-11-30", key: "2026-11" };

  it("crosses every threshold the spend has reached, exactly at the boundary", () => {
    const ev = evaluateBudget(monthly(), period, { actual: "750.00", projected: "1000.00", daysUntilBreach: 10 }, null);
    expect(ev.crossings.map((c) => thresholdKey(c.threshold)).sort()).toEqual([
      "actual:50",
      "actual:75",
      "forecast:100",
      "forecast:50",
      "forecast:75",
      "forecast:90",
    ]);
    expect(ev.actualPercent).toBe(75);
    expect(ev.projectedPercent).toBe(100);
  });

  it("alerts each threshold once per period: re-running the same day crosses nothing", () => {
    const figures = { actual: "950.00", projected: "1200.00", daysUntilBreach: 2 };
    const first = evaluateBudget(monthly(), period, figures, null);
    const second = evaluateBudget(monthly(), period, figures, first.state);
    expect(first.crossings.length).toBe(7);
    expect(second.crossings).toEqual([]);
    expect(second.state).toEqual(first.state);
  });

  it("starts over in a new period", () => {
    const first = evaluateBudget(monthly(), period, { actual: "600", projected: null, daysUntilBreach: null }, null);
    const next = evaluateBudget(monthly(), { start: "2026-12-01", end: "2026-12-31", key: "2026-12" }, { actual: "600", projected: null, daysUntilBreach: null }, first.state);
    expect(next.crossings.map((c) => thresholdKey(c.threshold))).toEqual(["actual:50"]);
  });

  it("uses exact decimals: 499.999999 of 1000 is below 50%", () => {
    const ev = evaluateBudget(monthly(), period, { actual: "499.999999", projected: null, daysUntilBreach: null }, null);
    expect(ev.crossings).toEqual([]);
  });
});
