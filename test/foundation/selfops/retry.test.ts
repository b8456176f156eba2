import { describe, expect, it, vi } from "vitest";
import { retryWithBackoff } from "#foundation/selfops/retry.js";

const fast = { baseMs: 1, maxMs: 2 };

class Transient extends Error {}

describe("retryWithBackoff", () => {
  it.each([
    { failures: 0, maxAttempts: 3, calls: 1 },
    { failures: 1, maxAttempts: 3, calls: 2 },
    { failures: 2, maxAttempts: 3, calls: 3 },
    { failures: 4, maxAttempts: 5, calls: 5 },
  ])("succeeds after $failures failures in $calls calls (max $maxAttempts)", async ({ failures, maxAttempts, calls }) => {
    // Prepare
    const seen: number[] = [];
    const fn = async (attempt: number) => {
      seen.push(attempt);
      if (attempt <= failures) throw new Transient(`fail ${attempt}`);
      return "done";
    };
    // Act
    const result = await retryWithBackoff(fn, { maxAttempts, ...fast });
    // Assess
    expect(result).toBe("done");
    expect(seen).toEqual(Array.from({ length: calls }, (_, i) => i + 1));
  });

  it("gives up after maxAttempts and rethrows the last error", async () => {
    const fn = vi.fn(async (attempt: number) => {
      throw new Transient(`fail ${attempt}`);
    });

    await expect(retryWithBackoff(fn, { maxAttempts: 4, ...fast })).rejects.toThrow("fail 4");
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it("passes a non-retryable error (retryable: false) straight through on the first attempt", async () => {
    const notRetryable = Object.assign(new Error("bad input"), { retryable: false });
    const fn = vi.fn(async () => {
      throw notRetryable;
    });

    await expect(retryWithBackoff(fn, { maxAttempts: 5, ...fast })).rejects.toBe(notRetryable);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("uses a custom isRetryable predicate", async () => {
    const fn = vi.fn(async (attempt: number) => {
      throw attempt === 1 ? new Transient("retry me") : new TypeError("stop");
    });

    await expect(
      retryWithBackoff(fn, { maxAttempts: 5, ...fast, isRetryable: (e) => e instanceof Transient }),
    ).rejects.toThrow("stop");
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("waits between attempts, never longer than maxMs", async () => {
    vi.useFakeTimers();
    try {
      // Prepare
      const fn = vi.fn(async (attempt: number) => {
        if (attempt < 3) throw new Transient("again");
        return attempt;
      });
      // Act
      const pending = retryWithBackoff(fn, { maxAttempts: 3, baseMs: 1_000, maxMs: 5_000 });
      await vi.advanceTimersByTimeAsync(0);
      const callsBeforeAnyDelay = fn.mock.calls.length;
      await vi.advanceTimersByTimeAsync(5_000);
      await vi.advanceTimersByTimeAsync(5_000);
      // Assess
      expect(callsBeforeAnyDelay).toBe(1);
      await expect(pending).resolves.toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    { maxAttempts: 0, baseMs: 1, maxMs: 1 },
    { maxAttempts: 1.5, baseMs: 1, maxMs: 1 },
    { maxAttempts: 2, baseMs: 10, maxMs: 1 },
  ])("rejects bad options %o", async (opts) => {
    await expect(retryWithBackoff(async () => 1, opts)).rejects.toThrow(RangeError);
  });
});
