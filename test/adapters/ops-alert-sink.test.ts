import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpsAlertSink, type OpsChannelSettings } from "#adapters/ops-alert-sink.js";
import { createAlertRules } from "#foundation/observability/alert-rules.js";
import type { Readiness } from "#foundation/selfops/health.js";
import { dependencyRules, readinessSnapshot } from "#foundation/selfops/health-rules.js";
import { type PagerDutyReceiver, startPagerDutyReceiver } from "../support/receivers/pagerduty-receiver.js";
import { type SlackReceiver, startSlackReceiver } from "../support/receivers/slack-receiver.js";

/**
 * The platform's operations channel: health's alert rules page it once when a dependency starts
 * failing, through real Slack and PagerDuty wire formats, and only at or above min_severity.
 */
describe("operations channel and health's alert rules", () => {
  let slack: SlackReceiver;
  let pd: PagerDutyReceiver;
  const routingKey = "R0UT1NGKEY0000000000000000000000";
  const failures: string[] = [];
  let settings: OpsChannelSettings;

  beforeAll(async () => {
    slack = await startSlackReceiver();
    pd = await startPagerDutyReceiver();
    settings = {
      slackEnabled: true,
      slackWebhookUrl: `${slack.baseUrl}/services/T0/B0/OPSCANARY`,
      pagerDutyEnabled: true,
      pagerDutyRoutingKey: routingKey,
      pagerDutyEventsUrl: pd.url,
      minSeverity: "warning",
    };
  });
  afterAll(async () => {
    await slack.close();
    await pd.close();
  });

  const readiness = (documents: "ok" | "fail"): Readiness => ({
    status: documents === "ok" ? "ok" : "degraded",
    checks: { documents: { status: documents, latencyMs: 3 }, warehouse: { status: "ok", latencyMs: 2 } },
  });

  it("pages once when a dependency starts failing, and again only after it recovered", async () => {
    const sink = createOpsAlertSink({ settings: async () => settings, onFailure: (c, r) => failures.push(`${c}: ${r}`) });
    const rules = createAlertRules(dependencyRules(["documents", "warehouse"]), sink);

    await rules.evaluate(readinessSnapshot(readiness("fail")));
    await rules.evaluate(readinessSnapshot(readiness("fail")));
    await rules.evaluate(readinessSnapshot(readiness("ok")));
    await rules.evaluate(readinessSnapshot(readiness("fail")));

    expect(slack.messages).toHaveLength(2);
    expect(slack.messages[0]?.payload.text).toMatch(/critical.*documents failing/);
    expect(pd.events.map((e) => [e.event_action, e.dedup_key, e.payload?.severity])).toEqual([
      ["trigger", "costmon-platform-documents failing", "critical"],
      ["trigger", "costmon-platform-documents failing", "critical"],
    ]);
    expect(failures).toEqual([]);
  });

  it("sends nothing below min_severity, or to a disabled channel", async () => {
    const before = [slack.messages.length, pd.events.length];
    const sink = createOpsAlertSink({ settings: async () => ({ ...settings, pagerDutyEnabled: false }) });
    await sink.send({ rule: "slow", severity: "info", summary: "p99 above 2 s", value: 2.4 });
    expect([slack.messages.length, pd.events.length]).toEqual(before);
    await sink.send({ rule: "slow", severity: "warning", summary: "p99 above 2 s", value: 2.4 });
    expect([slack.messages.length, pd.events.length]).toEqual([before[0]! + 1, before[1]]);
  });

  it("reports a failed send without the webhook URL or routing key in the reason", async () => {
    slack.setBehaviour("/services/T0/B0/OPSCANARY", "channel_not_found");
    const reasons: string[] = [];
    const sink = createOpsAlertSink({ settings: async () => ({ ...settings, pagerDutyEventsUrl: `${pd.url}/missing` }), onFailure: (_c, r) => reasons.push(r) });
    await sink.send({ rule: "documents failing", severity: "critical", summary: "down", value: 1 });
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.join(" ")).not.toContain("OPSCANARY");
    expect(reasons.join(" ")).not.toContain(routingKey);
  });
});
