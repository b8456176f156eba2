import { describe, expect, it } from "vitest";
import {
  anomalyAcknowledged,
  anomalyUpdated,
  parseAlertEvent,
  transitionOf,
} from "#domain/alerts/alert-event.js";
import { figures, formatMoney, headline } from "#domain/alerts/describe.js";
import { anomalyInput, budgetEvent, opened, otherEvents, resolved } from "./fixtures.js";

describe("alert events", () => {
  it("gives every state of one anomaly the same stable id, and another anomaly another id", () => {
    // Prepare / Act
    const a = opened();
    const b = anomalyUpdated(anomalyInput({ impact: "2000" }));
    const c = resolved();
    const d = anomalyAcknowledged({ ...anomalyInput(), acknowledgedBy: "ops@acme" });
    const other = opened({ anomalyId: "an-2" });
    const otherTenant = opened({ tenantId: "globex" });
    // Assess
    expect(new Set([a.id, b.id, c.id, d.id]).size).toBe(1);
    expect(a.id).toMatch(/^anomaly-[0-9a-f]{32}$/);
    expect(other.id).not.toBe(a.id);
    expect(otherTenant.id).not.toBe(a.id);
  });

  it.each([
    ["another period", { periodKey: "2026-12" }],
    ["another threshold", { thresholdPct: 100 }],
    ["the forecast basis", { basis: "forecast" as const }],
    ["another budget", { budgetId: "b-2" }],
  ])("keys a budget threshold alert by budget, period, threshold and basis: %s differs", (_label, over) => {
    expect(budgetEvent(over).id).not.toBe(budgetEvent().id);
    expect(budgetEvent({ spent: "41000", occurredAt: "2026-11-21T06:00:00Z" }).id).toBe(budgetEvent().id);
  });

  it("maps event types to PagerDuty transitions", () => {
    expect(transitionOf(opened())).toBe("trigger");
    expect(transitionOf(resolved())).toBe("resolve");
    expect(transitionOf(anomalyAcknowledged({ ...anomalyInput(), acknowledgedBy: "u1" }))).toBe("acknowledge");
    expect(otherEvents().map(transitionOf)).toEqual(["trigger", "trigger", "trigger", "trigger", "trigger"]);
  });

  it("canonicalises decimal amounts and keeps them exact", () => {
    const e = opened({ impact: "0001840.250000", expected: "1e2" });
    expect(e.impact).toBe("1840.25");
    expect(e.expected).toBe("100");
  });

  it.each([
    ["a float amount", { impact: 12.5 }],
    ["a non-decimal amount", { impact: "12,50" }],
    ["a bad severity", { severity: "urgent" }],
    ["a non-http dashboard link", { dashboardUrl: "javascript:alert(1)" }],
    ["an unknown field", { extra: true }],
    ["a missing tenant", { tenantId: "" }],
  ])("rejects %s with a readable error", (_label, over) => {
    const input = { ...opened(), ...over };
    expect(() => parseAlertEvent(input)).toThrow(/invalid alert event/);
  });

  it("refuses ids that were not made by the constructors", () => {
    expect(() => parseAlertEvent({ ...opened(), id: "whatever" })).toThrow(/ids come from the helper constructors/);
  });

  it("describes amounts, expected vs actual and forecast vs budget in words", () => {
    const e = opened();
    expect(formatMoney("1234567.005", "USD")).toBe("$1,234,567.00");
    expect(formatMoney("-3.5", "USD")).toBe("-$3.50");
    expect(headline(e)).toBe("Cost anomaly +$1,840.25 on aws / 123456789012 / AmazonEC2 / us-east-1 (2026-11-19)");
    expect(Object.fromEntries(figures(e))).toMatchObject({
      Expected: "$410.00",
      Actual: "$2,250.25",
      Impact: "$1,840.25",
      "Forecast vs budget": "$52,000.00 vs $45,000.00 by 2026-11-30",
    });
    expect(otherEvents().map(headline)).toEqual([
      'Budget "Platform <prod> & data" crossed 90% for 2026-11: $40,500.00 of $45,000.00',
      'Budget "Platform <prod> & data" forecast to cross 100% for 2026-11: $52,000.00 of $45,000.00',
      'Budget "Platform" forecast to be exceeded in 6 days (2026-11-26)',
      "Cost collection failing for account aws-1 since 2026-11-18 (3 failed runs)",
      'LLM budget "Assistants" crossed 75% for 2026-11: $750.00 of $1,000.00',
    ]);
  });
});
