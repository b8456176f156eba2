import { describe, expect, it } from "vitest";
import type { AlertChannelConfigInput } from "#domain/alerts/channel-config.js";
import type { SendResult } from "#domain/alerts/channel-port.js";
import type { DeadLetter, DeliveryRecord } from "#domain/alerts/delivery-record.js";
import { type AlertDispatcherDeps, createAlertDispatcher } from "#domain/alerts/dispatcher.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { type AlertEvent, anomalyUpdated } from "#domain/alerts/alert-event.js";
import { anomalyInput, budgetEvent, captureLog, fixedClock, opened, otherEvents, recordingChannel, resolved } from "./fixtures.js";

const SLACK_URL = "https://hooks.slack.com/services/T0/B0/canary-slack-secret";
const PD_KEY = "canarypdroutingkey0000000000000";

async function setup(opts: { channels?: AlertChannelConfigInput[]; slack?: SendResult[]; pd?: SendResult[]; deps?: Partial<AlertDispatcherDeps> } = {}) {
  const store = new MemoryDocumentStore();
  const secrets = new MemorySecretStore({ "alerts/acme/slack": SLACK_URL, "alerts/acme/pd": PD_KEY });
  const configs = opts.channels ?? [
    { id: "slack-main", tenantId: "acme", kind: "slack", secretRef: "alerts/acme/slack", digest: { daily: true } },
    { id: "pd-oncall", tenantId: "acme", kind: "pagerduty", secretRef: "alerts/acme/pd", rules: [{ minSeverity: "high" }] },
  ];
  for (const c of configs) {
    const { id, tenantId, ...rest } = c;
    await store.set(`tenants/${tenantId}/alert_channels/${id}`, rest);
  }
  const slack = recordingChannel("slack", opts.slack);
  const pagerduty = recordingChannel("pagerduty", opts.pd);
  const clock = fixedClock("2026-11-20T12:00:00Z");
  const log = captureLog();
  const deadLetters: DeadLetter[] = [];
  const dispatcher = createAlertDispatcher({
    store,
    secrets,
    channels: { slack, pagerduty },
    clock,
    log,
    retryBaseMs: 1000,
    onDeadLetter: (d) => {
      deadLetters.push(d);
    },
    ...opts.deps,
  });
  const deliveries = async () => (await store.list<DeliveryRecord>("alert_deliveries")).docs.map((d) => d.data);
  return { store, slack, pagerduty, clock, log, dispatcher, deadLetters, deliveries };
}

const transient: SendResult = { ok: false, retryable: true, status: 503, reason: "PagerDuty 503: error" };

describe("alert dispatcher", () => {
  it("routes by rule: high anomaly to Slack and PagerDuty, a medium budget alert to Slack only", async () => {
    // Prepare
    const { dispatcher, slack, pagerduty } = await setup();
    // Act
    const report = await dispatcher.dispatch([opened(), budgetEvent()]);
    // Assess
    expect(slack.sent.map((s) => s.message.kind === "alert" && s.message.event.type)).toEqual(["anomaly.opened", "budget.threshold_crossed"]);
    expect(pagerduty.sent).toHaveLength(1);
    expect(pagerduty.sent[0]?.ctx.secret).toBe(PD_KEY);
    expect(report.byChannel.slack?.sent).toBe(2);
    expect(report.byChannel.pagerduty).toMatchObject({ sent: 1, filtered: 1 });
  });

  it("sends the same anomaly once per channel however often it is dispatched, and records each send", async () => {
    const { dispatcher, slack, pagerduty, deliveries } = await setup();
    const first = await dispatcher.dispatch([opened()]);
    const again = await dispatcher.dispatch([opened(), opened({ impact: "1900" }), opened()]);
    expect(first.total.sent).toBe(2);
    expect(again.total).toMatchObject({ sent: 0, skippedDuplicate: 6 });
    expect(slack.sent).toHaveLength(1);
    expect(pagerduty.sent).toHaveLength(1);
    const recs = await deliveries();
    expect(recs.map((r) => [r.channelKind, r.transition, r.status, r.attempts]).sort()).toEqual([
      ["pagerduty", "trigger", "sent", 1],
      ["slack", "trigger", "sent", 1],
    ]);
  });

  it("alerts a budget threshold once per period, and again in the next period", async () => {
    const { dispatcher, slack } = await setup();
    await dispatcher.dispatch([budgetEvent(), budgetEvent({ spent: "41000" })]);
    await dispatcher.dispatch([budgetEvent({ periodKey: "2026-12" })]);
    expect(slack.sent).toHaveLength(2);
  });

  it("resolves only where the trigger went, and never before the trigger is delivered", async () => {
    const { dispatcher, slack, pagerduty, clock } = await setup({ pd: [transient] });
    // The trigger to PagerDuty fails once, so the resolve must wait for it.
    const r1 = await dispatcher.dispatch([opened(), resolved()]);
    expect(r1.byChannel.pagerduty).toMatchObject({ failed: 1, waiting: 1 });
    expect(r1.byChannel.slack).toMatchObject({ sent: 2 });
    clock.advance(1000);
    const r2 = await dispatcher.dispatch([]);
    expect(r2.total.sent).toBe(0);
    const r3 = await dispatcher.retryPending();
    expect(r3.byChannel.pagerduty).toMatchObject({ sent: 2 });
    expect(pagerduty.sent.map((s) => s.message.kind === "alert" && s.message.transition)).toEqual(["trigger", "trigger", "resolve"]);
    expect(slack.sent.map((s) => s.message.kind === "alert" && s.message.transition)).toEqual(["trigger", "resolve"]);
  });

  it("does not resolve on a channel that never got the trigger", async () => {
    const { dispatcher, pagerduty } = await setup();
    const report = await dispatcher.dispatch([resolved()]);
    expect(pagerduty.sent).toHaveLength(0);
    expect(report.byChannel.pagerduty?.filtered).toBe(1);
  });

  it("retries transient failures from the queue with backoff, and only when due", async () => {
    const { dispatcher, pagerduty, clock, deliveries } = await setup({ pd: [transient, transient] });
    await dispatcher.dispatch([opened()]);
    expect((await dispatcher.retryPending()).total.sent).toBe(0); // not due yet
    clock.advance(1000);
    expect((await dispatcher.retryPending()).byChannel.pagerduty?.failed).toBe(1);
    clock.advance(1999); // second delay is 2 s
    expect((await dispatcher.retryPending()).total.sent).toBe(0);
    clock.advance(1);
    expect((await dispatcher.retryPending()).byChannel.pagerduty?.sent).toBe(1);
    expect(pagerduty.sent).toHaveLength(3);
    const pd = (await deliveries()).find((r) => r.channelKind === "pagerduty");
    expect(pd).toMatchObject({ status: "sent", attempts: 3, lastError: null });
  });

  it("dead-letters after N attempts, records a health warning and calls the hook", async () => {
    const { dispatcher, clock, store, deadLetters, log } = await setup({
      pd: Array(10).fill(transient),
      deps: { maxAttempts: 3 },
    });
    await dispatcher.dispatch([opened()]);
    const reports = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(3_600_000);
      reports.push(await dispatcher.retryPending());
    }
    expect(reports.map((r) => r.byChannel.pagerduty?.deadLettered ?? 0)).toEqual([0, 1, 0, 0, 0]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ channelKind: "pagerduty", attempts: 3, transition: "trigger" });
    expect(deadLetters[0]?.reason).toContain("gave up after 3 attempts");
    const health = await store.list("platform_health_warnings");
    expect(health.docs).toHaveLength(1);
    expect((await store.list("alert_dead_letters")).docs).toHaveLength(1);
    expect(log.lines.some((l) => l.level === "error" && l.message === "alert delivery dead-lettered")).toBe(true);
  });

  it("dead-letters a permanent error at once, without retrying", async () => {
    const { dispatcher, pagerduty, clock, deadLetters } = await setup({
      pd: [{ ok: false, retryable: false, status: 400, reason: "PagerDuty 400: invalid event: Event object is invalid" }],
    });
    const report = await dispatcher.dispatch([opened()]);
    clock.advance(3_600_000);
    await dispatcher.retryPending();
    expect(report.byChannel.pagerduty?.deadLettered).toBe(1);
    expect(pagerduty.sent).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ httpStatus: 400, reason: "PagerDuty 400: invalid event: Event object is invalid" });
  });

  it("defers to the digest during quiet hours, lets critical through, and digests once", async () => {
    const { dispatcher, slack, clock, deliveries } = await setup({
      channels: [
        {
          id: "slack-main",
          tenantId: "acme",
          kind: "slack",
          secretRef: "alerts/acme/slack",
          quietHours: { start: "22:00", end: "07:00", timezone: "Europe/Paris" },
          digest: { daily: true },
        },
      ],
    });
    clock.set("2026-11-20T23:00:00Z"); // midnight in Paris
    const night = await dispatcher.dispatch([opened(), opened({ anomalyId: "an-9", severity: "critical" })]);
    expect(night.byChannel.slack).toMatchObject({ deferred: 1, sent: 1 });
    expect(slack.sent).toHaveLength(1);
    clock.set("2026-11-21T07:00:00Z");
    const digest = await dispatcher.sendDigest("acme", "daily");
    const again = await dispatcher.sendDigest("acme", "daily");
    expect(digest.byChannel.slack?.sent).toBe(1);
    expect(again.byChannel.slack?.skippedDuplicate).toBe(1);
    const msg = slack.sent[1]?.message;
    expect(msg?.kind).toBe("digest");
    if (msg?.kind !== "digest") throw new Error("expected a digest");
    expect(msg.digest).toMatchObject({ totalCount: 2, deferredCount: 1, totalImpact: [{ currency: "USD", impact: "3680.5" }] });
    expect((await deliveries()).filter((r) => r.status === "deferred")).toHaveLength(0);
    expect((await deliveries()).filter((r) => r.status === "digested")).toHaveLength(1);
  });

  it("rejects invalid events loudly and counts tenants without channels", async () => {
    const { dispatcher, log } = await setup();
    const report = await dispatcher.dispatch([{ type: "anomaly.opened", tenantId: "acme" } as unknown as AlertEvent, opened({ tenantId: "nochannels" })]);
    expect(report.invalid).toBe(1);
    expect(report.unrouted).toBe(1);
    expect(log.lines.map((l) => l.message)).toEqual([
      "invalid alert event rejected",
      "no alert channel configured for tenant; event not delivered",
    ]);
  });

  it("uses default channels for a tenant with none (the local console run)", async () => {
    const consoleChannel = recordingChannel("console");
    const { dispatcher } = await setup({
      deps: { channels: { console: consoleChannel }, defaultChannels: [{ id: "console", kind: "console" }] },
    });
    await dispatcher.dispatch([opened({ tenantId: "demo" }), ...otherEvents()]);
    expect(consoleChannel.sent).toHaveLength(1);
  });

  it("queues a send whose secret is missing, and names the secret ref, not a value", async () => {
    const { dispatcher, store, log } = await setup({
      channels: [{ id: "slack-x", tenantId: "acme", kind: "slack", secretRef: "alerts/acme/missing" }],
    });
    const report = await dispatcher.dispatch([opened()]);
    expect(report.byChannel.slack?.failed).toBe(1);
    const warn = log.lines.find((l) => l.level === "warn");
    expect(warn?.fields?.reason).toBe("secret alerts/acme/missing not found");
    expect((await store.list("alert_deliveries")).docs[0]?.data.status).toBe("pending");
  });

  it("picks up a send left in flight by a crashed dispatcher once its lease expires", async () => {
    const { dispatcher, store, slack, clock } = await setup({ channels: [{ id: "s", tenantId: "acme", kind: "slack", secretRef: "alerts/acme/slack" }] });
    await dispatcher.dispatch([opened()]);
    // Simulate a crash between claim and outcome: the record is back to "sending" with a live lease.
    const [doc] = (await store.list("alert_deliveries")).docs;
    if (!doc) throw new Error("no delivery");
    await store.set(doc.path, { ...doc.data, status: "sending", leaseUntil: new Date(clock.now().getTime() + 60_000).toISOString() });
    expect((await dispatcher.retryPending()).total.sent).toBe(0);
    clock.advance(60_001);
    expect((await dispatcher.retryPending()).total.sent).toBe(1);
    expect(slack.sent).toHaveLength(2);
  });

  it("never puts the webhook URL or routing key in a log line, even when adapters quote them", async () => {
    const { dispatcher, log, clock } = await setup({
      slack: [{ ok: false, retryable: true, status: 500, reason: `POST ${SLACK_URL} failed` }],
      pd: [{ ok: false, retryable: false, status: 400, reason: `bad key ${PD_KEY}` }],
      deps: { maxAttempts: 2 },
    });
    await dispatcher.dispatch([opened()]);
    clock.advance(10_000);
    await dispatcher.retryPending();
    const text = log.text();
    expect(log.lines.length).toBeGreaterThan(2);
    expect(text).not.toContain("canary-slack-secret");
    expect(text).not.toContain(PD_KEY);
    expect(text).toMatch(/\[redacted\]/i);
  });

  it("marks a waiting resolve obsolete when its trigger is dead-lettered, and survives a failing hook", async () => {
    const permanent: SendResult = { ok: false, retryable: false, status: 400, reason: "PagerDuty 400: invalid event" };
    const { dispatcher, pagerduty, clock, deliveries, log } = await setup({
      pd: [transient, permanent],
      deps: { onDeadLetter: () => Promise.reject(new Error("hook down")) },
    });
    await dispatcher.dispatch([opened(), resolved()]);
    clock.advance(1000);
    const r = await dispatcher.retryPending();
    expect(r.byChannel.pagerduty).toMatchObject({ deadLettered: 1, filtered: 1 });
    expect(pagerduty.sent.map((s) => s.message.kind === "alert" && s.message.transition)).toEqual(["trigger", "trigger"]);
    const pd = (await deliveries()).filter((d) => d.channelKind === "pagerduty").map((d) => [d.transition, d.status]);
    expect(pd.sort()).toEqual([
      ["resolve", "obsolete"],
      ["trigger", "dead_letter"],
    ]);
    expect(log.lines.some((l) => l.message === "onDeadLetter hook failed")).toBe(true);
  });

  it("defers a resolve whose trigger was deferred, and sends a weekly digest with both", async () => {
    const { dispatcher, slack, clock } = await setup({
      channels: [
        {
          id: "slack-main",
          tenantId: "acme",
          kind: "slack",
          secretRef: "alerts/acme/slack",
          quietHours: { start: "00:00", end: "23:59", timezone: "UTC", bypassSeverities: [] },
          digest: { weekly: true },
        },
      ],
    });
    const r = await dispatcher.dispatch([opened(), resolved()]);
    expect(r.byChannel.slack).toMatchObject({ deferred: 2 });
    expect((await dispatcher.sendDigest("acme", "daily")).total.sent).toBe(0); // no daily digest configured
    clock.advance(3 * 86_400_000);
    expect((await dispatcher.sendDigest("acme", "weekly")).byChannel.slack?.sent).toBe(1);
    const msg = slack.sent[0]?.message;
    if (msg?.kind !== "digest") throw new Error("expected a digest");
    expect(msg.digest).toMatchObject({ period: "weekly", totalCount: 1, deferredCount: 1 });
    expect(msg.digest.items[0]).toMatchObject({ resolved: true, deferred: true });
  });

  it("triggers on the update that first passes a channel's rules, once", async () => {
    const { dispatcher, pagerduty } = await setup({
      channels: [{ id: "pd", tenantId: "acme", kind: "pagerduty", secretRef: "alerts/acme/pd", rules: [{ minImpact: { USD: "5000" } }] }],
    });
    const small = await dispatcher.dispatch([opened({ impact: "100" })]);
    const grown = await dispatcher.dispatch([anomalyUpdated(anomalyInput({ impact: "6000" }))]);
    const again = await dispatcher.dispatch([anomalyUpdated(anomalyInput({ impact: "7000" }))]);
    expect([small.total.filtered, grown.total.sent, again.total.skippedDuplicate]).toEqual([1, 1, 1]);
    expect(pagerduty.sent).toHaveLength(1);
  });

  it("skips an invalid channel config with a logged error and still serves the others", async () => {
    const { dispatcher, store, slack, log } = await setup();
    await store.set("tenants/acme/alert_channels/broken", { kind: "pagerduty" });
    const report = await dispatcher.dispatch([opened()]);
    expect(slack.sent).toHaveLength(1);
    expect(report.total.sent).toBe(2);
    expect(log.lines.find((l) => l.level === "error")?.message).toBe("alert channel config invalid; channel skipped");
  });
});
