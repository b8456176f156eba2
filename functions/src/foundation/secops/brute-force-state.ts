/**
 * The lockout rule as pure transitions over one source's state, shared by the in-memory guard and
 * the store-backed one so that both count and block the same way: failures inside a sliding
 * window; the failure that reaches the limit blocks the source and starts a fresh count. Nothing
 * else changes the state: a success is not a transition at all, because a source that can
 * forget its failures by signing in once (with a credential it holds) could interleave that
 * credential with guesses and never reach the limit. Failures leave only by ageing out.
 *
 * @example
 *   const s = withFailure(emptyState(), now, limits); // { failures: [now], blockedUntilMs: 0 }
 *   decide(s, now);                                    // { blocked: false, retryAfterMs: 0 }
 */
export interface SourceState {
  /** Failure times (ms) inside the sliding window. */
  failures: number[];
  blockedUntilMs: number;
}

export interface LockoutLimits {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
}

export interface LockoutDecision {
  blocked: boolean;
  retryAfterMs: number;
}

export const emptyState = (): SourceState => ({ failures: [], blockedUntilMs: 0 });

/** The state with failures older than the window dropped. */
export function pruned(state: SourceState, now: number, windowMs: number): SourceState {
  return { failures: state.failures.filter((t) => now - t < windowMs), blockedUntilMs: state.blockedUntilMs };
}

export function withFailure(state: SourceState, now: number, limits: LockoutLimits): SourceState {
  const s = pruned(state, now, limits.windowMs);
  s.failures.push(now);
  return s.failures.length >= limits.maxFailures ? { failures: [], blockedUntilMs: now + limits.blockMs } : s;
}

export function decide(state: SourceState, now: number): LockoutDecision {
  return state.blockedUntilMs > now ? { blocked: true, retryAfterMs: state.blockedUntilMs - now } : { blocked: false, retryAfterMs: 0 };
}

/** Nothing left to remember: no recent failure and no active block. */
export function isIdle(state: SourceState, now: number): boolean {
  return state.failures.length === 0 && state.blockedUntilMs <= now;
}
