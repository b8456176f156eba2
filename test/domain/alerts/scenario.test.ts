import { describe, expect, it } from "vitest";
import { createPagerDutyChannel } from "#adapters/pagerduty/pagerduty-channel.js";
import { createSlackWebhookChannel } from "#adapters/slack/slack-webhook-channel.js";
import { anomalyUpdated } from "#domain/alerts/alert-event.js";
import { createAlertDispatcher } from "#domain/alerts/dispatcher.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { alertReceivers } from "../../support/receivers/alert-receivers.js";
import { closedPort } from "../../support/receivers/http-receiver.js";
import { anomalyInput, captureLog, fixedClock, opened, resolved } from "./fixtures.js";

const SLACK_CANARY = "canary-slack-webhook-7f3a9";
const PD_CANARY = "canarypdkey7f3a90000000000000000";

describe("alert scenario against local Slack and PagerDuty receivers", () => {
  const receivers = alertReceivers();

  async function setup(extraChannels: Record<string, Record<string, unknown>> = {}, extraSecrets: Record<string, string> = {}) {
    const store = new MemoryDocumentStore();
    const secrets = new MemorySecretStore({
      "alerts/acme/slack": `${receivers.slack.baseUrl}/services/T0ACME/B0ACME/${SLACK_CANARY}`,
      "alerts/acme/pd": PD_CANARY,
      ...extraSecrets,
    });
    await store.set("tenants/acme/alert_channels/slack", { kind: "slack", secretRef: "alerts/acme/slack" });
    await store.set("tenants/acme/alert_channels/pd", { kind: "pagerduty", secretRef: "alerts/acme/pd", rules: [{ minSeverity: "high" }] });
    for (const [id, c] of Object.entries(extraChannels)) await store.set(`tenants/acme/alert_channels/${id}`, c);
    const clock = fixedClock("2026-11-20T06:00:00Z");
    const log = captureLog();
    const dispatcher = createAlertDispatcher({
      store,
      secrets,
      clock,
      log,
      maxAttempts: 2,
      retryBaseMs: 1000,
      channels: {
        slack: createSlackWebhookChannel({ retries: 1, initialDelayMs: 1, maxDelayMs: 2 }),
        pagerduty: createPagerDutyChannel({ url: receivers.pd.url, retries: 1, initialDelayMs: 1, maxDelayMs: 2 }),
      },
    });
    return { store, dispatcher, clock, log };
  }

  it("the same anomaly sent 5 times with a resolve in between: one trigger and one resolve at PagerDuty, one Slack message and one resolution", async () => {
    // Prepare
    const { dispatcher, clock } = await setup();
    const id = opened().id;
    // Act: three nightly runs see the anomaly, it resolves, two more runs still report it, the resolve repeats.
    await dispatcher.dispatch([opened()]);
    clock.advance(86_400_000);
    await dispatcher.dispatch([anomalyUpdated(anomalyInput({ impact: "1900" }))]);
    await dispatcher.dispatch([opened()]);
    await dispatcher.dispatch([resolved()]);
    await dispatcher.dispatch([opened(), opened()]);
    await dispatcher.dispatch([resolved()]);
    await dispatcher.retryPending();
    // Assess
    expect(receivers.pd.events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ["trigger", id],
      ["resolve", id],
    ]);
    expect(receivers.pd.alerts.get(id)).toBe("resolved");
    expect(receivers.slack.messages).toHaveLength(2);
    expect(receivers.slack.messages[0]?.payload.text).toContain("Cost anomaly +$1,840.25");
    expect(receivers.slack.messages[1]?.payload.text).toContain(":white_check_mark: Resolved: cost anomaly");
    expect(receivers.pd.rejected).toEqual([]);
    expect(receivers.slack.rejected).toEqual([]);
  });

  it("logs a PagerDuty 400 clearly, dead-letters it, and never logs a webhook URL or routing key", async () => {
    // Prepare: a second Slack channel whose webhook Slack has archived, one whose host is down,
    // and a PagerDuty receiver that throttles the first send past the retries.
    const { dispatcher, log, clock, store } = await setup(
      {
        archived: { kind: "slack", secretRef: "alerts/acme/archived" },
        down: { kind: "slack", secretRef: "alerts/acme/down" },
      },
      {
        "alerts/acme/archived": `${receivers.slack.baseUrl}/services/T0ACME/B0OLD/${SLACK_CANARY}-archived`,
        "alerts/acme/down": `http://127.0.0.1:${await closedPort()}/services/T0ACME/B0DOWN/${SLACK_CANARY}-down`,
      },
    );
    receivers.slack.setBehaviour(`/services/T0ACME/B0OLD/${SLACK_CANARY}-archived`, "channel_is_archived");
    receivers.pd.failNext(2, 429);
    // Act
    await dispatcher.dispatch([opened()]);
    clock.advance(5000);
    await dispatcher.retryPending();
    // A PagerDuty 400: the receiver refuses an acknowledge that lost its dedup_key.
    const broken = createPagerDutyChannel({
      url: receivers.pd.url,
      fetch: (url, init) => fetch(url, { ...init, body: JSON.stringify({ ...JSON.parse(String(init?.body)), dedup_key: undefined }) }),
    });
    const d2 = createAlertDispatcher({ store, secrets: new MemorySecretStore({ "alerts/acme/pd": PD_CANARY }), clock, log, channels: { pagerduty: broken } });
    await d2.dispatch([{ ...resolved(), type: "anomaly.acknowledged", acknowledgedBy: "ops@acme" }]);
    // Assess
    const text = log.text();
    const stored = JSON.stringify((await store.list("alert_deliveries")).docs) + JSON.stringify((await store.list("alert_dead_letters")).docs);
    for (const canary of [SLACK_CANARY, PD_CANARY, "T0ACME/B0"]) {
      expect(text).not.toContain(canary);
      expect(stored).not.toContain(canary);
    }
    const dead = log.lines.filter((l) => l.message === "alert delivery dead-lettered").map((l) => [l.fields?.channelId, l.fields?.reason]);
    expect(dead).toEqual(
      expect.arrayContaining([
        ["archived", "Slack 410 channel_is_archived"],
        ["down", "gave up after 2 attempts: network error: ECONNREFUSED"],
        ["pd", "PagerDuty 400: invalid event: Event object is invalid: errors: /dedup_key is required for acknowledge and resolve"],
      ]),
    );
    expect(receivers.pd.events.map((e) => e.event_action)).toEqual(["trigger"]);
  });
});
