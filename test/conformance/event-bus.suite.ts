import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BusMessage, EventBus } from "#kernel/ports.js";

export interface EventBusSuiteOptions {
  /** True when drain() really waits for delivery (local bus); production buses resolve at once. */
  drains: boolean;
}

/** Polls `check` until it stops throwing (drain first where the bus can), for buses that deliver later. */
async function eventually(bus: EventBus, check: () => void, timeoutMs = 10_000): Promise<void> {
  await bus.drain();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One behaviour for every EventBus: the in-process bus and Pub/Sub (emulator). `makeBus` should
 * use short retry delays. Topic names are unique per test for shared backends.
 */
export function describeEventBusConformance(
  name: string,
  makeBus: () => Promise<EventBus>,
  options: EventBusSuiteOptions,
): void {
  describe(`EventBus conformance: ${name}`, () => {
    let bus: EventBus;
    let topic: string;

    beforeEach(async () => {
      bus = await makeBus();
      topic = `topic-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    });
    afterEach(async () => {
      await bus.close();
    });

    it("delivers data and attributes with the published id, attempt 1 and a publish time", async () => {
      // Prepare
      const got: BusMessage[] = [];
      bus.subscribe(topic, async (m) => {
        got.push(m);
      });
      // Act
      const id = await bus.publish(topic, { tenantId: "t1", amount: "1.50" }, { kind: "collect" });
      // Assess
      await eventually(bus, () => expect(got).toHaveLength(1));
      const m = got[0] as BusMessage;
      expect(m.id).toBe(id);
      expect(m.topic).toBe(topic);
      expect(m.data).toEqual({ tenantId: "t1", amount: "1.50" });
      expect(m.attributes).toMatchObject({ kind: "collect" });
      expect(m.deliveryAttempt).toBe(1);
      expect(Number.isNaN(Date.parse(m.publishedAt))).toBe(false);
    });

    it("never delivers synchronously inside publish", async () => {
      let publishReturned = false;
      const seen: boolean[] = [];
      bus.subscribe(topic, async () => {
        seen.push(publishReturned);
      });
      const p = bus.publish(topic, { n: 1 });
      publishReturned = true;
      await p;
      await eventually(bus, () => expect(seen).toEqual([true]));
    });

    it("fans out: every subscription of the topic gets its own copy; other topics get nothing", async () => {
      const first: unknown[] = [];
      const second: unknown[] = [];
      const other: unknown[] = [];
      bus.subscribe<{ list: number[] }>(topic, async (m) => {
        m.data.list.push(99); // must not leak into the other subscription's copy
        first.push(m.data);
      });
      bus.subscribe(topic, async (m) => {
        second.push(m.data);
      });
      bus.subscribe(`${topic}-other`, async (m) => {
        other.push(m.data);
      });
      await bus.publish(topic, { list: [1] });
      await eventually(bus, () => {
        expect(first).toEqual([{ list: [1, 99] }]);
        expect(second).toEqual([{ list: [1] }]);
      });
      expect(other).toEqual([]);
    });

    it("delivers each of 100 messages once when handlers succeed", async () => {
      const seen = new Map<number, number>();
      bus.subscribe<{ i: number }>(topic, async (m) => {
        seen.set(m.data.i, (seen.get(m.data.i) ?? 0) + 1);
      });
      await Promise.all(Array.from({ length: 100 }, (_, i) => bus.publish(topic, { i })));
      await eventually(bus, () => expect(seen.size).toBe(100));
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    });

    it("retries a throwing handler with increasing deliveryAttempt until it succeeds", async () => {
      const attempts: number[] = [];
      const dead: unknown[] = [];
      bus.subscribe(topic, async (m) => {
        attempts.push(m.deliveryAttempt);
        if (m.deliveryAttempt < 3) throw new Error("transient");
      });
      bus.subscribe(`${topic}.dead-letter`, async (m) => {
        dead.push(m);
      });
      await bus.publish(topic, { n: 1 });
      await eventually(bus, () => expect(attempts).toEqual([1, 2, 3]));
      await sleep(50);
      expect(attempts).toEqual([1, 2, 3]);
      expect(dead).toEqual([]);
    });

    it("after maxAttempts, dead-letters the message with its data, attributes and last error", async () => {
      const attempts: number[] = [];
      const dead: BusMessage[] = [];
      bus.subscribe(
        topic,
        async (m) => {
          attempts.push(m.deliveryAttempt);
          throw new Error(`boom on attempt ${m.deliveryAttempt}`);
        },
        { maxAttempts: 3 },
      );
      bus.subscribe(`${topic}.dead-letter`, async (m) => {
        dead.push(m);
      });
      await bus.publish(topic, { tenantId: "t1" }, { kind: "detect" });
      await eventually(bus, () => expect(dead).toHaveLength(1));
      const d = dead[0] as BusMessage;
      expect(attempts).toEqual([1, 2, 3]);
      expect(d.data).toEqual({ tenantId: "t1" });
      expect(d.attributes).toMatchObject({ kind: "detect", CloudPubSubDeadLetterSourceDeliveryCount: "3" });
      expect(d.attributes.deadLetterError).toContain("boom on attempt 3");
    });

    it("uses 5 attempts when the subscription names none", async () => {
      const attempts: number[] = [];
      const dead: BusMessage[] = [];
      bus.subscribe(topic, async (m) => {
        attempts.push(m.deliveryAttempt);
        throw new Error("always");
      });
      bus.subscribe(`${topic}.dead-letter`, async (m) => {
        dead.push(m);
      });
      await bus.publish(topic, { n: 1 });
      await eventually(bus, () => expect(dead).toHaveLength(1));
      expect(attempts).toEqual([1, 2, 3, 4, 5]);
    });

    it.each<[string, () => Promise<unknown>]>([
      ["a topic name that is too short", () => bus.publish("ab", {})],
      ["a topic name with a slash", () => bus.publish("a/b/c", {})],
      ["data that is not JSON", () => bus.publish("topic-x", { n: 1n })],
      ["a non-string attribute", () => bus.publish("topic-x", {}, { n: 1 } as unknown as Record<string, string>)],
    ])("rejects %s", async (_label, act) => {
      await expect(act()).rejects.toThrow();
    });

    if (options.drains) {
      describe("drain", () => {
        it("resolves at once when idle", async () => {
          await expect(bus.drain()).resolves.toBeUndefined();
        });

        it("waits for slow handlers and for the messages they publish, hop after hop", async () => {
          const log: string[] = [];
          bus.subscribe<{ hop: number }>(topic, async (m) => {
            await sleep(10);
            log.push(`hop${m.data.hop}`);
            if (m.data.hop < 3) await bus.publish(topic, { hop: m.data.hop + 1 });
          });
          await bus.publish(topic, { hop: 1 });
          await bus.drain();
          expect(log).toEqual(["hop1", "hop2", "hop3"]);
        });

        it("waits through retries and the dead-letter delivery", async () => {
          const dead: unknown[] = [];
          bus.subscribe(
            topic,
            async () => {
              throw new Error("poison");
            },
            { maxAttempts: 2 },
          );
          bus.subscribe(`${topic}.dead-letter`, async (m) => {
            await sleep(5);
            dead.push(m.data);
          });
          await bus.publish(topic, { poison: true });
          await bus.drain();
          expect(dead).toEqual([{ poison: true }]);
        });

        it("several concurrent drains all resolve", async () => {
          bus.subscribe(topic, async () => {
            await sleep(5);
          });
          await bus.publish(topic, {});
          const results = await Promise.all([bus.drain(), bus.drain(), bus.drain()]);
          expect(results).toEqual([undefined, undefined, undefined]);
        });
      });
    }
  });
}
