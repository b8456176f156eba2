import { BrokenCircuitError } from "cockatiel";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { breakerFor, breakerStates, resetBreakers } from "#foundation/selfops/circuit-breaker.js";
import { AppError } from "#kernel/errors.js";

const boom = async () => {
  throw new Error("provider down");
};

async function failTimes(name: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await breakerFor(name).execute(boom).catch(() => undefined);
}

describe("breakerFor", () => {
  beforeEach(() => {
    resetBreakers();
    // cockatiel reads Date.now(); fake only the clock, not timers or promises.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-23T12:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("opens after 5 consecutive failures and then fails fast without calling the provider", async () => {
    // Prepare
    breakerFor("aws", { failures: 5, halfOpenAfterMs: 30_000 });
    await failTimes("aws", 4);
    const afterFour = breakerStates().aws;
    await failTimes("aws", 1);
    const provider = vi.fn(async () => "ok");
    // Act
    const call = breakerFor("aws").execute(provider);
    // Assess
    expect(afterFour).toBe("closed");
    expect(breakerStates().aws).toBe("open");
    await expect(call).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(provider).not.toHaveBeenCalled();
  });

  it("half-opens after the cooldown; a good trial call closes it", async () => {
    breakerFor("gcp", { failures: 2, halfOpenAfterMs: 30_000 });
    await failTimes("gcp", 2);

    vi.advanceTimersByTime(29_999);
    const beforeCooldown = breakerStates().gcp;
    vi.advanceTimersByTime(1);
    const afterCooldown = breakerStates().gcp;
    const result = await breakerFor("gcp").execute(async () => "recovered");

    expect(beforeCooldown).toBe("open");
    expect(afterCooldown).toBe("half-open");
    expect(result).toBe("recovered");
    expect(breakerStates().gcp).toBe("closed");
  });

  it("re-opens when the half-open trial call fails", async () => {
    breakerFor("azure", { failures: 1, halfOpenAfterMs: 1_000 });
    await failTimes("azure", 1);
    vi.advanceTimersByTime(1_000);

    await expect(breakerFor("azure").execute(boom)).rejects.toThrow("provider down");

    expect(breakerStates().azure).toBe("open");
  });

  it("does not count errors marked retryable: false against the provider", async () => {
    breakerFor("slack", { failures: 2 });
    const badInput = async () => {
      throw new AppError("invalid-argument", "invalid");
    };
    for (let i = 0; i < 5; i++) await breakerFor("slack").execute(badInput).catch(() => undefined);

    expect(breakerStates().slack).toBe("closed");
  });

  it("keeps one breaker per provider name", async () => {
    breakerFor("a", { failures: 1 });
    breakerFor("b", { failures: 1 });
    await failTimes("a", 1);

    expect(breakerFor("a")).toBe(breakerFor("a"));
    expect(breakerStates()).toEqual({ a: "open", b: "closed" });
  });

  it("rejects bad options", () => {
    expect(() => breakerFor("x", { failures: 0 })).toThrow(RangeError);
  });
});
