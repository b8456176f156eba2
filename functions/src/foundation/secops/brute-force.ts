import { type Clock, systemClock } from "#kernel/ports.js";

/**
 * F4 brute-force lockout (issue 4): 5 failed authentications from one source within 5 minutes
 * block that source for 30 minutes. A success clears the failure history; it does not lift an
 * active block (otherwise one stolen credential would unblock a guessing source).
 */
export interface BruteForceOptions {
  maxFailures?: number;
  windowSec?: number;
  blockSec?: number;
  clock?: Clock;
}

export interface BruteForceGuard {
  check(source: string): Promise<{ blocked: boolean; retryAfterMs: number }>;
  recordFailure(source: string): Promise<void>;
  recordSuccess(source: string): Promise<void>;
}

interface SourceState {
  /** Failure times (ms) inside the sliding window. */
  failures: number[];
  blockedUntilMs: number;
}

export function createBruteForceGuard(opts: BruteForceOptions = {}): BruteForceGuard {
  const clock = opts.clock ?? systemClock;
  const maxFailures = opts.maxFailures ?? 5;
  const windowMs = (opts.windowSec ?? 300) * 1000;
  const blockMs = (opts.blockSec ?? 1800) * 1000;
  if (!Number.isInteger(maxFailures) || maxFailures < 1) throw new RangeError("maxFailures must be an integer >= 1");
  if (!(windowMs > 0) || !(blockMs > 0)) throw new RangeError("windowSec and blockSec must be > 0");
  const sources = new Map<string, SourceState>();

  function stateOf(source: string, now: number): SourceState {
    const state = sources.get(source) ?? { failures: [], blockedUntilMs: 0 };
    state.failures = state.failures.filter((t) => now - t < windowMs);
    return state;
  }

  function forget(source: string, state: SourceState, now: number): void {
    if (state.failures.length === 0 && state.blockedUntilMs <= now) sources.delete(source);
    else sources.set(source, state);
  }

  return {
    async check(source) {
      const now = clock.now().getTime();
      const state = stateOf(source, now);
      forget(source, state, now);
      return state.blockedUntilMs > now
        ? { blocked: true, retryAfterMs: state.blockedUntilMs - now }
        : { blocked: false, retryAfterMs: 0 };
    },
    async recordFailure(source) {
      const now = clock.now().getTime();
      const state = stateOf(source, now);
      state.failures.push(now);
      if (state.failures.length >= maxFailures) {
        state.blockedUntilMs = now + blockMs;
        state.failures = [];
      }
      forget(source, state, now);
    },
    async recordSuccess(source) {
      const now = clock.now().getTime();
      const state = stateOf(source, now);
      state.failures = [];
      forget(source, state, now);
    },
  };
}
