import { describe, expect, it } from "vitest";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { FakeClock } from "./fake-clock.js";

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

  it("clears the failure count on success, but a success does not lift an active block", async () => {
    const clock = new FakeClock();
    const guard = createBruteForceGuard({ clock });
    await fail(guard, "s", 4);
    await guard.recordSuccess("s");
    await fail(guard, "s", 4);
    const afterReset = await guard.check("s");
    await fail(guard, "s", 1);
    await guard.recordSuccess("s");
    const afterBlockAndSuccess = await guard.check("s");

    expect(afterReset.blocked).toBe(false);
    expect(afterBlockAndSuccess.blocked).toBe(true);
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
