import { createHash } from "node:crypto";
import { z } from "zod";
import { paths } from "#kernel/document-paths.js";
import type { Clock, DocumentData, DocumentStore } from "#kernel/ports.js";
import { decide, emptyState, isIdle, type LockoutLimits, type SourceState, withFailure, withSuccess } from "./brute-force-state.js";
import type { BruteForceGuard } from "./brute-force.js";

/**
 * The brute-force guard with its state in the DocumentStore (`platform/brute_force/sources/{digest}`),
 * so that every instance counts the same failures: guesses spread over instances still lock the
 * source out. Each failure is one atomic `update` (a Firestore transaction), so concurrent
 * failures on several instances are all counted.
 *
 * Cost per request: `check` reads the source's document once. A failure adds one transaction. A
 * success writes only when this instance has seen failures of the source (in `check` or
 * `recordFailure`); a failure recorded elsewhere since this instance's check then stays until its
 * window passes, which only ever errs towards locking out sooner.
 *
 * A store failure in `check` or `recordFailure` propagates (an AppError, retryable when the store
 * says so): the request fails rather than skip the lockout. `recordSuccess` runs after the call
 * has done its work, so its failure is reported to `onStoreError` and never fails the call.
 *
 * The source is stored as a SHA-256 digest: the document id is path-safe and the store holds no
 * client address. Idle sources are deleted; a source that stops after a failure leaves a small
 * document behind (`updatedAt` says when), until a sweep or a TTL policy removes it.
 *
 * @example
 *   // Normally through createBruteForceGuard({ store, clock, ... }), which validates the limits.
 *   const guard = createStoreBruteForceGuard({ store, clock, limits: { maxFailures: 5, windowMs: 300_000, blockMs: 1_800_000 } });
 */
export interface StoreBruteForceOptions {
  store: DocumentStore;
  clock: Clock;
  limits: LockoutLimits;
  /** Told about a store failure that was not allowed to fail the request (recordSuccess). */
  onStoreError?: (err: unknown) => void;
  /** Sources remembered as "failures seen here", least recently used dropped first; default 10,000. */
  maxRemembered?: number;
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
  const maxRemembered = opts.maxRemembered ?? 10_000;
  const seenFailures = new Map<string, true>();
  const remember = (path: string) => {
    seenFailures.delete(path);
    seenFailures.set(path, true);
    if (seenFailures.size > maxRemembered) {
      const oldest = seenFailures.keys().next().value;
      if (oldest !== undefined) seenFailures.delete(oldest);
    }
  };
  const stored = (state: SourceState, now: number): StoredDoc => ({ ...state, updatedAt: new Date(now).toISOString() });

  return {
    async check(source) {
      const path = paths.bruteForceSource(sourceDigest(source));
      const now = clock.now().getTime();
      const state = readState(await store.get(path));
      if (state.failures.length > 0) remember(path);
      return decide(state, now);
    },
    async recordFailure(source) {
      const path = paths.bruteForceSource(sourceDigest(source));
      remember(path);
      await store.update<StoredDoc>(path, (cur) => {
        const now = clock.now().getTime();
        return stored(withFailure(readState(cur), now, limits), now);
      });
    },
    async recordSuccess(source) {
      const path = paths.bruteForceSource(sourceDigest(source));
      if (!seenFailures.delete(path)) return;
      try {
        await store.update<StoredDoc>(path, (cur) => {
          if (cur === null) return null;
          const now = clock.now().getTime();
          const next = withSuccess(readState(cur), now, limits.windowMs);
          return isIdle(next, now) ? null : stored(next, now);
        });
      } catch (err) {
        opts.onStoreError?.(err);
      }
    },
  };
}
