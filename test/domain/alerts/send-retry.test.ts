import { describe, expect, it } from "vitest";
import {
  createSendRetryPolicy,
  networkErrorReason,
  parseRetryAfter,
  TransientSendError,
} from "#domain/alerts/send-retry.js";

describe("send retry policy", () => {
  it.each([
    ["a Retry-After longer than the backoff stretches the wait", 30, 30, 50],
    ["a Retry-After beyond the cap is capped", 10_000, 50, 50],
  ])("%s", async (_label, retryAfterMs, min, max) => {
    // Prepare
    const policy = createSendRetryPolicy({ retries: 2, initialDelayMs: 1, maxDelayMs: 50 });
    const delays: number[] = [];
    policy.onRetry((e) => delays.push(e.delay));
    let calls = 0;
    // Act
    const result = await policy.execute(() => {
      calls++;
      if (calls === 1) throw new TransientSendError(429, "Slack 429 rate_limited", retryAfterMs);
      return "ok";
    });
    // Assess
    expect(result).toBe("ok");
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(min);
    expect(delays[0]).toBeLessThanOrEqual(max);
  });

  it("gives up after the configured retries and does not retry other errors", async () => {
    const policy = createSendRetryPolicy({ retries: 2, initialDelayMs: 1, maxDelayMs: 2 });
    let calls = 0;
    await expect(
      policy.execute(() => {
        calls++;
        throw new TransientSendError(503, "down");
      }),
    ).rejects.toThrow("down");
    expect(calls).toBe(3);
    let other = 0;
    await expect(
      policy.execute(() => {
        other++;
        throw new Error("bug");
      }),
    ).rejects.toThrow("bug");
    expect(other).toBe(1);
  });

  it.each([
    ["120", 120_000],
    ["0", 0],
    ["Fri, 20 Nov 2026 12:00:30 GMT", 30_000],
    ["soon", undefined],
    [null, undefined],
  ])("parses Retry-After %s", (header, ms) => {
    expect(parseRetryAfter(header, new Date("2026-11-20T12:00:00Z"))).toBe(ms);
  });

  it("names a network failure by its code, never by the URL", () => {
    const err = Object.assign(new TypeError("fetch failed https://hooks.slack.com/services/T/B/secret"), {
      cause: { code: "ECONNRESET", message: "socket hang up" },
    });
    expect(networkErrorReason(err)).toBe("network error: ECONNRESET");
  });
});
