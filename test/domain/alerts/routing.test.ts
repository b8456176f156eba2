import { describe, expect, it } from "vitest";
import { parseChannelConfig } from "#domain/alerts/channel-config.js";
import { inQuietHours, isDeferredByQuietHours, routes } from "#domain/alerts/routing.js";
import { budgetEvent, opened } from "./fixtures.js";

const channel = (over: Record<string, unknown> = {}) =>
  parseChannelConfig({ id: "c1", tenantId: "acme", kind: "slack", secretRef: "alerts/acme/slack", ...over });

describe("routing rules", () => {
  it.each([
    ["no rules: everything", [], true],
    ["min severity high, event high", [{ minSeverity: "high" }], true],
    ["min severity critical, event high", [{ minSeverity: "critical" }], false],
    ["min impact below the event", [{ minImpact: { USD: "1840.25" } }], true],
    ["min impact above the event", [{ minImpact: { USD: "1840.26" } }], false],
    ["min impact in another currency only: never compared", [{ minImpact: { EUR: "1" } }], false],
    ["legacy minImpactUsd reads as USD", [{ minImpactUsd: "1840.25" }], true],
    ["legacy minImpactUsd above the event", [{ minImpactUsd: "1840.26" }], false],
    ["provider matches, any case", [{ providers: ["AWS"] }], true],
    ["provider differs", [{ providers: ["gcp"] }], false],
    ["event type listed", [{ eventTypes: ["anomaly.opened"] }], true],
    ["event type not listed", [{ eventTypes: ["budget.threshold_crossed"] }], false],
    ["all conditions of one rule must hold", [{ minSeverity: "high", providers: ["gcp"] }], false],
    ["any rule may match", [{ providers: ["gcp"] }, { minImpact: { USD: "1000" } }], true],
  ])("%s", (_label, rules, expected) => {
    expect(routes(channel({ rules }), opened())).toBe(expected);
  });

  it("compares an EUR event with the rule's EUR minimum only", () => {
    const rules = [{ minImpact: { USD: "5000", EUR: "1000" } }];
    expect(routes(channel({ rules }), opened({ currency: "EUR", impact: "1840.25" }))).toBe(true);
    expect(routes(channel({ rules }), opened({ currency: "USD", impact: "1840.25" }))).toBe(false);
  });

  it("never routes to a disabled channel", () => {
    expect(routes(channel({ enabled: false }), opened())).toBe(false);
  });

  it("does not match a provider rule for an event without a provider", () => {
    expect(routes(channel({ rules: [{ providers: ["aws"] }] }), budgetEvent())).toBe(false);
  });

  it.each([
    ["a slack channel without a secret ref", { secretRef: undefined }, /secretRef/],
    ["a bad time zone", { quietHours: { start: "22:00", end: "07:00", timezone: "Mars/Olympus" } }, /IANA/],
    ["a bad time", { quietHours: { start: "24:00", end: "07:00", timezone: "UTC" } }, /HH:MM/],
    ["a float min impact", { rules: [{ minImpact: { USD: 10 } }] }, /minImpact/],
    ["a legacy float min impact", { rules: [{ minImpactUsd: 10 }] }, /minImpact/],
    ["a min impact keyed by something not a currency code", { rules: [{ minImpact: { dollars: "10" } }] }, /minImpact/],
  ])("rejects %s", (_label, over, message) => {
    expect(() => channel(over)).toThrow(message);
  });
});

describe("quiet hours", () => {
  const q = (start: string, end: string, timezone: string) => ({ start, end, timezone, bypassSeverities: ["critical" as const] });

  it.each([
    // Europe/Paris is UTC+1 in November: 21:30Z is 22:30 local.
    ["2026-11-20T21:30:00Z", "22:00", "07:00", "Europe/Paris", true],
    ["2026-11-20T20:30:00Z", "22:00", "07:00", "Europe/Paris", false],
    ["2026-11-21T05:59:00Z", "22:00", "07:00", "Europe/Paris", true],
    ["2026-11-21T06:00:00Z", "22:00", "07:00", "Europe/Paris", false],
    // America/New_York is UTC-5 in November: 17:00Z is 12:00 local.
    ["2026-11-20T17:00:00Z", "12:00", "13:00", "America/New_York", true],
    ["2026-11-20T18:00:00Z", "12:00", "13:00", "America/New_York", false],
    ["2026-11-20T18:00:00Z", "09:00", "09:00", "UTC", false],
  ])("at %s, %s-%s in %s: quiet=%s", (now, start, end, tz, expected) => {
    expect(inQuietHours(q(start, end, tz), new Date(now))).toBe(expected);
  });

  it("lets bypass severities through and defers the rest", () => {
    const c = channel({ quietHours: { start: "22:00", end: "07:00", timezone: "UTC" } });
    const night = new Date("2026-11-20T23:00:00Z");
    expect(isDeferredByQuietHours(c, opened({ severity: "high" }), night)).toBe(true);
    expect(isDeferredByQuietHours(c, opened({ severity: "critical" }), night)).toBe(false);
    expect(isDeferredByQuietHours(c, opened({ severity: "high" }), new Date("2026-11-20T12:00:00Z"))).toBe(false);
  });
});
