import { createHash } from "node:crypto";
import { z } from "zod";
import { paths } from "#kernel/document-paths.js";
import type { Clock, DocumentData, DocumentStore } from "#kernel/ports.js";
import { decide, emptyState, type LockoutLimits, type SourceState, withFailure } from "./brute-force-state.js";
import type { BruteForceGuard } from "./brute-force.js";

/**
 * The brute-force guard with its state in the DocumentStore (`platform/brute_force/sources/{digest}`),
 * so that every instance counts the same failures: guesses spread over instances still lock the
 * source out. Each failure is one atomic `update` (a Firestore transaction), so concurrent
 * failures on several instances are all counted.
 *
 * Cost per request: `check` reads the source's document once; a failure adds one transaction.
 * Successes write nothing: they do not change the count (brute-force-state.ts says why).
 *
 * A store failure propagates (an AppError, retryable when the store says so): the request fails
 * rather than skip the lockout.
 *
 * The source is stored as a SHA-256 digest: the document id is path-safe and the store holds no
 * client address. A document stays after its failures have aged out (`updatedAt` says when it
 * last changed), until a sweep or a TTL policy removes it; a later failure starts from it as from
 * an empty state.
 *
 * @example
 *   // Normally through createBruteForceGuard({ store, clock, ... }), which validates the limits.
 *   const guard = createStoreBruteForceGuard({ store, clock, limits: { maxFailures: 5, windowMs: 300_000, blockMs: 1_800_000 } });
 */
export interface StoreBruteForceOptions {
  store: DocumentStore;
  clock: Clock;
  limits: LockoutLimits;
}

const StoredState = z.object({
  failures: z.array(z.number()),
  blockedUntilMs: z.number(),
});

type StoredDoc = SourceState & { updatedAt: string } & DocumentData;

/** A stored state, or an empty one when the document is absent or not one of ours. */
function readState(raw: unknown): SourceState {
  const parsed = StoredState.safeParse(raw);
  return parsed.success ? { failures: parsed.data.failures, blockedUntilMs: parsed.data.blockedUntilMs } : emptyState();
}

export function sourceDigest(source: string): string {
  return createHash("sha256").update(source, "utf8").digest("hex");
}

export function createStoreBruteForceGuard(opts: StoreBruteForceOptions): BruteForceGuard {
  const { store, clock, limits } = opts;
  return {
    async check(source) {
      const state = readState(await store.get(paths.bruteForceSource(sourceDigest(source))));
      return decide(state, clock.now().getTime());
    },
    async recordFailure(source) {
      await store.update<StoredDoc>(paths.bruteForceSource(sourceDigest(source)), (cur) => {
        const now = clock.now().getTime();
        return { ...withFailure(readState(cur), now, limits), updatedAt: new Date(now).toISOString() };
      });
    },
  };
}
