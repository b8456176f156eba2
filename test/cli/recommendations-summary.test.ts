import { describe, expect, it } from "vitest";
import type { RecommendationsSummary } from "#cli/nightly/run-nightly.js";
import { recommendationLines } from "#cli/nightly/summary.js";

const summary = (over: Partial<RecommendationsSummary> = {}): RecommendationsSummary => ({
  found: 12,
  kept: 9,
  conflicts: 3,
  failedAccounts: 0,
  savings: { EUR: "12.5", USD: "1051.54" },
  top: [{ score: 64, provider: "aws", category: "commitment", action: "purchase", resource: "111111111111/savings-plans/COMPUTE_SP", monthlySavings: { amount: "83.333333333", currency: "USD" } }],
  realized: [],
  ...over,
});

describe("the nightly summary's recommendations lines", () => {
  it("counts, savings per currency (never added across currencies) and the top ones rounded to cents", () => {
    expect(recommendationLines(summary())).toEqual([
      "  recommendations 12 found, 9 after de-duplication (3 conflicts), €12.50 + $1,051.54 a month",
      "     64  $83.33/mo  aws commitment purchase  111111111111/savings-plans/COMPUTE_SP",
    ]);
  });

  it("names failed accounts and gives realized against estimated per recommender", () => {
    const lines = recommendationLines(
      summary({
        failedAccounts: 1,
        top: [],
        realized: [
          { recommender: "google.compute.instance.MachineTypeRecommender", currency: "USD", measured: 2, overlapping: 1, estimatedMonthly: "120.5", realizedMonthly: "120", ratio: "0.9959" },
          { recommender: "azure.advisor.Cost/x", currency: "USD", measured: 1, overlapping: 1, estimatedMonthly: "0", realizedMonthly: "0", ratio: null },
        ],
      }),
    );
    expect(lines[0]).toMatch(/, 1 accounts FAILED$/);
    expect(lines[1]).toBe("  realized   google.compute.instance.MachineTypeRecommender: 0.9959 of estimate ($120.00 of $120.50 a month, 2 measured, 1 overlapping left out)");
    expect(lines[2]).toBe("  realized   azure.advisor.Cost/x: no ratio ($0.00 of $0.00 a month, 1 measured, 1 overlapping left out)");
  });
});
