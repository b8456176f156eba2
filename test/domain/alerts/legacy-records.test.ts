import { describe, expect, it } from "vitest";
import type { ChannelMessage } from "#domain/alerts/channel-port.js";
import type { DeliveryRecord } from "#domain/alerts/delivery-record.js";
import { createAlertDispatcher } from "#domain/alerts/dispatcher.js";
import { AlertsMessage } from "#domain/nightly/messages.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { captureLog, fixedClock, opened, recordingChannel } from "./fixtures.js";

// Records and messages written before amounts carried their currency (`impactUsd`, `expectedUsd`,
// `contributionUsd`, a digest's `totalImpactUsd`) are still in queues and outboxes after an
// upgrade. These tests store them in that shape, as the previous release wrote them, and check
// that the new release reads and delivers them in USD instead of setting them aside as unreadable.

/** The event as the previous release stored it inside a channel message. */
function legacyEvent() {
  const { impact, expected, actual, rootCauses, currency: _currency, ...rest } = opened();
  return {
    ...rest,
    impactUsd: impact,
    expectedUsd: expected,
    actualUsd: actual,
    rootCauses: rootCauses.map(({ contribution, ...c }) => ({ ...c, contributionUsd: contribution })),
  };
}

async function setup() {
  const store = new MemoryDocumentStore();
  const secrets = new MemorySecretStore({ "alerts/acme/slack": "https://hooks.slack.com/services/T0/B0/legacy" });
  await store.set("tenants/acme/alert_channels/slack-main", { kind: "slack", secretRef: "alerts/acme/slack", digest: { daily: true } });
  const slack = recordingChannel("slack");
  const clock = fixedClock("2026-11-20T12:00:00Z");
  const log = captureLog();
  const dispatcher = createAlertDispatcher({ store, secrets, channels: { slack }, clock, log, retryBaseMs: 1000 });
  return { store, slack, clock, log, dispatcher };
}

/** Puts a pending record with `message` in the outbox, due now. */
async function storePending(store: MemoryDocumentStore, id: string, eventId: string, transition: string, message: unknown, at: string) {
  await store.set(`alert_deliveries/${id}`, {
    id,
    tenantId: "acme",
    channelId: "slack-main",
    channelKind: "slack",
    eventId,
    transition,
    message,
    status: "pending",
    attempts: 1,
    createdAt: at,
    updatedAt: at,
    nextAttemptAt: at,
    leaseUntil: null,
    lastError: "Slack 503",
    lastHttpStatus: 503,
    sentAt: null,
  });
}

describe("alert records written before amounts carried a currency", () => {
  it("delivers a pending alert whose event still has impactUsd, in USD, with nothing logged unreadable", async () => {
    const { store, slack, log, dispatcher } = await setup();
    const event = legacyEvent();
    await storePending(store, "dlv-legacy-alert", event.id, "trigger", { kind: "alert", transition: "trigger", event }, "2026-11-20T11:00:00.000Z");

    const report = await dispatcher.retryPending();

    expect(report.byChannel.slack?.sent).toBe(1);
    const sent = slack.sent[0]?.message as ChannelMessage | undefined;
    if (sent?.kind !== "alert") throw new Error("expected the alert to be sent");
    expect(sent.event).toMatchObject({ impact: event.impactUsd, currency: "USD" });
    expect(log.text()).not.toContain("unreadable");
    const stored = (await store.get<DeliveryRecord>("alert_deliveries/dlv-legacy-alert"))?.status;
    expect(stored).toBe("sent");
  });

  it("delivers a pending digest whose items still have impactUsd, its total as one USD figure", async () => {
    const { store, slack, log, dispatcher } = await setup();
    const digest = {
      tenantId: "acme",
      period: "daily",
      from: "2026-11-19T12:00:00.000Z",
      to: "2026-11-20T12:00:00.000Z",
      totalImpactUsd: "2984.08",
      totalCount: 1,
      deferredCount: 0,
      items: [
        {
          eventId: "anomaly-1",
          type: "anomaly.opened",
          severity: "high",
          headline: "Cost anomaly on aws / 444455556666 / Amazon Elastic Compute Cloud",
          impactUsd: "2984.08",
          occurredAt: "2026-11-20T04:58:02.410Z",
          dashboardUrl: "https://app.example.com/anomalies/a1",
          deferred: false,
          resolved: false,
        },
      ],
      omittedCount: 0,
    };
    await storePending(store, "dlv-legacy-digest", "digest-acme-daily", "digest", { kind: "digest", digest }, "2026-11-20T11:00:00.000Z");

    expect((await dispatcher.retryPending()).byChannel.slack?.sent).toBe(1);
    const sent = slack.sent[0]?.message as ChannelMessage | undefined;
    if (sent?.kind !== "digest") throw new Error("expected the digest to be sent");
    expect(sent.digest.totalImpact).toEqual([{ currency: "USD", impact: "2984.08" }]);
    expect(sent.digest.items[0]).toMatchObject({ impact: "2984.08", currency: "USD" });
    expect(log.text()).not.toContain("unreadable");
  });

  it("reads an alerts message queued on the bus with a legacy event", () => {
    const event = legacyEvent();
    const parsed = AlertsMessage.parse({ tenantId: event.tenantId, runDate: "2026-11-20", events: [event] });
    expect(parsed.events[0]).toMatchObject({ impact: event.impactUsd, expected: event.expectedUsd, currency: "USD" });
  });

  it("still refuses a record that is malformed for another reason, and says so", async () => {
    const { store, slack, log, dispatcher } = await setup();
    const event = { ...legacyEvent(), impactUsd: "not money" };
    await storePending(store, "dlv-broken", event.id, "trigger", { kind: "alert", transition: "trigger", event }, "2026-11-20T11:00:00.000Z");
    await dispatcher.retryPending();
    expect(slack.sent).toHaveLength(0);
    expect(log.text()).toContain("alert delivery record unreadable");
  });
});
