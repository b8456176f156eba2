import { describe, expect, it } from "vitest";
import { consoleAlertLine } from "#adapters/local/console-channel.js";
import { BudgetSchema } from "#domain/analysis/budgets/index.js";
import type { CostRow } from "#domain/billing/ports.js";
import { budgetUpdates } from "#domain/nightly/analyze/budget-updates.js";
import type { LoadedBudget } from "#domain/nightly/analyze/read-documents.js";
import { addDays } from "#kernel/days.js";

const ctx = (asOf: string) => ({ tenantId: "t1", asOf, dashboardUrl: "https://costs.example.com", now: new Date(`${addDays(asOf, 1)}T04:00:00Z`) });

/** `perDay` of billed cost every day from `from` to `to`, on one GCP and one AWS service. */
function history(from: string, to: string, perDay: { gcp: string; aws: string }): CostRow[] {
  const rows: CostRow[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    rows.push({ date: d, dims: { provider: "gcp", sub_account_id: "p1", service_name: "BigQuery", region_id: "US", charge_category: "Usage" }, billed_cost: perDay.gcp, effective_cost: perDay.gcp });
    rows.push({ date: d, dims: { provider: "aws", sub_account_id: "a1", service_name: "EC2", region_id: "us-east-1", charge_category: "Usage" }, billed_cost: perDay.aws, effective_cost: perDay.aws });
  }
  return rows;
}

const budget = (over: Record<string, unknown> = {}): LoadedBudget => ({
  path: "tenants/t1/budgets/b1",
  budget: BudgetSchema.parse({ id: "b1", name: "Monthly", period: "monthly", amount: "3000", ...over }),
  state: null,
});

describe("budget standing", () => {
  it("is BREACHED from actual spend, and sends only the actual crossing, not the forecast ones it makes redundant", () => {
    // 150 a day for 20 days: 3,000 reached on the 20th of a 30-day month.
    const r = budgetUpdates(ctx("2026-11-20"), [budget()], history("2026-09-01", "2026-11-20", { gcp: "100", aws: "50" }));
    const s = r.statuses[0];
    expect(s).toMatchObject({ state: "breached", periodClosed: false, daysUntilBreach: null, scope: "all costs" });
    const types = r.events.map((e) => (e.type === "budget.threshold_crossed" ? `${e.basis}:${e.thresholdPct}:${e.severity}` : e.type));
    expect(types).toEqual(["actual:100:critical"]);
  });

  it("says nothing about the forecast of a closed period", () => {
    // The whole month at 143% of the amount, analysed on its last day.
    const r = budgetUpdates(ctx("2026-11-30"), [budget()], history("2026-09-01", "2026-11-30", { gcp: "100", aws: "43" }));
    expect(r.statuses[0]).toMatchObject({ state: "breached", periodClosed: true, actualPercent: 143 });
    expect(r.events.every((e) => e.type === "budget.threshold_crossed" && e.basis === "actual")).toBe(true);
    expect(r.events.some((e) => e.type === "forecast.breach_ahead")).toBe(false);
  });

  it("is at risk while the forecast reaches the amount, with one severity for the forecast crossing and the breach-ahead warning", () => {
    // 120 a day: 1,200 after 10 days (40%), heading for 3,600 (120%) at month end.
    const r = budgetUpdates(ctx("2026-11-10"), [budget()], history("2026-09-01", "2026-11-10", { gcp: "80", aws: "40" }));
    const s = r.statuses[0];
    expect(s?.state).toBe("at_risk");
    expect(s?.daysUntilBreach).toBeGreaterThan(0);
    const forecast100 = r.events.find((e) => e.type === "budget.threshold_crossed" && e.basis === "forecast" && e.thresholdPct === 100);
    const ahead = r.events.find((e) => e.type === "forecast.breach_ahead");
    expect(forecast100?.severity).toBe("high");
    expect(ahead?.severity).toBe(forecast100?.severity);
  });

  it("is on track when neither actual nor forecast reaches the amount", () => {
    const r = budgetUpdates(ctx("2026-11-10"), [budget({ amount: "100000" })], history("2026-09-01", "2026-11-10", { gcp: "80", aws: "40" }));
    expect(r.statuses[0]).toMatchObject({ state: "on_track", daysUntilBreach: null });
    expect(r.events).toEqual([]);
  });

  it("names a scoped budget's scope in its status and alerts, never 'all scopes'", () => {
    const scoped = budget({ scope: { provider: ["gcp"], service_name: ["BigQuery", "Vertex AI"] }, amount: "1000" });
    const r = budgetUpdates(ctx("2026-11-20"), [scoped], history("2026-09-01", "2026-11-20", { gcp: "100", aws: "50" }));
    expect(r.statuses[0]?.scope).toBe("provider gcp; service BigQuery, Vertex AI");
    // Only the GCP rows count: 100 a day for 20 days is 2,000, twice the amount.
    expect(r.statuses[0]?.actual).toBe("2000");
    const event = r.events[0];
    expect(event).toMatchObject({ type: "budget.threshold_crossed", scope: "provider gcp; service BigQuery, Vertex AI", where: { provider: "gcp" } });
    const line = event ? consoleAlertLine({ kind: "alert", transition: "trigger", event }) : "";
    expect(line).toContain("| provider gcp; service BigQuery, Vertex AI |");
    expect(line).not.toContain("all scopes");
  });
});
