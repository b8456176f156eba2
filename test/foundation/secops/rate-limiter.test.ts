import { describe, expect, it } from "vitest";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import { FakeClock } from "./fake-clock.js";

async function consumeN(limiter: ReturnType<typeof createRateLimiter>, n: number, id = "u1", endpoint = "getCostSummary") {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await limiter.consume(id, endpoint));
  return results;
}

describe("createRateLimiter", () => {
  it("allows 100 calls per 60 s by default, then denies with a retry delay", async () => {
    // Prepare
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock });
    // Act
    const first100 = await consumeN(limiter, 100);
    const denied = await limiter.consume("u1", "getCostSummary");
    // Assess
    expect(first100.every((r) => r.allowed)).toBe(true);
    expect(first100.at(-1)?.remaining).toBe(0);
    expect(denied).toEqual({ allowed: false, remaining: 0, retryAfterMs: 600 });
  });

  it("refills continuously: one token after 0.6 s, the whole bucket after 60 s", async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock });
    await consumeN(limiter, 100);

    clock.advance(600);
    const afterOneToken = await consumeN(limiter, 2);
    clock.advance(60_000);
    const afterFullRefill = await consumeN(limiter, 101);

    expect(afterOneToken.map((r) => r.allowed)).toEqual([true, false]);
    expect(afterFullRefill.filter((r) => r.allowed)).toHaveLength(100);
    expect(afterFullRefill.at(-1)?.allowed).toBe(false);
  });

  it("keeps separate buckets per identity and per endpoint", async () => {
    const limiter = createRateLimiter({ clock: new FakeClock(), points: 2, durationSec: 60 });
    await consumeN(limiter, 2, "u1", "a");

    const sameBoth = await limiter.consume("u1", "a");
    const otherIdentity = await limiter.consume("u2", "a");
    const otherEndpoint = await limiter.consume("u1", "b");

    expect([sameBoth.allowed, otherIdentity.allowed, otherEndpoint.allowed]).toEqual([false, true, true]);
  });

  it.each([
    { endpoint: "testAlertChannel", allowed: 5 },
    { endpoint: "recordLlmUsage", allowed: 600 },
    { endpoint: "listBudgets", allowed: 100 },
  ])("applies the per-endpoint override for $endpoint ($allowed per window)", async ({ endpoint, allowed }) => {
    const limiter = createRateLimiter({
      clock: new FakeClock(),
      overrides: { testAlertChannel: { points: 5, durationSec: 60 }, recordLlmUsage: { points: 600, durationSec: 60 } },
    });

    const results = await consumeN(limiter, allowed + 1, "u1", endpoint);

    expect(results.filter((r) => r.allowed)).toHaveLength(allowed);
    expect(results.at(-1)?.allowed).toBe(false);
    expect(limiter.limitFor(endpoint).points).toBe(allowed);
  });

  it("scales a bucket's capacity and refill by `scale`, apart from the unscaled bucket", async () => {
    // Prepare
    const clock = new FakeClock();
    const limiter = createRateLimiter({ clock, points: 2, durationSec: 60 });
    // Act
    const scaled = [];
    for (let i = 0; i < 21; i++) scaled.push(await limiter.consume("ip:203.0.113.1", "e", 10));
    const unscaled = await limiter.consume("ip:203.0.113.1", "e");
    clock.advance(3_000); // 20 per 60 s refills one token in 3 s
    const refilled = await limiter.consume("ip:203.0.113.1", "e", 10);
    // Assess
    expect(scaled.filter((r) => r.allowed)).toHaveLength(20);
    expect(scaled.at(-1)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 3_000 });
    expect(unscaled.allowed).toBe(true);
    expect(refilled.allowed).toBe(true);
    await expect(limiter.consume("x", "e", 0.5)).rejects.toThrow(/scale/);
  });

  it("does not confuse identities that contain separator characters", async () => {
    const limiter = createRateLimiter({ clock: new FakeClock(), points: 1 });
    await limiter.consume("a:b", "c");

    const other = await limiter.consume("a", "b:c");

    expect(other.allowed).toBe(true);
  });

  it.each([
    { opts: { points: 0 }, message: /points/ },
    { opts: { durationSec: 0 }, message: /durationSec/ },
    { opts: { overrides: { x: { points: -1, durationSec: 1 } } }, message: /override "x"/ },
  ])("rejects bad options $opts", ({ opts, message }) => {
    expect(() => createRateLimiter(opts)).toThrow(message);
  });

  it("forgets the least recently used bucket beyond maxBuckets", async () => {
    const limiter = createRateLimiter({ clock: new FakeClock(), points: 1, maxBuckets: 2 });
    await limiter.consume("u1", "e");
    await limiter.consume("u2", "e");
    await limiter.consume("u3", "e"); // evicts u1

    const u1Again = await limiter.consume("u1", "e");
    const u3Again = await limiter.consume("u3", "e");

    expect(u1Again.allowed).toBe(true);
    expect(u3Again.allowed).toBe(false);
  });
});
