import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/**
 * Faults a replay server can inject instead of answering. Each server renders them in its
 * provider's real wire format (AWS awsJson1_1 error shapes, ARM 429 headers, BigQuery errors).
 * "job-running" is BigQuery's own slow-query answer (`jobComplete: false`); other servers ignore it.
 */
export type Fault = "throttle" | "server-error" | "timeout" | "malformed" | "reset" | "job-running";

/** Decides, per provider call, whether to answer or inject a fault. */
export type FaultPlan = (requestIndex: number) => Fault | null;

export const noFaults: FaultPlan = () => null;

/** The listed faults on the first calls, then clean answers. */
export function scriptedFaults(faults: (Fault | null)[]): FaultPlan {
  return (i) => faults[i] ?? null;
}

/** The same fault forever: exhausts any retry budget. */
export function alwaysFault(fault: Fault): FaultPlan {
  return () => fault;
}

/**
 * Seeded transient faults: each call fails with probability `rate` (in percent), drawing the
 * kind from `kinds`. Deterministic for a seed, so a failing run can be replayed exactly.
 */
export function seededFaults(seed: number, ratePercent: number, kinds: Fault[]): FaultPlan {
  const rng = xoroshiro128plus(seed);
  return () => {
    if (uniformInt(rng, 0, 99) >= ratePercent) return null;
    return kinds[uniformInt(rng, 0, kinds.length - 1)] ?? null;
  };
}
