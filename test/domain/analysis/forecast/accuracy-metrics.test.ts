import { describe, expect, it } from "vitest";
import { mase, owa, smape } from "#domain/analysis/forecast/accuracy-metrics.js";
import { monthPosition, toEpochDay } from "#kernel/days.js";

describe("M4 accuracy measures", () => {
  it("sMAPE: 200/h sum |y-f| / (|y|+|f|)", () => {
    // (200/2) * (|100-110|/210 + |50-40|/90) = 100 * (0.047619 + 0.111111) = 15.873
    expect(smape([100, 50], [110, 40])).toBeCloseTo(15.873, 3);
  });

  it("MASE: scaled by the in-sample seasonal naive error at lag m", () => {
    // in-sample 1,3,2,4 with m = 1: mean |diff| = (2+1+2)/3 = 5/3; out-of-sample MAE = (1+3)/2 = 2 -> 1.2
    expect(mase([1, 3, 2, 4], [5, 6], [4, 3], 1)).toBeCloseTo(1.2, 10);
    // m = 2: |2-1| + |4-3| over 2 = 1; MAE 2 -> 2
    expect(mase([1, 3, 2, 4], [5, 6], [4, 3], 2)).toBeCloseTo(2, 10);
  });

  it("OWA: mean of the two ratios to Naive2", () => {
    expect(owa(9, 2.4, 10, 3)).toBeCloseTo(0.5 * (0.9 + 0.8), 10);
  });
});

describe("calendar", () => {
  it.each([
    ["2024-02-29", 29, 0],
    ["2025-02-28", 28, 0],
    ["2025-01-01", 1, 30],
    ["2000-03-15", 15, 16],
    ["1999-12-31", 31, 0],
  ])("%s is day %i with %i days to month end", (date, dom, toEnd) => {
    expect(monthPosition(toEpochDay(date))).toEqual({ dayOfMonth: dom, daysToMonthEnd: toEnd });
  });
});
