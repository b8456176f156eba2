import { type Clock, systemClock } from "#kernel/ports.js";

/**
 * F4 rate limit: a token bucket per identity and endpoint (DESIGN.md §6 step 4).
 *
 * A bucket holds `points` tokens and refills continuously at `points / durationSec` per second,
 * so "100 per 60 s" allows a burst of 100 and then one call every 0.6 s. Written on the Clock port
 * rather than rate-limiter-flexible's RateLimiterMemory because that one reads Date.now() and
 * timers, which a fake clock cannot drive. Memory is per instance, like Cloud Functions instances.
 */
export interface RateLimit {
  points: number;
  durationSec: number;
}

export interface RateLimiterOptions {
  /** Tokens per bucket; default 100. */
  points?: number;
  /** Seconds to refill a whole bucket; default 60. */
  durationSec?: number;
  /** Per-endpoint limits (endpoint name → limit), from config `rate_limit.overrides`. */
  overrides?: Record<string, RateLimit>;
  clock?: Clock;
  /** Buckets kept before the least recently used are dropped; default 10,000. */
  maxBuckets?: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole tokens left after this call. */
  remaining: number;
  /** 0 when allowed; otherwise how long until one token is back. */
  retryAfterMs: number;
}

export interface RateLimiter {
  /**
   * Takes one token from the bucket of (identity, endpoint). `scale` multiplies the endpoint's
   * limit for this bucket (capacity and refill alike): a source address shared by many people
   * gets a larger bucket than one person.
   */
  consume(identity: string, endpoint: string, scale?: number): Promise<RateLimitDecision>;
  /** The limit that applies to an endpoint (for `X-RateLimit-*`-style details). */
  limitFor(endpoint: string): RateLimit;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

function checkLimit(where: string, limit: RateLimit): RateLimit {
  if (!Number.isFinite(limit.points) || limit.points < 1) {
    throw new RangeError(`${where}: points must be a number >= 1, got ${limit.points}`);
  }
  if (!Number.isFinite(limit.durationSec) || limit.durationSec <= 0) {
    throw new RangeError(`${where}: durationSec must be > 0, got ${limit.durationSec}`);
  }
  return limit;
}

export function createRateLimiter(opts: RateLimiterOptions = {}): RateLimiter {
  const clock = opts.clock ?? systemClock;
  const maxBuckets = opts.maxBuckets ?? 10_000;
  const base = checkLimit("rate limit", { points: opts.points ?? 100, durationSec: opts.durationSec ?? 60 });
  const overrides = new Map<string, RateLimit>();
  for (const [endpoint, limit] of Object.entries(opts.overrides ?? {})) {
    overrides.set(endpoint, checkLimit(`rate limit override "${endpoint}"`, limit));
  }
  // Map keeps insertion order: re-inserting on use makes the first key the least recently used.
  const buckets = new Map<string, Bucket>();

  function limitFor(endpoint: string): RateLimit {
    return overrides.get(endpoint) ?? base;
  }

  async function consume(identity: string, endpoint: string, scale = 1): Promise<RateLimitDecision> {
    if (!Number.isFinite(scale) || scale < 1) throw new RangeError(`rate limit scale must be a number >= 1, got ${scale}`);
    const endpointLimit = limitFor(endpoint);
    const limit = { points: endpointLimit.points * scale, durationSec: endpointLimit.durationSec };
    const perMs = limit.points / (limit.durationSec * 1000);
    const now = clock.now().getTime();
    // JSON array as key: identities and endpoints may contain any separator character.
    const key = JSON.stringify([identity, endpoint, scale]);
    const previous = buckets.get(key);
    const bucket: Bucket = previous
      ? {
          tokens: Math.min(limit.points, previous.tokens + Math.max(0, now - previous.updatedMs) * perMs),
          updatedMs: now,
        }
      : { tokens: limit.points, updatedMs: now };
    buckets.delete(key);
    let decision: RateLimitDecision;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      decision = { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterMs: 0 };
    } else {
      decision = { allowed: false, remaining: 0, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
    }
    buckets.set(key, bucket);
    if (buckets.size > maxBuckets) {
      const oldest = buckets.keys().next().value;
      if (oldest !== undefined) buckets.delete(oldest);
    }
    return decision;
  }

  return { consume, limitFor };
}
