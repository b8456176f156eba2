import { describe, expect, it } from "vitest";
import { KeyedSerialQueue } from "#adapters/firestore/keyed-serial-queue.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("KeyedSerialQueue", () => {
  it("runs one key's tasks one at a time in call order, other keys alongside, and forgets idle keys", async () => {
    // Prepare
    const q = new KeyedSerialQueue();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      return name;
    };
    // Act
    const results = await Promise.all([q.run("a", task("a1")), q.run("a", task("a2")), q.run("b", task("b1"))]);
    await tick();
    // Assess
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("end a1")).toBeLessThan(log.indexOf("start a2"));
    expect(log.indexOf("start b1")).toBeLessThan(log.indexOf("end a1"));
    expect(q.size).toBe(0);
  });

  it("a failed task rejects its own caller only; the next one still runs", async () => {
    const q = new KeyedSerialQueue();
    const failed = q.run("a", async () => {
      throw new Error("boom");
    });
    const next = q.run("a", async () => "ok");

    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
  });
});
