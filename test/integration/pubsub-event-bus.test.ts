import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Message, PubSub, Subscription } from "@google-cloud/pubsub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PubSubEmulator, startPubSubEmulator } from "#adapters/emulators/pubsub-emulator.js";
import { nightlyOrderingKey } from "#adapters/pubsub/ordering-keys.js";
import { openPubSubClient } from "#adapters/pubsub/pubsub-client.js";
import { PubSubEventBus } from "#adapters/pubsub/pubsub-event-bus.js";

/**
 * The Pub/Sub bus with the real client on the official Pub/Sub emulator: what a publisher puts on
 * the wire (data, attributes, ordering key), batching and its flush, and per-key order.
 */
const PROJECT = "demo-pubsub-bus";

let emu: PubSubEmulator;
let admin: PubSub;
const dir = mkdtempSync(join(tmpdir(), "pubsub-bus-"));
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  emu = await startPubSubEmulator(join(dir, "pubsub"));
  admin = await openPubSubClient({ projectId: PROJECT, emulatorHost: emu.host });
}, 90_000);

afterAll(async () => {
  for (const o of opened) await o.close();
  await admin?.close();
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
/** A fresh prefixed topic and a pull subscription on it (message ordering on request). */
async function topicWithSubscription(topic: string, opts: { ordered?: boolean } = {}) {
  const prefix = `case${++counter}-`;
  const [t] = await admin.createTopic(`${prefix}${topic}`);
  const [sub] = await t.createSubscription(`${prefix}${topic}.probe`, { enableMessageOrdering: opts.ordered ?? false });
  return { prefix, sub };
}

/** The first `n` messages the subscription receives, acknowledged, in the order the client delivered them. */
function receive(sub: Subscription, n: number): Promise<Message[]> {
  const got: Message[] = [];
  return new Promise((resolve, reject) => {
    sub.on("error", reject);
    sub.on("message", (m: Message) => {
      got.push(m);
      m.ack();
      if (got.length === n) {
        sub.removeAllListeners();
        void sub.close().then(() => resolve(got));
      }
    });
  });
}

async function newBus(prefix: string, batching?: { maxMessages?: number; maxMilliseconds?: number }) {
  const bus = new PubSubEventBus({ client: await openPubSubClient({ projectId: PROJECT, emulatorHost: emu.host }), topicPrefix: prefix, orderingKey: nightlyOrderingKey, ...(batching ? { batching } : {}) });
  opened.push(bus);
  return bus;
}

describe("PubSubEventBus on the Pub/Sub emulator", () => {
  it("delivers the JSON data with the routing attributes and the caller's, under the id publish returned", async () => {
    // Prepare
    const { prefix, sub } = await topicWithSubscription("collect-account");
    const bus = await newBus(prefix);
    const received = receive(sub, 1);
    const data = { tenantId: "t1", accountId: "a1", provider: "aws", runDate: "2026-11-20", page: { start: "2026-11-01", end: "2026-11-19" } };
    // Act
    const id = await bus.publish("collect-account", data, { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
    const [m] = await received;
    // Assess
    expect(m?.id).toBe(id);
    expect(JSON.parse(m?.data.toString("utf8") ?? "")).toEqual(data);
    expect(m?.attributes).toEqual({
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      tenantId: "t1",
      accountId: "a1",
      windowStart: "2026-11-01",
      windowEnd: "2026-11-19",
      runDate: "2026-11-20",
    });
  });

  it("holds a batch until it is full or flushed: drain sends it, and close sends what is left", async () => {
    // Prepare: a batch that would wait a minute.
    const { prefix, sub } = await topicWithSubscription("costs-collected");
    const bus = await newBus(prefix, { maxMessages: 1000, maxMilliseconds: 60_000 });
    const received = receive(sub, 4);
    let settled = 0;
    // Act
    const ids = [1, 2, 3].map((n) => bus.publish("costs-collected", { tenantId: `t${n}` }).finally(() => settled++));
    await admin.getTopics(); // a round trip to the emulator while the batch waits
    const beforeDrain = settled;
    await bus.drain();
    const afterDrain = settled;
    const last = bus.publish("costs-collected", { tenantId: "t4" });
    await bus.close();
    // Assess
    expect(beforeDrain).toBe(0);
    expect(afterDrain).toBe(3);
    expect(new Set([...(await Promise.all(ids)), await last]).size).toBe(4);
    expect((await received).map((m) => m.attributes.tenantId).sort()).toEqual(["t1", "t2", "t3", "t4"]);
  });

  it("keeps one tenant's alerts in publish order (ordering key), interleaved with another's", async () => {
    // Prepare
    const { prefix, sub } = await topicWithSubscription("alerts", { ordered: true });
    const bus = await newBus(prefix, { maxMessages: 5, maxMilliseconds: 5 });
    const n = 40;
    const received = receive(sub, n);
    // Act
    await Promise.all(Array.from({ length: n }, (_, i) => bus.publish("alerts", { tenantId: i % 2 ? "odd" : "even", seq: i })));
    const got = await received;
    // Assess
    const seqOf = (key: string) => got.filter((m) => m.orderingKey === key).map((m) => (JSON.parse(m.data.toString("utf8")) as { seq: number }).seq);
    expect(seqOf("even")).toEqual(Array.from({ length: n / 2 }, (_, i) => 2 * i));
    expect(seqOf("odd")).toEqual(Array.from({ length: n / 2 }, (_, i) => 2 * i + 1));
  });

  it("refuses a topic that does not exist as failed-precondition, not retryable", async () => {
    // Prepare
    const bus = await newBus("nowhere-");
    // Act and assess
    await expect(bus.publish("alerts", { tenantId: "t1", events: [] })).rejects.toMatchObject({ code: "failed-precondition", retryable: false });
  });
});
