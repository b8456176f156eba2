import { type Clock, type DocumentStore, systemClock } from "#kernel/ports.js";
import { decide, emptyState, isIdle, type LockoutLimits, pruned, type SourceState, withFailure } from "./brute-force-state.js";
import { createStoreBruteForceGuard } from "./brute-force-store.js";
import { lockoutSubject } from "./lockout-subject.js";

/**
 * F4 brute-force lockout: 5 failed authentications from one source within a sliding 5 minutes
 * block that source for 30 minutes. Only failures count, and only time removes them: the guard
 * has no way to report a success, so a source that holds one valid credential cannot interleave
 * it with guesses to reset its count (brute-force-state.ts). An IPv6 source is counted per /64
 * and an address counts the same however it is spelled (lockout-subject.ts).
 *
 * Two modes. Without `store` the state lives in this instance's memory: each instance counts
 * only the guesses it sees, so an attacker spread over N instances gets N times the guesses
 * (fine for tests and a single process). With `store` it lives in the DocumentStore and every
 * instance shares it (brute-force-store.ts): the mode for a deployment with several instances.
 *
 * @example
 *   const guard = createBruteForceGuard({ store: documents, clock });   // shared by instances
 *   if ((await guard.check(source)).blocked) throw lockedOut();
 *   // ... and after a credential failed:
 *   await guard.recordFailure(source);
 */
export interface BruteForceOptions {
  maxFailures?: number;
  windowSec?: number;
  blockSec?: number;
  clock?: Clock;
  /** Keep the state in this store, shared by every instance; default: this instance's memory. */
  store?: DocumentStore;
}

export interface BruteForceGuard {
  check(source: string): Promise<{ blocked: boolean; retryAfterMs: number }>;
  recordFailure(source: string): Promise<void>;
}

export function createBruteForceGuard(opts: BruteForceOptions = {}): BruteForceGuard {
  const clock = opts.clock ?? systemClock;
  const maxFailures = opts.maxFailures ?? 5;
  const windowMs = (opts.windowSec ?? 300) * 1000;
  const blockMs = (opts.blockSec ?? 1800) * 1000;
  if (!Number.isInteger(maxFailures) || maxFailures < 1) throw new RangeError("maxFailures must be an integer >= 1");
  if (!(windowMs > 0) || !(blockMs > 0)) throw new RangeError("windowSec and blockSec must be > 0");
  const limits: LockoutLimits = { maxFailures, windowMs, blockMs };
  const inner = opts.store ? createStoreBruteForceGuard({ store: opts.store, clock, limits }) : createMemoryGuard(clock, limits);
  return {
    check: (source) => inner.check(lockoutSubject(source)),
    recordFailure: (source) => inner.recordFailure(lockoutSubject(source)),
  };
}

function createMemoryGuard(clock: Clock, limits: LockoutLimits): BruteForceGuard {
  const sources = new Map<string, SourceState>();
  const keep = (source: string, state: SourceState, now: number) => {
    if (isIdle(state, now)) sources.delete(source);
    else sources.set(source, state);
  };
  return {
    async check(source) {
      const now = clock.now().getTime();
      const state = pruned(sources.get(source) ?? emptyState(), now, limits.windowMs);
      keep(source, state, now);
      return decide(state, now);
    },
    async recordFailure(source) {
      const now = clock.now().getTime();
      keep(source, withFailure(sources.get(source) ?? emptyState(), now, limits), now);
    },
  };
}
