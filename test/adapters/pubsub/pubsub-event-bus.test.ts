import type { PubSub } from "@google-cloud/pubsub";
import { describe, expect, it } from "vitest";
import { nightlyOrderingKey } from "#adapters/pubsub/ordering-keys.js";
import { PubSubEventBus } from "#adapters/pubsub/pubsub-event-bus.js";
import { AppError } from "#kernel/errors.js";

/**
 * The bus against a stand-in client that records what the SDK is asked to do and can fail a
 * publish as the SDK does. What the real client and the emulator do with it is in
 * test/integration/pubsub-event-bus.test.ts.
 */
interface Sent {
  topic: string;
  data: string;
  attributes: Record<string, string>;
  orderingKey?: string;
}

function fakeClient(fail?: (m: Sent) => Error | undefined) {
  const sent: Sent[] = [];
  const resumed: string[] = [];
  const options: Record<string, unknown> = {};
  let closed = false;
  const client = {
    topic(id: string, opts: unknown) {
      options[id] = opts;
      return {
        publishMessage: async (m: { data: Buffer; attributes: Record<string, string>; orderingKey?: string }) => {
          const s: Sent = { topic: id, data: m.data.toString("utf8"), attributes: m.attributes, ...(m.orderingKey ? { orderingKey: m.orderingKey } : {}) };
          const err = fail?.(s);
          if (err) throw err;
          sent.push(s);
          return String(sent.length);
        },
        resumePublishing: (key: string) => resumed.push(key),
        flush: async () => undefined,
      };
    },
    close: async () => {
      closed = true;
    },
  };
  return { client: client as unknown as PubSub, sent, resumed, options, isClosed: () => closed };
}

describe("PubSubEventBus", () => {
  it("publishes JSON under the prefixed topic id with the routing attributes and the caller's", async () => {
    // Prepare
    const f = fakeClient();
    const bus = new PubSubEventBus({ client: f.client, topicPrefix: "t-", batching: { maxMessages: 50, maxMilliseconds: 20 } });
    // Act
    const id = await bus.publish("collect-account", { tenantId: "t1", accountId: "a1", page: { start: "2026-11-01", end: "2026-11-19" } }, { traceparent: "x" });
    // Assess
    expect(id).toBe("1");
    expect(f.sent).toEqual([
      {
        topic: "t-collect-account",
        data: '{"tenantId":"t1","accountId":"a1","page":{"start":"2026-11-01","end":"2026-11-19"}}',
        attributes: { traceparent: "x", tenantId: "t1", accountId: "a1", windowStart: "2026-11-01", windowEnd: "2026-11-19" },
      },
    ]);
    expect(f.options["t-collect-account"]).toEqual({ batching: { maxMessages: 50, maxMilliseconds: 20 }, messageOrdering: true });
  });

  it("sets the ordering key where the rule says, and only there", async () => {
    // Prepare
    const f = fakeClient();
    const bus = new PubSubEventBus({ client: f.client, orderingKey: nightlyOrderingKey });
    // Act
    await bus.publish("alerts", { tenantId: "t1", events: [] });
    await bus.publish("costs-collected", { tenantId: "t1" });
    // Assess
    expect(f.sent.map((s) => s.orderingKey)).toEqual(["t1", undefined]);
  });

  it("resumes the ordering key after a failed publish, and reports the failure as a retryable AppError", async () => {
    // Prepare
    let failures = 1;
    const f = fakeClient(() => (failures-- > 0 ? Object.assign(new Error("unavailable"), { code: 14 }) : undefined));
    const bus = new PubSubEventBus({ client: f.client, orderingKey: nightlyOrderingKey });
    // Act
    const first = bus.publish("alerts", { tenantId: "t1", events: [] });
    // Assess
    await expect(first).rejects.toMatchObject({ code: "unavailable", retryable: true });
    expect(f.resumed).toEqual(["t1"]);
    await expect(bus.publish("alerts", { tenantId: "t1", events: [] })).resolves.toBe("1");
  });

  it("refuses to subscribe: deployed functions receive messages through push subscriptions", () => {
    // Prepare
    const bus = new PubSubEventBus({ client: fakeClient().client });
    // Act
    const act = () => bus.subscribe("alerts", async () => {});
    // Assess
    expect(act).toThrow(AppError);
    expect(act).toThrow(/push subscriptions/);
  });

  it("refuses data that is not JSON, and publishing once closed; close closes the client it owns", async () => {
    // Prepare
    const f = fakeClient();
    const bus = new PubSubEventBus({ client: f.client });
    // Act and assess
    await expect(bus.publish("alerts", undefined)).rejects.toMatchObject({ code: "invalid-argument" });
    await bus.close();
    expect(f.isClosed()).toBe(true);
    await expect(bus.publish("alerts", {})).rejects.toMatchObject({ code: "failed-precondition" });
  });

  it("leaves a client it was lent open", async () => {
    // Prepare
    const f = fakeClient();
    const bus = new PubSubEventBus({ client: f.client, ownsClient: false });
    // Act
    await bus.close();
    // Assess
    expect(f.isClosed()).toBe(false);
  });

  it("refuses options it does not know", () => {
    expect(() => new PubSubEventBus({ client: fakeClient().client, batching: { maxMessages: 0 } })).toThrow(/invalid PubSubEventBus options/);
  });
});
