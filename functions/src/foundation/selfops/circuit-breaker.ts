import { type CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from "cockatiel";
import { isRetryable } from "#kernel/retry.js";

/**
 * F5 circuit breaker per external provider (cockatiel), one per name per instance: after
 * `failures` consecutive failures the circuit opens and calls fail fast with cockatiel's
 * `BrokenCircuitError`; after `halfOpenAfterMs` one trial call is let through (half-open), and its
 * result closes or re-opens the circuit. Errors marked `retryable: false` (bad input, auth) are
 * the caller's fault and do not count against the provider.
 *
 * cockatiel times the open period with Date.now(), so tests drive it with vi.setSystemTime.
 */
export interface BreakerOptions {
  /** Consecutive failures that open the circuit; default 5. */
  failures?: number;
  /** Open period before a trial call; default 30 s. */
  halfOpenAfterMs?: number;
  /** Which errors count as provider failures; default: all but `retryable: false`. */
  isFailure?: (e: unknown) => boolean;
}

export type BreakerState = "closed" | "open" | "half-open";

interface Entry {
  policy: CircuitBreakerPolicy;
  halfOpenAfterMs: number;
}

const breakers = new Map<string, Entry>();

/** The breaker for `name`, created on first use with `opts` (later options are ignored). */
export function breakerFor(name: string, opts: BreakerOptions = {}): CircuitBreakerPolicy {
  const existing = breakers.get(name);
  if (existing) return existing.policy;
  const failures = opts.failures ?? 5;
  const halfOpenAfterMs = opts.halfOpenAfterMs ?? 30_000;
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError("breakerFor: failures must be an integer >= 1");
  if (!(halfOpenAfterMs > 0)) throw new RangeError("breakerFor: halfOpenAfterMs must be > 0");
  const isFailure = opts.isFailure ?? isRetryable;
  const policy = circuitBreaker(
    handleWhen((e) => isFailure(e)),
    { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(failures) },
  );
  breakers.set(name, { policy, halfOpenAfterMs });
  return policy;
}

function stateOf(entry: Entry): BreakerState {
  switch (entry.policy.state) {
    case CircuitState.Closed:
      return "closed";
    case CircuitState.HalfOpen:
      return "half-open";
    case CircuitState.Isolated:
      return "open";
    case CircuitState.Open: {
      // cockatiel stays "Open" until the next call; report half-open once a trial call would be let through.
      const snapshot = entry.policy.toJSON() as { ownState?: { openedAt?: number } };
      const openedAt = snapshot.ownState?.openedAt ?? 0;
      return Date.now() - openedAt >= entry.halfOpenAfterMs ? "half-open" : "open";
    }
    default:
      return "open";
  }
}

/** State of every breaker created so far, for the health function. */
export function breakerStates(): Record<string, BreakerState> {
  const out: Record<string, BreakerState> = {};
  for (const [name, entry] of breakers) out[name] = stateOf(entry);
  return out;
}

/** Forgets every breaker (tests; a new instance starts empty anyway). */
export function resetBreakers(): void {
  breakers.clear();
}
