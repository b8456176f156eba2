import { describe, expect, it } from "vitest";
import type { NightlyResult } from "#cli/nightly/run-nightly.js";
import { emptyTenants, formatSummary, futureRunDateWarning } from "#cli/nightly/summary.js";
import { emptyReport } from "#domain/alerts/dispatch-report.js";
import type { BudgetStatus } from "#domain/nightly/analyze-tenant.js";

const budget = (over: Partial<BudgetStatus>): BudgetStatus => ({
  budgetId: "b",
  name: "Monthly",
  periodKey: "2026-11",
  scope: "all costs",
  state: "on_track",
  periodClosed: false,
  amount: "14500",
  currency: "USD",
  actual: "1000",
  projected: "2000",
  actualPercent: 6.9,
  projectedPercent: 13.79,
  daysUntilBreach: null,
  newCrossings: [],
  ...over,
});

function result(budgets: BudgetStatus[], records = 4164): NightlyResult {
  return {
    runDate: "2026-11-20",
    tenants: [
      {
        tenantId: "t1",
        pages: 42,
        records,
        inserted: records,
        updated: 0,
        deleted: 0,
        failedPages: 0,
        analysis: { tenantId: "t1", asOf: "2026-11-19", anomalies: [], forecasts: [], budgets, alertEvents: 0 },
        alerts: emptyReport(),
      },
    ],
  };
}

describe("nightly summary", () => {
  it("marks a budget BREACHED from its standing, even with no breach date", () => {
    const text = formatSummary(result([budget({ state: "breached", actualPercent: 143.03, projectedPercent: 150, daysUntilBreach: null })]));
    expect(text).toMatch(/actual 143\.0%, forecast 150\.0%, BREACHED/);
  });

  it("gives the breach date only while the breach is ahead, and no forecast for a closed period", () => {
    expect(formatSummary(result([budget({ state: "at_risk", daysUntilBreach: 5, actualPercent: 81.14, projectedPercent: 112.5 })]))).toMatch(
      /actual 81\.1%, forecast 112\.5%, breach in 5 d$/m,
    );
    expect(formatSummary(result([budget({ state: "breached", periodClosed: true, actualPercent: 120 })]))).toMatch(/actual 120\.0%, period closed, BREACHED$/m);
  });

  it("names the scope and groups thousands", () => {
    const text = formatSummary(result([budget({ scope: "provider gcp", amount: "160000" })]));
    expect(text).toContain("Monthly (2026-11, provider gcp) $160,000.00");
    expect(text).toContain("4,164 rows from 42 account pages");
  });

  it("lists the tenants a run collected nothing for", () => {
    expect(emptyTenants(result([], 0))).toEqual(["t1"]);
    expect(emptyTenants(result([]))).toEqual([]);
  });

  it("warns about a run date after today, and only then", () => {
    const now = new Date("2026-12-05T01:00:00Z");
    expect(futureRunDateWarning("2026-12-06", now)).toMatch(/2026-12-06 is after today \(2026-12-05 UTC\)/);
    expect(futureRunDateWarning("2026-12-05", now)).toBeNull();
    expect(futureRunDateWarning("2026-11-20", now)).toBeNull();
  });
});
