import type { Clock } from "#kernel/ports.js";
import type { HealthCheck, Readiness } from "./health.js";

/**
 * F5: readiness answers kept for `ttlMs`, so that a burst of unauthenticated probes costs one
 * round of dependency checks, not one per request. Requests that arrive while a round runs share
 * it. `fresh` says whether this answer started a round (health's alert rules watch only those).
 *
 * @example
 *   const ready = cachedReadiness(check, { ttlMs: 5_000, clock });
 *   const { readiness, fresh } = await ready();
 */
export function cachedReadiness(check: Pick<HealthCheck, "readiness">, opts: { ttlMs: number; clock: Clock }) {
  if (!(opts.ttlMs >= 0)) throw new RangeError("ttlMs must be >= 0");
  let last: { at: number; result: Promise<Readiness> } | undefined;
  return async function readiness(): Promise<{ readiness: Readiness; fresh: boolean }> {
    const now = opts.clock.now().getTime();
    if (last && now - last.at < opts.ttlMs && now >= last.at) return { readiness: await last.result, fresh: false };
    const round = { at: now, result: check.readiness() };
    last = round;
    return { readiness: await round.result, fresh: true };
  };
}
