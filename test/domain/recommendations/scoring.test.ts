import { describe, expect, it } from "vitest";
import type { Level } from "#domain/recommendations/recommendation.js";
import { savingsFraction, score, scoreBreakdown } from "#domain/recommendations/scoring.js";

function rec(amount: string, effort: Level, risk: Level, confidence: Level, currency = "USD") {
  return { monthlySavings: { amount, currency }, effort, risk, confidence };
}

describe("recommendation score (savings 40, effort 20, risk 20, confidence 20)", () => {
  // Each expected value worked out by hand from the formula in scoring.ts:
  // savings points = 40 × min(1, log10(1 + S) / log10(1 + 9999)) = 10 × log10(1 + S), capped at 40.
  it.each([
    // S = 99: log10(100) = 2 → 20; low effort 20, medium risk 10, high confidence 20.
    ["99", "low", "medium", "high", 70],
    // S = 999: log10(1000) = 3 → 30; medium everywhere → 10 + 10 + 10.
    ["999", "medium", "medium", "medium", 60],
    // S = 9: log10(10) = 1 → 10; low effort 20, low risk 20, low confidence 0.
    ["9", "low", "low", "low", 50],
    // S = 9999 saturates at 40, the best levels add 60.
    ["9999", "low", "low", "high", 100],
    // Far above the saturation still 40, not more.
    ["1000000", "high", "high", "low", 40],
    // Nothing saved, worst levels.
    ["0", "high", "high", "low", 0],
    // A recommendation that costs money earns no savings points.
    ["-50", "low", "low", "high", 60],
    // The recorded GCP machine-type saving 73.268972762: 10 × log10(74.268972762) = 18.708…
    // + medium effort 10 + medium risk 10 + high confidence 20 = 58.708… → 59.
    ["73.268972762", "medium", "medium", "high", 59],
  ] as const)("S=%s effort=%s risk=%s confidence=%s → %d", (amount, effort, risk, confidence, expected) => {
    expect(score(rec(amount, effort, risk, confidence))).toBe(expected);
  });

  it("breaks the score into its four parts", () => {
    const b = scoreBreakdown(rec("99", "high", "medium", "medium"));
    expect(b).toEqual({ savings: 20, effort: 0, risk: 10, confidence: 10, total: 40 });
  });

  it("uses a per-currency saturation, never an exchange rate", () => {
    // JPY saturating at 999,999: 40 × log10(100) / log10(1,000,000) = 40 × 2/6 = 13.33 → 73 with 60 from the levels.
    const jpy = rec("99", "low", "low", "high", "JPY");
    expect(score(jpy, { saturationByCurrency: { JPY: "999999" } })).toBe(73);
    // Without it JPY is read on the default scale, like USD.
    expect(score(jpy)).toBe(80);
  });

  it("rounds the sum to the nearest integer", () => {
    // saturation 99: S = 1 → 40 × log10(2) / log10(100) = 6.02 → 6; S = 2 → 40 × log10(3) / 2 = 9.54 → 10.
    expect(score(rec("1", "high", "high", "low"), { defaultSaturation: "99" })).toBe(6);
    expect(score(rec("2", "high", "high", "low"), { defaultSaturation: "99" })).toBe(10);
    expect(savingsFraction("9", "99")).toBe(0.5);
  });

  it("refuses a non-positive saturation", () => {
    expect(() => score(rec("1", "low", "low", "high"), { defaultSaturation: "0" })).toThrow(RangeError);
  });
});
