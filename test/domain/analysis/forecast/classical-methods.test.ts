import { describe, expect, it } from "vitest";
import { damped, naive2, seasonalNaive, ses, theta } from "#domain/analysis/forecast/classical/benchmark-methods.js";
import { isSeasonal, multiplicativeIndices } from "#domain/analysis/forecast/classical/seasonality.js";

const seasonal = Array.from({ length: 96 }, (_, t) => 100 * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 12)));

describe("classical benchmark methods", () => {
  it("detects a clear 12-period cycle and not one in a straight line", () => {
    expect(isSeasonal(seasonal, 12)).toBe(true);
    expect(isSeasonal(Array.from({ length: 96 }, (_, t) => t), 12)).toBe(false);
    expect(isSeasonal(seasonal.slice(0, 30), 12)).toBe(false); // fewer than 3 cycles
  });

  it("multiplicative indices average to one and continue the cycle", () => {
    const si = multiplicativeIndices(seasonal, 12, 12);
    const avg = si.outOfSample.reduce((a, b) => a + b, 0) / 12;
    expect(avg).toBeCloseTo(1, 6);
    expect(si.outOfSample[3]).toBeGreaterThan(1.3); // peak of the sine at t = 99 (phase 3)
  });

  it("Naive2 repeats the last deseasonalised value reseasonalised", () => {
    const fc = naive2(12)(seasonal, 12);
    fc.forEach((f, h) => {
      expect(f).toBeCloseTo(seasonal[84 + h] ?? 0, -1);
    });
  });

  it.each([
    ["SES", ses],
    ["Theta", theta],
    ["Damped", damped],
  ])("%s forecasts a constant series as that constant", (_, method) => {
    const fc = method(Array<number>(40).fill(7), 5);
    for (const f of fc) expect(f).toBeCloseTo(7, 3);
  });

  it("Theta follows half of a linear trend plus SES on the theta line", () => {
    const line = Array.from({ length: 50 }, (_, t) => 10 + 2 * t);
    const fc = theta(line, 3);
    expect(fc[0]).toBeGreaterThan(line[49] ?? 0);
  });

  it("seasonal naive repeats the last cycle", () => {
    expect(seasonalNaive(3)([1, 2, 3, 4, 5, 6], 4)).toEqual([4, 5, 6, 4]);
  });
});
