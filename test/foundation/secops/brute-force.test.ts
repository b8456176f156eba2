import { describe, expect, it } from "vitest";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { FakeClock } from "./fake-clock.js";
import { guessAroundSuccesses, succeed } from "./report-success.js";

const MIN = 60_000;

async function fail(guard: ReturnType<typeof createBruteForceGuard>, source: string, times: number) {
  for (let i = 0; i < times; i++) await guard.recordFailure(source);
}

describe("createBruteForceGuard", () => {
  it("blocks a source after 5 failures within 5 minutes, for 30 minutes, then unblocks it", async () => {
    // Prepare
    const clock = new FakeClock();
    const guard = createBruteForceGuard({ clock });
    // Act
    await fail(guard, "1.2.3.4", 4);
    const afterFour = await guard.check("1.2.3.4");
    clock.advance(4 * MIN);
    await fail(guard, "1.2.3.4", 1);
    const afterFive = await guard.check("1.2.3.4");
    clock.advance(30 * MIN - 1);
    const justBeforeEnd = await guard.check("1.2.3.4");
    clock.advance(1);
    const atEnd = await guard.check("1.2.3.4");
    // Assess
    expect(afterFour).toEqual({ blocked: false, retryAfterMs: 0 });
    expect(afterFive).toEqual({ blocked: true, retryAfterMs: 30 * MIN });
    expect(justBeforeEnd).toEqual({ blocked: true, retryAfterMs: 1 });
    expect(atEnd).toEqual({ blocked: false, retryAfterMs: 0 });
  });

  it("does not block when the failures are spread over more than the window", async () => {
    const clock = new FakeClock();
    const guard = createBruteForceGuard({ clock });

    for (let i = 0; i < 10; i++) {
      await guard.recordFailure("s");
      clock.advance(76_000); // 5 failures span 5 × 76 s > 5 min
    }

    expect((await guard.check("s")).blocked).toBe(false);
  });

  it("counts failures across successes: 4 wrong guesses and 1 valid key, repeated, lock out at the 5th wrong guess", async () => {
    // Prepare
    const guard = createBruteForceGuard({ clock: new FakeClock() });
    // Act: the probe's attacker, who holds one valid key, for 5 rounds (20 wrong guesses if never locked out)
    const run = await guessAroundSuccesses(guard, "198.51.100.4", { rounds: 5, bad: 4 });
    // Assess
    expect(run).toEqual({ wrongGuessesLetThrough: 5, blocked: true });
  });

  it("offers no success report, and a success does not lift an active block", async () => {
    // Prepare
    const guard = createBruteForceGuard({ clock: new FakeClock() });
    await fail(guard, "s", 5);
    // Act
    await succeed(guard, "s");
    const afterSuccess = await guard.check("s");
    // Assess
    expect("recordSuccess" in guard).toBe(false);
    expect(afterSuccess.blocked).toBe(true);
  });

  it("counts the addresses of one IPv6 /64 as one source, and another /64 apart", async () => {
    // Prepare
    const guard = createBruteForceGuard({ clock: new FakeClock() });
    // Act: five guesses, each from a fresh address of the attacker's /64
    for (let i = 1; i <= 5; i++) await guard.recordFailure(`2001:db8:aa:bb::${i.toString(16)}`);
    const sameSlash64 = await guard.check("2001:db8:aa:bb:ffff:ffff:ffff:ffff");
    const otherSlash64 = await guard.check("2001:db8:aa:bc::1");
    // Assess
    expect(sameSlash64.blocked).toBe(true);
    expect(otherSlash64.blocked).toBe(false);
  });

  it("counts an IPv4 address and its IPv4-mapped IPv6 spelling as one source", async () => {
    const guard = createBruteForceGuard({ clock: new FakeClock() });
    for (const spelling of ["203.0.113.9", "::ffff:203.0.113.9", "::FFFF:cb00:7109", "203.0.113.9", "[::ffff:203.0.113.9]"]) {
      await guard.recordFailure(spelling);
    }

    expect((await guard.check("203.0.113.9")).blocked).toBe(true);
  });

  it("keeps sources apart", async () => {
    const guard = createBruteForceGuard({ clock: new FakeClock() });
    await fail(guard, "attacker", 5);

    expect((await guard.check("attacker")).blocked).toBe(true);
    expect((await guard.check("someone-else")).blocked).toBe(false);
  });

  it("honours custom limits", async () => {
    const clock = new FakeClock();
    const guard = createBruteForceGuard({ maxFailures: 2, windowSec: 10, blockSec: 60, clock });
    await fail(guard, "s", 2);

    const blocked = await guard.check("s");
    clock.advance(60_000);

    expect(blocked).toEqual({ blocked: true, retryAfterMs: 60_000 });
    expect((await guard.check("s")).blocked).toBe(false);
  });

  it("rejects nonsense options", () => {
    expect(() => createBruteForceGuard({ maxFailures: 0 })).toThrow(/maxFailures/);
  });
});
