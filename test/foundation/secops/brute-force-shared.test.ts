import { describe, expect, it } from "vitest";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { sourceDigest } from "#foundation/secops/brute-force-store.js";
import { paths } from "#kernel/document-paths.js";
import { unavailable } from "#kernel/errors.js";
import type { DocumentStore } from "#kernel/ports.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { contendedStore } from "./contended-store.js";
import { FakeClock } from "./fake-clock.js";
import { succeed } from "./report-success.js";

const MIN = 60_000;

/** Two instances of the platform: two guards over one shared store. */
function twoInstances(store: DocumentStore, clock: FakeClock, extra: { maxFailures?: number } = {}) {
  return [createBruteForceGuard({ clock, store, ...extra }), createBruteForceGuard({ clock, store, ...extra })] as const;
}

describe("createBruteForceGuard with a store: one lockout for every instance", () => {
  it("failures spread over two instances add up: the fifth blocks the source on both, for 30 minutes", async () => {
    // Prepare
    const clock = new FakeClock();
    const [a, b] = twoInstances(new MemoryDocumentStore(), clock);
    // Act
    for (const g of [a, b, a, b]) await g.recordFailure("1.2.3.4");
    const afterFour = await a.check("1.2.3.4");
    clock.advance(MIN);
    await a.recordFailure("1.2.3.4");
    const onA = await a.check("1.2.3.4");
    const onB = await b.check("1.2.3.4");
    clock.advance(30 * MIN);
    const later = await b.check("1.2.3.4");
    // Assess
    expect(afterFour).toEqual({ blocked: false, retryAfterMs: 0 });
    expect(onA).toEqual({ blocked: true, retryAfterMs: 30 * MIN });
    expect(onB).toEqual({ blocked: true, retryAfterMs: 30 * MIN });
    expect(later).toEqual({ blocked: false, retryAfterMs: 0 });
  });

  it("without a store each instance counts only what it sees: the same five failures block neither", async () => {
    const clock = new FakeClock();
    const [a, b] = [createBruteForceGuard({ clock }), createBruteForceGuard({ clock })];
    for (const g of [a, b, a, b, a]) await g.recordFailure("1.2.3.4");

    expect([(await a.check("1.2.3.4")).blocked, (await b.check("1.2.3.4")).blocked]).toEqual([false, false]);
  });

  it("keeps the source as a digest, under platform/", async () => {
    const store = new MemoryDocumentStore();
    const clock = new FakeClock();
    const [a] = twoInstances(store, clock);
    await a.recordFailure("10.0.0.9");
    const path = paths.bruteForceSource(sourceDigest("10.0.0.9"));
    const stored = await store.get(path);

    expect(path).toMatch(/^platform\/brute_force\/sources\/[0-9a-f]{64}$/);
    expect(stored).toEqual({ failures: [clock.now().getTime()], blockedUntilMs: 0, updatedAt: clock.now().toISOString() });
    expect(JSON.stringify(stored)).not.toContain("10.0.0.9");
  });

  it("counts failures across successes on the other instance: 4 wrong guesses and 1 valid key, repeated, lock out at the 5th", async () => {
    // Prepare: guesses reach instance a, the attacker's valid key goes to instance b
    const clock = new FakeClock();
    const [a, b] = twoInstances(new MemoryDocumentStore(), clock);
    let wrongGuessesLetThrough = 0;
    // Act
    for (let round = 0; round < 5 && !(await a.check("s")).blocked; round++) {
      for (let i = 0; i < 4 && !(await a.check("s")).blocked; i++) {
        wrongGuessesLetThrough += 1;
        await a.recordFailure("s");
      }
      await succeed(b, "s");
    }
    // Assess
    expect(wrongGuessesLetThrough).toBe(5);
    expect([(await a.check("s")).blocked, (await b.check("s")).blocked]).toEqual([true, true]);
  });

  it("counts the addresses of one IPv6 /64 as one source, under one document", async () => {
    const store = new MemoryDocumentStore();
    const [a, b] = twoInstances(store, new FakeClock());
    for (let i = 1; i <= 5; i++) await (i % 2 ? a : b).recordFailure(`2001:db8:7:8:${i}::1`);

    expect((await b.check("2001:db8:7:8::dead")).blocked).toBe(true);
    expect(await store.get(paths.bruteForceSource(sourceDigest("2001:db8:7:8::/64")))).not.toBeNull();
    expect(store.size).toBe(1);
  });

  it("failures outside the window do not add up, across instances either", async () => {
    const clock = new FakeClock();
    const [a, b] = twoInstances(new MemoryDocumentStore(), clock);
    for (let i = 0; i < 10; i++) {
      await (i % 2 === 0 ? a : b).recordFailure("s");
      clock.advance(76_000);
    }
    expect((await a.check("s")).blocked).toBe(false);
  });

  it("concurrent failures under transaction contention are all counted (update, not read-then-write)", async () => {
    // Prepare: a store whose update reruns on a concurrent write, as a Firestore transaction does.
    const store = contendedStore(new MemoryDocumentStore());
    const clock = new FakeClock();
    const [a, b] = twoInstances(store, clock, { maxFailures: 10 });
    // Act
    await Promise.all(Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? a : b).recordFailure("s")));
    const afterNine = await a.check("s");
    await b.recordFailure("s");
    // Assess
    expect(store.retries()).toBeGreaterThan(0);
    expect(afterNine.blocked).toBe(false);
    expect((await a.check("s")).blocked).toBe(true);
  });

  it("a store failure in check or recordFailure fails the call rather than skip the lockout", async () => {
    const inner = new MemoryDocumentStore();
    // What a store adapter throws when its backend is down (an AppError, retryable).
    const down = async (): Promise<never> => {
      throw unavailable("store down");
    };
    const broken: DocumentStore = {
      get: down,
      list: (p, q) => inner.list(p, q),
      set: (p, d, o) => inner.set(p, d, o),
      setMany: (w) => inner.setMany(w),
      create: (p, d) => inner.create(p, d),
      delete: (p) => inner.delete(p),
      close: () => inner.close(),
      update: down,
      updateWithWrites: down,
    };
    const guard = createBruteForceGuard({ clock: new FakeClock(), store: broken });

    await expect(guard.check("s")).rejects.toMatchObject({ code: "unavailable", retryable: true });
    await expect(guard.recordFailure("s")).rejects.toMatchObject({ code: "unavailable", retryable: true });
  });
});
