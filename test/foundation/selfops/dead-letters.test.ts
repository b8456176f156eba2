import { describe, expect, it } from "vitest";
import { recordDeadLetterPush } from "#adapters/emulators/dead-letter-recorder.js";
import { InProcessBus } from "#adapters/local/in-process-bus.js";
import { type AuditRecord, createAuditLog, PLATFORM_STREAM, tenantStream } from "#foundation/secops/audit-log.js";
import { type DeadLetterRecord, deadLetterId, deadLetterRecord, MAX_PAYLOAD_CHARS, REPLAY_COUNT_ATTRIBUTE } from "#foundation/selfops/dead-letter-record.js";
import { replayDeadLetters } from "#foundation/selfops/dead-letter-replay.js";
import { keepDeadLetter, listDeadLetters } from "#foundation/selfops/dead-letter-store.js";
import { paths } from "#kernel/document-paths.js";
import type { BusMessage, EventBus } from "#kernel/ports.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

/** Dead-letter records: how the bus, the pipeline and the emulator relay keep them, and how a replay takes them. */

const NOW = new Date("2026-11-20T03:00:00.000Z");
const clock = { now: () => NOW };

function message(over: Partial<BusMessage> = {}): BusMessage {
  return {
    id: "m-1",
    topic: "collect-account",
    data: { tenantId: "acme", accountId: "a1" },
    attributes: { tenantId: "acme" },
    deliveryAttempt: 1,
    publishedAt: "2026-11-20T02:00:00.000Z",
    ...over,
  };
}

/** An EventBus that records what is published and can be told to refuse. */
class RecordingBus implements EventBus {
  readonly published: { topic: string; data: unknown; attributes: Record<string, string> }[] = [];
  refuse: Error | null = null;
  async publish<T>(topic: string, data: T, attributes: Record<string, string> = {}): Promise<string> {
    // Yield first, so that concurrent replays interleave as they would on a network.
    await new Promise((r) => setImmediate(r));
    if (this.refuse) throw this.refuse;
    this.published.push({ topic, data, attributes });
    return `replay-${this.published.length}`;
  }
  subscribe(): void {}
  async drain(): Promise<void> {}
  async close(): Promise<void> {}
}

async function auditOf(store: MemoryDocumentStore, stream: string): Promise<AuditRecord[]> {
  return (await store.list(paths.auditRecords(stream), { limit: 1000 })).docs.map((d) => d.data as unknown as AuditRecord);
}

describe("the in-process bus", () => {
  it("tries a message that always crashes maxAttempts times, then keeps it and forwards it to the dead-letter topic", async () => {
    const store = new MemoryDocumentStore();
    const bus = new InProcessBus({ maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0, keepDeadLettersIn: store });
    const attempts: number[] = [];
    const forwarded: BusMessage[] = [];
    bus.subscribe("collect-account", async (m) => {
      attempts.push(m.deliveryAttempt);
      throw new Error("provider timed out");
    });
    bus.subscribe("collect-account.dead-letter", async (m) => {
      forwarded.push(m);
    });
    const id = await bus.publish("collect-account", { tenantId: "acme" }, { tenantId: "acme" });
    await bus.drain();

    expect(attempts).toEqual([1, 2, 3]);
    expect(await listDeadLetters(store)).toEqual([
      expect.objectContaining({
        id: deadLetterId("collect-account", id),
        messageId: id,
        tenantId: "acme",
        reason: "Error: provider timed out",
        deliveryAttempts: 3,
        recordedBy: "bus",
        status: "dead-lettered",
        // The record keeps the message's own attributes, not those dead-lettering added.
        attributes: { tenantId: "acme" },
      }),
    ]);
    expect(forwarded).toEqual([
      expect.objectContaining({
        data: { tenantId: "acme" },
        attributes: expect.objectContaining({ CloudPubSubDeadLetterSourceMessageId: id, CloudPubSubDeadLetterSourceDeliveryCount: "3" }),
      }),
    ]);
  });

  it("does not chain: a dead-letter topic's own failure is kept once and goes nowhere else", async () => {
    const store = new MemoryDocumentStore();
    const bus = new InProcessBus({ maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0, keepDeadLettersIn: store });
    let calls = 0;
    bus.subscribe("alerts.dead-letter", async () => {
      calls++;
      throw new Error("still broken");
    });
    bus.subscribe("alerts.dead-letter.dead-letter", async () => {
      throw new Error("never delivered here");
    });
    await bus.publish("alerts.dead-letter", { tenantId: "acme" });
    await bus.drain();
    expect(calls).toBe(2);
    expect((await listDeadLetters(store)).map((r) => r.topic)).toEqual(["alerts.dead-letter"]);
  });
});

describe("dead-letter records", () => {
  it("keep one record per topic and message: a second report changes nothing", async () => {
    const store = new MemoryDocumentStore();
    expect(await keepDeadLetter(store, deadLetterRecord(message(), { reason: "first", recordedBy: "handler", now: NOW }))).toBe(true);
    expect(await keepDeadLetter(store, deadLetterRecord(message({ deliveryAttempt: 5 }), { reason: "second", recordedBy: "bus", now: NOW }))).toBe(false);
    expect(await listDeadLetters(store)).toEqual([expect.objectContaining({ reason: "first", recordedBy: "handler", deliveryAttempts: 1 })]);
  });

  it("keep no secret the reason quotes, and no data too large for a document", () => {
    const rec = deadLetterRecord(message({ data: { blob: "x".repeat(MAX_PAYLOAD_CHARS) } }), {
      reason: "401 from provider: Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789",
      recordedBy: "bus",
      now: NOW,
    });
    expect(rec.reason).not.toContain("abcdefghijklmnopqrstuvwxyz0123456789");
    expect(rec.payload).toBeNull();
  });

  it("count the replays a message went through from its attribute", () => {
    expect(deadLetterRecord(message({ attributes: { [REPLAY_COUNT_ATTRIBUTE]: "2" } }), { reason: "r", recordedBy: "handler", now: NOW }).replays).toBe(2);
    expect(deadLetterRecord(message({ attributes: { [REPLAY_COUNT_ATTRIBUTE]: "junk" } }), { reason: "r", recordedBy: "handler", now: NOW }).replays).toBe(0);
  });
});

describe("the emulator runtime's dead-letter subscriptions", () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");

  it("add nothing for a message the pipeline already kept", async () => {
    const store = new MemoryDocumentStore();
    await keepDeadLetter(store, deadLetterRecord(message(), { reason: "invalid input: page: required", recordedBy: "handler", now: NOW }));
    await recordDeadLetterPush(store, {
      deadLetterTopic: "collect-account.dead-letter",
      messageId: "dl-77",
      data: b64(message().data),
      attributes: { tenantId: "acme", CloudPubSubDeadLetterSourceMessageId: "m-1", deadLetterError: "invalid input: page: required" },
      publishTime: "2026-11-20T02:00:01.000Z",
    });
    expect(await listDeadLetters(store)).toEqual([expect.objectContaining({ messageId: "m-1", recordedBy: "handler" })]);
  });

  it("keep what Pub/Sub forwarded after its last attempt, as a dead letter of the original topic", async () => {
    const store = new MemoryDocumentStore();
    await recordDeadLetterPush(
      store,
      {
        deadLetterTopic: "collect-account.dead-letter",
        messageId: "dl-78",
        data: b64({ tenantId: "acme", accountId: "a1" }),
        attributes: {
          tenantId: "acme",
          CloudPubSubDeadLetterSourceDeliveryCount: "5",
          CloudPubSubDeadLetterSourceSubscription: "collect-account-push",
          CloudPubSubDeadLetterSourceTopicPublishTime: "2026-11-20T02:00:00.000Z",
        },
        publishTime: "2026-11-20T02:05:00.000Z",
      },
      NOW,
    );
    const [rec, ...more] = await listDeadLetters(store);
    expect(more).toEqual([]);
    expect(rec).toMatchObject({
      topic: "collect-account",
      messageId: "dl-78",
      tenantId: "acme",
      deliveryAttempts: 5,
      recordedBy: "pubsub",
      reason: "Pub/Sub gave up after 5 delivery attempts on subscription collect-account-push",
      attributes: { tenantId: "acme" },
      publishedAt: "2026-11-20T02:00:00.000Z",
    });
    expect(JSON.parse(rec?.payload ?? "null")).toEqual({ tenantId: "acme", accountId: "a1" });
  });
});

describe("replayDeadLetters", () => {
  async function setup(records: DeadLetterRecord[]) {
    const store = new MemoryDocumentStore();
    for (const r of records) await keepDeadLetter(store, r);
    const bus = new RecordingBus();
    const audit = createAuditLog(store, { clock });
    return { store, bus, audit, deps: { store, bus, audit, clock } };
  }
  const kept = (over: Partial<BusMessage> = {}) => deadLetterRecord(message(over), { reason: "boom", recordedBy: "handler", now: NOW });

  it("publishes the message on its topic, naming the message it replays and the replay count", async () => {
    const { bus, deps } = await setup([kept({ attributes: { tenantId: "acme", traceparent: "00-abc" } })]);
    const report = await replayDeadLetters(deps, { actor: "cli:ops" });
    expect(report.replayed).toEqual([expect.objectContaining({ messageId: "m-1", replayMessageId: "replay-1" })]);
    expect(bus.published).toEqual([
      {
        topic: "collect-account",
        data: { tenantId: "acme", accountId: "a1" },
        attributes: { tenantId: "acme", traceparent: "00-abc", costmonReplayOf: "m-1", costmonReplayCount: "1" },
      },
    ]);
  });

  it("puts a record back when the publish fails, audits the failure, and replays it later", async () => {
    const { store, bus, deps } = await setup([kept()]);
    bus.refuse = new Error("topic not found");
    const failed = await replayDeadLetters(deps, { actor: "cli:ops" });
    expect(failed).toEqual({ replayed: [], failed: [expect.objectContaining({ messageId: "m-1", replayMessageId: null })], skipped: 0 });
    expect(await listDeadLetters(store)).toEqual([expect.objectContaining({ status: "dead-lettered", replayLeaseUntil: null })]);
    expect(await auditOf(store, tenantStream("acme"))).toEqual([
      expect.objectContaining({
        actor: "cli:ops",
        action: "selfops:replay-dead-letter:collect-account",
        outcome: "failure",
        details: { messageId: "m-1", error: "Error: topic not found" },
      }),
    ]);

    bus.refuse = null;
    const later = await replayDeadLetters(deps, { actor: "cli:ops" });
    expect(later.replayed).toHaveLength(1);
    expect((await auditOf(store, tenantStream("acme"))).map((r) => r.outcome)).toEqual(["failure", "success"]);
  });

  it("publishes each record once when two replays run at the same time", async () => {
    const records = ["m-1", "m-2", "m-3"].map((id) => kept({ id }));
    const { bus, deps } = await setup(records);
    const [a, b] = await Promise.all([replayDeadLetters(deps, { actor: "cli:a" }), replayDeadLetters(deps, { actor: "cli:b" })]);
    expect(bus.published.map((p) => p.attributes.costmonReplayOf).sort()).toEqual(["m-1", "m-2", "m-3"]);
    expect(a.replayed.length + b.replayed.length).toBe(3);
    expect(a.skipped + b.skipped).toBe(3);
  });

  it("takes over a replay whose lease ran out, and leaves one still under its lease", async () => {
    const { store, bus, deps } = await setup([kept({ id: "stale" }), kept({ id: "live" })]);
    const lease = (until: string) => (cur: DeadLetterRecord | null) => (cur ? { ...cur, status: "replaying" as const, replayLeaseUntil: until } : cur);
    await store.update<DeadLetterRecord>(paths.deadLetter(deadLetterId("collect-account", "stale")), lease("2026-11-20T02:59:59.000Z"));
    await store.update<DeadLetterRecord>(paths.deadLetter(deadLetterId("collect-account", "live")), lease("2026-11-20T03:00:30.000Z"));
    const report = await replayDeadLetters(deps, { actor: "cli:ops" });
    expect(report.replayed.map((r) => r.messageId)).toEqual(["stale"]);
    expect(report.skipped).toBe(1);
    expect(bus.published).toHaveLength(1);
  });

  it("skips a record kept without its data, and replays only the topic, tenant and ids asked for", async () => {
    const { store, bus, deps } = await setup([
      kept({ id: "big", data: { tenantId: "acme", blob: "x".repeat(MAX_PAYLOAD_CHARS) } }),
      kept({ id: "other-tenant", data: { tenantId: "globex" }, attributes: {} }),
      kept({ id: "other-topic", topic: "alerts" }),
      kept({ id: "wanted" }),
    ]);
    const report = await replayDeadLetters(deps, { actor: "cli:ops", topic: "collect-account", tenantId: "acme" });
    expect(report.replayed.map((r) => r.messageId)).toEqual(["wanted"]);
    expect(report.skipped).toBe(1);
    expect(bus.published).toHaveLength(1);
    const byId = await replayDeadLetters(deps, { actor: "cli:ops", ids: [deadLetterId("alerts", "other-topic")] });
    expect(byId.replayed.map((r) => r.messageId)).toEqual(["other-topic"]);
    expect((await listDeadLetters(store, { status: "dead-lettered" })).map((r) => r.messageId).sort()).toEqual(["big", "other-tenant"]);
  });

  it("audits a message without a tenant in the platform's stream", async () => {
    const { store, deps } = await setup([kept({ topic: "nightly-collect", data: { runDate: 5 }, attributes: {} })]);
    await replayDeadLetters(deps, { actor: "user:admin-1" });
    expect(await auditOf(store, PLATFORM_STREAM)).toEqual([
      expect.objectContaining({ tenantId: "-", actor: "user:admin-1", action: "selfops:replay-dead-letter:nightly-collect", outcome: "success" }),
    ]);
  });
});
