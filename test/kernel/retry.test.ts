import { describe, expect, it } from "vitest";
import { AppError } from "#kernel/errors.js";
import { backoffRetry, isRetryable } from "#kernel/retry.js";

/** The one retry helper: attempts count the first try, non-retryable AppErrors pass through, hints stretch delays. */
describe("backoffRetry", () => {
  it("makes exactly `attempts` calls, then gives up with the last error", async () => {
    let calls = 0;
    const policy = backoffRetry({ attempts: 3, baseMs: 0, maxMs: 0 });
    await expect(
      policy.execute(async () => {
        calls++;
        throw new AppError("unavailable", `try ${calls}`);
      }),
    ).rejects.toThrow("try 3");
    expect(calls).toBe(3);
  });

  it("does not retry an AppError that says it will not go away", async () => {
    let calls = 0;
    const policy = backoffRetry({ attempts: 5, baseMs: 0, maxMs: 0 });
    await expect(
      policy.execute(async () => {
        calls++;
        throw new AppError("invalid-argument", "bad scope");
      }),
    ).rejects.toThrow("bad scope");
    expect(calls).toBe(1);
  });

  it("waits at least the delay a failure asks for, but never beyond maxMs", async () => {
    const stamps: number[] = [];
    const policy = backoffRetry({ attempts: 2, baseMs: 0, maxMs: 80, jitter: "none", hintedDelayMs: () => 60 });
    await policy
      .execute(async () => {
        stamps.push(performance.now());
        throw new AppError("unavailable", "busy");
      })
      .catch(() => undefined);
    expect(stamps).toHaveLength(2);
    expect((stamps[1] as number) - (stamps[0] as number)).toBeGreaterThanOrEqual(55);
  });

  it.each([
    [new AppError("unavailable", "x"), true],
    [new AppError("permission-denied", "x"), false],
    [new Error("socket hang up"), true],
  ])("isRetryable(%s) is %s", (err, expected) => {
    expect(isRetryable(err)).toBe(expected);
  });

  it("refuses fewer than one attempt", () => {
    expect(() => backoffRetry({ attempts: 0, baseMs: 0, maxMs: 0 })).toThrow(RangeError);
  });
});
