import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { type BruteForceGuard, createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { FakeClock } from "../foundation/secops/fake-clock.js";
import { succeed } from "../foundation/secops/report-success.js";
import { type FirestoreEmulator, startFirestoreEmulator } from "./support/firestore-emulator.js";

/**
 * The store-backed brute-force lockout as two instances run it: two guards, each with its own
 * Firestore client, on one official Firestore emulator. Guesses spread over both still lock the
 * source out, concurrent failures (transactions that contend) are all counted, and successes in
 * between reset nothing.
 */
const PROJECT = "demo-lockout";

describe("brute-force lockout shared through Firestore", () => {
  let emu: FirestoreEmulator;
  const stores: FirestoreDocumentStore[] = [];

  beforeAll(async () => {
    emu = await startFirestoreEmulator();
  }, 90_000);

  afterAll(async () => {
    for (const s of stores) await s.close();
    await emu?.stop();
  });

  /** One instance: its own Firestore client and its own guard. */
  function instance(clock: FakeClock, maxFailures = 5): BruteForceGuard {
    const store = new FirestoreDocumentStore({ projectId: PROJECT, emulatorHost: emu.host });
    stores.push(store);
    return createBruteForceGuard({ clock, store, maxFailures, windowSec: 300, blockSec: 1800 });
  }

  const source = () => `203.0.113.${Math.floor(Math.random() * 250)}-${Date.now()}`;

  it("four failures on one instance and one on the other block the source on both", async () => {
    // Prepare
    const clock = new FakeClock();
    const [a, b] = [instance(clock), instance(clock)];
    const ip = source();
    // Act
    for (const g of [a, a, b, a]) await g.recordFailure(ip);
    const afterFour = [await a.check(ip), await b.check(ip)];
    await b.recordFailure(ip);
    const afterFive = [await a.check(ip), await b.check(ip)];
    // Assess
    expect(afterFour.map((d) => d.blocked)).toEqual([false, false]);
    expect(afterFive).toEqual([
      { blocked: true, retryAfterMs: 1_800_000 },
      { blocked: true, retryAfterMs: 1_800_000 },
    ]);
  });

  it("nine concurrent failures split over two instances are all counted: the tenth blocks", async () => {
    // Prepare
    const clock = new FakeClock();
    const [a, b] = [instance(clock, 10), instance(clock, 10)];
    const ip = source();
    // Act
    await Promise.all(Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? a : b).recordFailure(ip)));
    const afterNine = await b.check(ip);
    await a.recordFailure(ip);
    const afterTen = await b.check(ip);
    // Assess
    expect(afterNine.blocked).toBe(false);
    expect(afterTen.blocked).toBe(true);
  });

  it("counts failures across successes on the other instance: 4 wrong guesses and 1 valid key, repeated, lock out at the 5th", async () => {
    // Prepare: guesses reach instance a, the attacker's valid key goes to instance b
    const clock = new FakeClock();
    const [a, b] = [instance(clock), instance(clock)];
    const ip = source();
    let wrongGuessesLetThrough = 0;
    // Act
    for (let round = 0; round < 5 && !(await a.check(ip)).blocked; round++) {
      for (let i = 0; i < 4 && !(await a.check(ip)).blocked; i++) {
        wrongGuessesLetThrough += 1;
        await a.recordFailure(ip);
      }
      await succeed(b, ip);
    }
    // Assess
    expect(wrongGuessesLetThrough).toBe(5);
    expect([(await a.check(ip)).blocked, (await b.check(ip)).blocked]).toEqual([true, true]);
  });
});
