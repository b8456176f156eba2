import { describe, expect, it } from "vitest";
import { budgetThresholdCrossed } from "#domain/alerts/alert-event.js";
import { alertMessages, MAX_EVENTS_PER_MESSAGE } from "#domain/nightly/analyze/alert-messages.js";
import { AlertsMessage } from "#domain/nightly/messages.js";

const event = (i: number) =>
  budgetThresholdCrossed({
    tenantId: "t1",
    budgetId: `b${i}`,
    budgetName: "B",
    periodKey: "2026-11",
    dashboardUrl: "https://costs.example.com/tenants/t1/budgets/b",
    occurredAt: "2026-11-20T04:00:00.000Z",
    severity: "low",
    impact: "0",
    thresholdPct: 50,
    basis: "actual",
    spent: "50",
    budget: "100",
    forecast: { projected: "90", budget: "100", periodEnd: "2026-11-30" },
  });

describe("alertMessages", () => {
  it("sends nothing without events and one message up to the limit", () => {
    const few = [event(1), event(2)];
    expect(alertMessages("t1", "2026-11-20", [])).toEqual([]);
    expect(alertMessages("t1", "2026-11-20", few)).toEqual([{ tenantId: "t1", runDate: "2026-11-20", events: few }]);
  });

  it("splits a larger run into messages the alerts schema accepts, keeping the order", () => {
    const events = Array.from({ length: MAX_EVENTS_PER_MESSAGE + 3 }, (_, i) => event(i));
    const messages = alertMessages("t1", "2026-11-20", events);
    expect(messages.map((m) => m.events.length)).toEqual([MAX_EVENTS_PER_MESSAGE, 3]);
    expect(messages.flatMap((m) => m.events)).toEqual(events);
    for (const m of messages) expect(AlertsMessage.safeParse(m).success).toBe(true);
  });
});
