import { describe, expect, it } from "vitest";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { sourceDigest } from "#foundation/secops/brute-force-store.js";
import { paths } from "#kernel/document-paths.js";
import { unavailable } from "#kernel/errors.js";
import type { DocumentStore } from "#kernel/ports.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { contendedStore } from "./contended-store.js";
import { FakeClock } from "./fake-clock.js";

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

  it("keeps the source as a digest, under platform/, and forgets an idle source", async () => {
    const store = new MemoryDocumentStore();
    const clock = new FakeClock();
    const [a, b] = twoInstances(store, clock);
    await a.recordFailure("10.0.0.9");
    const path = paths.bruteForceSource(sourceDigest("10.0.0.9"));
    const stored = await store.get(path);

    await b.check("10.0.0.9");
    await b.recordSuccess("10.0.0.9");

    expect(path).toMatch(/^platform\/brute_force\/sources\/[0-9a-f]{64}$/);
    expect(stored).toEqual({ failures: [clock.now().getTime()], blockedUntilMs: 0, updatedAt: clock.now().toISOString() });
    expect(JSON.stringify(stored)).not.toContain("10.0.0.9");
    expect(await store.get(path)).toBeNull();
  });

  it("a success seen on one instance clears failures recorded on another, but never lifts a block", async () => {
    const clock = new FakeClock();
    const [a, b] = twoInstances(new MemoryDocumentStore(), clock);
    for (let i = 0; i < 4; i++) await a.recordFailure("s");
    await b.check("s");
    await b.recordSuccess("s");
    for (let i = 0; i < 4; i++) await a.recordFailure("s");
    const afterReset = await b.check("s");
    await a.recordFailure("s");
    await b.check("s");
    await b.recordSuccess("s");
    const afterBlockAndSuccess = await a.check("s");

    expect(afterReset.blocked).toBe(false);
    expect(afterBlockAndSuccess.blocked).toBe(true);
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

  it("a store failure while recording a success is reported and does not fail the call; in check it does", async () => {
    const inner = new MemoryDocumentStore();
    // What a store adapter throws when its backend is down (an AppError, retryable).
    const broken: DocumentStore = {
      get: (p) => inner.get(p),
      list: (p, q) => inner.list(p, q),
      set: (p, d, o) => inner.set(p, d, o),
      setMany: (w) => inner.setMany(w),
      create: (p, d) => inner.create(p, d),
      delete: (p) => inner.delete(p),
      close: () => inner.close(),
      update: async () => {
        throw unavailable("store down");
      },
    };
    const reported: unknown[] = [];
    const clock = new FakeClock();
    const healthy = createBruteForceGuard({ clock, store: inner });
    await healthy.recordFailure("s");
    const guard = createBruteForceGuard({ clock, store: broken, onStoreError: (e) => reported.push(e) });

    await guard.check("s");
    await expect(guard.recordSuccess("s")).resolves.toBeUndefined();
    await expect(guard.recordFailure("s")).rejects.toMatchObject({ code: "unavailable", retryable: true });

    expect(reported).toHaveLength(1);
  });
});
