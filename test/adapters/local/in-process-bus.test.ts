import { describe, expect, it } from "vitest";
import { InProcessBus } from "#adapters/local/in-process-bus.js";
import { describeEventBusConformance } from "../../conformance/event-bus.suite.js";

describeEventBusConformance("InProcessBus", async () => new InProcessBus({ baseDelayMs: 1, maxDelayMs: 10 }), {
  drains: true,
});

describe("InProcessBus specifics", () => {
  it("keeps a dead letter even when nobody subscribes to the dead-letter topic, and reports it without data", async () => {
    // Prepare
    const reports: unknown[] = [];
    const bus = new InProcessBus({ baseDelayMs: 1, onDeadLetter: (info) => reports.push(info) });
    bus.subscribe(
      "collect",
      async () => {
        throw new TypeError("bad payload");
      },
      { maxAttempts: 2 },
    );
    // Act
    const id = await bus.publish("collect", { secretish: "x" });
    await bus.drain();
    // Assess
    expect(bus.deadLetters).toHaveLength(1);
    expect(bus.deadLetters[0]?.message).toMatchObject({ id, topic: "collect", data: { secretish: "x" }, deliveryAttempt: 2 });
    expect(reports).toEqual([{ topic: "collect", id, error: "TypeError: bad payload" }]);
  });

  it("backs off exponentially between attempts", async () => {
    const bus = new InProcessBus({ baseDelayMs: 20, maxDelayMs: 1000 });
    const at: number[] = [];
    bus.subscribe(
      "timed",
      async () => {
        at.push(Date.now());
        throw new Error("again");
      },
      { maxAttempts: 3 },
    );
    await bus.publish("timed", {});
    await bus.drain();
    const gaps = [(at[1] ?? 0) - (at[0] ?? 0), (at[2] ?? 0) - (at[1] ?? 0)];
    // Delays are at least 20 ms then 40 ms (timers never fire early); no upper bound is asserted.
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
  });

  it("a failing dead-letter handler does not chain further dead-letter topics", async () => {
    const bus = new InProcessBus({ baseDelayMs: 1, maxAttempts: 1 });
    const topics: string[] = [];
    bus.subscribe("jobs", async () => {
      throw new Error("first");
    });
    bus.subscribe("jobs.dead-letter", async (m) => {
      topics.push(m.topic);
      throw new Error("second");
    });
    bus.subscribe("jobs.dead-letter.dead-letter", async (m) => {
      topics.push(m.topic);
    });
    await bus.publish("jobs", {});
    await bus.drain();
    expect(topics).toEqual(["jobs.dead-letter"]);
    expect(bus.deadLetters.map((d) => d.message.topic)).toEqual(["jobs", "jobs.dead-letter"]);
  });

  it("drops what is published to a topic without subscriptions, as Pub/Sub does", async () => {
    const bus = new InProcessBus();
    const got: unknown[] = [];
    await bus.publish("early", { n: 1 });
    bus.subscribe("early", async (m) => {
      got.push(m.data);
    });
    await bus.drain();
    expect(got).toEqual([]);
  });

  it("refuses to publish after close", async () => {
    const bus = new InProcessBus();
    await bus.close();
    await expect(bus.publish("topic-x", {})).rejects.toThrow(/closed/);
  });

  it.each([[{ maxAttempts: 0 }], [{ baseDelayMs: -1 }], [{ unknown: 1 }]])("rejects bad options %j", (opts) => {
    expect(() => new InProcessBus(opts as never)).toThrow(/invalid InProcessBus options/);
  });
});
