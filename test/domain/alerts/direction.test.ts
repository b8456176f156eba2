import { describe, expect, it } from "vitest";
import { anomalyOpened, directionOf } from "#domain/alerts/alert-event.js";
import { parseChannelConfig } from "#domain/alerts/channel-config.js";
import { consoleAlertLine } from "#adapters/local/console-channel.js";
import { headline } from "#domain/alerts/describe.js";
import { createAlertDispatcher } from "#domain/alerts/dispatcher.js";
import { routes } from "#domain/alerts/routing.js";
import { anomalyUpdates } from "#domain/nightly/analyze/anomaly-updates.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { anomalyInput, budgetEvent, captureLog, fixedClock, opened, recordingChannel } from "./fixtures.js";

/** A $108 drop, as the demo's DynamoDB anomaly: actual below expected. */
const drop = () => opened({ anomalyId: "an-drop", direction: "decrease", expected: "150.00", actual: "42.20", impact: "107.80" });
const rise = () => opened({ direction: "increase" });

const channel = (kind: "slack" | "pagerduty", rules: unknown[] = []) =>
  parseChannelConfig({ id: `c-${kind}`, tenantId: "acme", kind, secretRef: `alerts/acme/${kind}`, rules });

describe("anomaly direction on alert events", () => {
  it("is carried by the event, and read from actual against expected for an event without it", () => {
    expect(drop().direction).toBe("decrease");
    expect(directionOf(drop())).toBe("decrease");
    const legacy = anomalyOpened(anomalyInput({ expected: "500", actual: "120" }));
    expect(legacy.direction).toBeUndefined();
    expect(directionOf(legacy)).toBe("decrease");
    expect(directionOf(opened())).toBe("increase");
    expect(directionOf(budgetEvent())).toBeUndefined();
  });

  it("refuses a direction that is neither increase nor decrease", () => {
    expect(() => opened({ direction: "sideways" as "increase" })).toThrow(/direction/);
  });
});

describe("routing on direction", () => {
  it.each([
    ["a rule for increases, an increase", [{ directions: ["increase"] }], rise, true],
    ["a rule for increases, a decrease", [{ directions: ["increase"] }], drop, false],
    ["a rule for decreases, a decrease", [{ directions: ["decrease"] }], drop, true],
    ["a direction rule, a budget event without direction", [{ directions: ["increase"] }], () => budgetEvent(), true],
    ["no rules, a decrease", [], drop, true],
  ])("slack: %s", (_label, rules, event, expected) => {
    expect(routes(channel("slack", rules), event())).toBe(expected);
  });

  it.each([
    ["no rules: increases page", [], rise, true],
    ["no rules: decreases do not page", [], drop, false],
    ["a severity rule the drop passes: still no page", [{ minSeverity: "low" }], drop, false],
    ["a rule that names decrease: the drop pages", [{ directions: ["decrease"] }], drop, true],
    ["budget events are not affected", [], () => budgetEvent(), true],
  ])("pagerduty: %s", (_label, rules, event, expected) => {
    expect(routes(channel("pagerduty", rules), event())).toBe(expected);
  });

  it("rejects an unknown direction in a rule", () => {
    expect(() => channel("slack", [{ directions: ["down"] }])).toThrow(/directions/);
  });

  it("sends a drop to Slack and its daily digest, not to PagerDuty", async () => {
    const store = new MemoryDocumentStore();
    await store.set("tenants/acme/alert_channels/slack-main", { kind: "slack", secretRef: "alerts/acme/slack", digest: { daily: true } });
    await store.set("tenants/acme/alert_channels/pd-oncall", { kind: "pagerduty", secretRef: "alerts/acme/pd" });
    const slack = recordingChannel("slack");
    const pagerduty = recordingChannel("pagerduty");
    const clock = fixedClock("2026-11-20T12:00:00Z");
    const dispatcher = createAlertDispatcher({
      store,
      secrets: new MemorySecretStore({ "alerts/acme/slack": "https://hooks.slack.com/services/T0/B0/x", "alerts/acme/pd": "pdkey000000000000000000000000000" }),
      channels: { slack, pagerduty },
      clock,
      log: captureLog(),
    });
    const report = await dispatcher.dispatch([drop(), rise()]);
    expect(pagerduty.sent.map((s) => s.message.kind === "alert" && s.message.event.id)).toEqual([rise().id]);
    expect(report.byChannel.pagerduty).toMatchObject({ sent: 1, filtered: 1 });
    expect(slack.sent).toHaveLength(2);
    clock.set("2026-11-21T08:00:00Z");
    await dispatcher.sendDigest("acme", "daily");
    const digest = slack.sent.find((s) => s.message.kind === "digest")?.message;
    expect(digest?.kind === "digest" && digest.digest.items.map((i) => i.eventId)).toContain(drop().id);
  });
});

describe("anomaly events from the nightly analysis", () => {
  it("carry the window's first day and the direction of the run", () => {
    const ctx = { tenantId: "t1", asOf: "2026-11-19", dashboardUrl: "https://costs.example.com", now: new Date("2026-11-20T04:00:00Z") };
    const run = {
      seriesKey: "aws|888899990000|Amazon DynamoDB",
      start: "2026-11-16",
      end: "2026-11-19",
      direction: "decrease" as const,
      expected: "152.00",
      actual: "44.20",
      impact: "-107.80",
      currency: "USD",
      score: 6,
      severity: "high" as const,
      rootCauses: [],
    };
    const [event] = anomalyUpdates(ctx, [run], []).events;
    expect(event).toMatchObject({ type: "anomaly.opened", start: "2026-11-16", date: "2026-11-19", direction: "decrease" });
    expect(event && headline(event)).toContain("(2026-11-16..2026-11-19)");
  });
});

describe("anomaly headlines", () => {
  it("show the whole window of a multi-day anomaly", () => {
    const e = opened({ start: "2026-11-13", date: "2026-11-17" });
    expect(headline(e)).toContain("(2026-11-13..2026-11-17)");
    expect(consoleAlertLine({ kind: "alert", transition: "trigger", event: e })).toContain("(2026-11-13..2026-11-17)");
  });

  it("show the day alone for a one-day anomaly", () => {
    expect(headline(opened({ start: "2026-11-19", date: "2026-11-19" }))).toMatch(/\(2026-11-19\)$/);
    expect(headline(opened())).toMatch(/\(2026-11-19\)$/);
  });
});
