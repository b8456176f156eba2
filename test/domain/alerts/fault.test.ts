import { describe, expect, it } from "vitest";
import { runAlertFaultScenario } from "../../support/receivers/alert-fault-run.js";

// The full figure is bench/alerts/fault.ts; this is the same run, smaller.
describe("alert delivery under 30% transient receiver faults", () => {
  it.each(["before", "mixed"] as const)(
    "delivers every alert exactly once and loses none (PagerDuty faults %s processing)",
    async (mode) => {
      // Prepare / Act
      const r = await runAlertFaultScenario({
        tenants: 2,
        anomaliesPerTenant: 12,
        resolveEvery: 3,
        budgetsPerTenant: 3,
        faultRate: 0.3,
        seed: 7,
        pagerDutyFaultMode: mode,
      });
      // Assess
      expect(r.faultsInjected.slack).toBeGreaterThan(0);
      expect(r.faultsInjected.pagerduty).toBeGreaterThan(0);
      expect(r.lost).toBe(0);
      expect(r.duplicates).toBe(0);
      expect(r.stillQueued).toBe(0);
      expect(r.deadLettered).toBe(0);
      expect(r.delivered).toEqual({
        pagerdutyAlerts: r.expected.pagerdutyTriggers,
        pagerdutyResolvedAlerts: r.expected.pagerdutyResolves,
        slackMessagesUnique: r.expected.slackMessages,
        slackResolutionsUnique: r.expected.slackResolutions,
      });
      expect(r.expected).toEqual({ pagerdutyTriggers: 12, pagerdutyResolves: 4, slackMessages: 30, slackResolutions: 8 });
      if (mode === "mixed") expect(r.faultsInjected.pagerdutyLostResponses).toBeGreaterThan(0);
    },
  );
});
