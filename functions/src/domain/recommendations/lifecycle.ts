import { createHash } from "node:crypto";
import { z } from "zod";
import { paths } from "#kernel/document-paths.js";
import { AppError, failedPrecondition, notFound } from "#kernel/errors.js";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { compareDecimals, MoneyString } from "../billing/money.js";
import type { Deduplicated, ScoredRecommendation } from "./dedup.js";
import { type ProviderLifecycleResolver, type ProviderRecommendationState, ProviderStateConflict } from "./provider-lifecycle.js";
import { RECOMMENDATION_CATEGORIES, RECOMMENDATION_PROVIDERS, type RecommendationState } from "./recommendation.js";

/**
 * Lifecycle of a recommendation in the tenant store (`tenants/{t}/recommendations/{id}`):
 *
 *   active ──claim──► claimed ──done(succeeded|failed)──► succeeded | failed
 *     │                  │
 *     └──dismiss─────────┴──► dismissed (with a reason)
 *
 * `done` is also allowed straight from active (someone applied it without claiming). Succeeded,
 * failed and dismissed are final here; a later sync does not reopen them. Each change carries
 * the etag the caller last saw, when it has one, and a mismatch is refused with `aborted`, so that
 * two people acting on one stale view do not silently overwrite each other; the provider's own
 * etag check works the same way when the change is mirrored back.
 */
export const OPERATIONS = ["claim", "dismiss", "done"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface StoredRecommendation extends ScoredRecommendation {
  readonly state: RecommendationState;
  /** The provider's own state when last synced. */
  readonly providerState: string;
  readonly reason: string | null;
  /** Provider ids of the alternatives de-duplication dropped for this resource, and whether they conflict. */
  readonly alternatives: readonly { providerId: string; action: string; kind: "duplicate" | "conflict" }[];
  readonly updatedAt: string;
  readonly updatedBy: string | null;
  /** The connected cloud account (document id) it was read through: whose credentials mirror changes back. */
  readonly cloudAccount?: string;
}

/** Document id: the provider id holds slashes, so a digest of provider and id names the document. */
export function recommendationDocId(provider: string, providerId: string): string {
  return createHash("sha256").update(`${provider}\n${providerId}`).digest("hex").slice(0, 32);
}

const FINAL: ReadonlySet<RecommendationState> = new Set(["succeeded", "failed", "dismissed"]);

export function nextState(current: RecommendationState, op: Operation, outcome?: "succeeded" | "failed"): Exclude<RecommendationState, "active"> {
  if (FINAL.has(current)) throw failedPrecondition(`the recommendation is already ${current}`);
  if (op === "claim") {
    if (current !== "active") throw failedPrecondition(`only an active recommendation can be claimed; it is ${current}`);
    return "claimed";
  }
  if (op === "dismiss") return "dismissed";
  if (!outcome) throw new AppError("invalid-argument", "done needs an outcome: succeeded or failed");
  return outcome;
}

/** Provider states that a sync may adopt while the local one is still open (someone acted in the provider's console). */
function adoptProviderState(local: RecommendationState, provider: string): RecommendationState {
  if (FINAL.has(local)) return local;
  if (provider === "claimed" || provider === "succeeded" || provider === "failed" || provider === "dismissed") return provider;
  return local;
}

/**
 * Writes one sync's de-duplicated recommendations. A new one starts in the provider's state (active
 * unless it was already acted on there); an existing one keeps its local lifecycle and reason,
 * takes the fresh savings, score and etag.
 */
export async function storeSynced(
  store: DocumentStore,
  tenantId: string,
  dedup: Deduplicated,
  providerStates: ReadonlyMap<string, string>,
  now: Date,
  /** Provider id → the cloud account document it was read through. */
  cloudAccounts: ReadonlyMap<string, string> = new Map(),
): Promise<{ written: number }> {
  const alternatives = new Map<string, StoredRecommendation["alternatives"]>();
  for (const s of dedup.superseded) {
    alternatives.set(
      `${s.kept.provider}\n${s.kept.providerId}`,
      s.dropped.map((d) => ({ providerId: d.providerId, action: d.action, kind: d.action === s.kept.action ? "duplicate" : "conflict" })),
    );
  }
  for (const rec of dedup.kept) {
    const providerState = providerStates.get(rec.providerId) ?? "active";
    await store.update<DocumentData>(paths.recommendation(tenantId, recommendationDocId(rec.provider, rec.providerId)), (cur) => {
      const prev = cur as unknown as StoredRecommendation | null;
      const local: RecommendationState = prev?.state ?? "active";
      const state = adoptProviderState(local, providerState);
      // A state adopted from the provider changes now: realized savings count from that day.
      const changed = prev !== null && state !== local;
      const next: StoredRecommendation = {
        ...rec,
        state,
        providerState,
        reason: prev?.reason ?? null,
        alternatives: alternatives.get(`${rec.provider}\n${rec.providerId}`) ?? [],
        updatedAt: changed ? now.toISOString() : (prev?.updatedAt ?? now.toISOString()),
        updatedBy: changed ? `provider:${rec.provider}` : (prev?.updatedBy ?? null),
      };
      // The realized-savings measure (realized.ts) is written once and survives later syncs.
      const realized = (cur as { realized?: unknown } | null)?.realized;
      const cloudAccount = cloudAccounts.get(rec.providerId) ?? prev?.cloudAccount;
      return {
        ...next,
        ...(cloudAccount === undefined ? {} : { cloudAccount }),
        ...(realized === undefined ? {} : { realized }),
        syncedAt: now.toISOString(),
      } as unknown as DocumentData;
    });
  }
  return { written: dedup.kept.length };
}

const Id = z.string().regex(/^[0-9a-f]{32}$/, "a recommendation id");

export const UpdateRecommendationInput = z
  .strictObject({
    id: Id,
    op: z.enum(OPERATIONS),
    outcome: z.enum(["succeeded", "failed"]).optional(),
    reason: z.string().min(1).max(2000).optional(),
    /** The etag the caller saw; when given it must still be current. */
    etag: z.string().max(256).optional(),
  })
  .refine((u) => u.op !== "dismiss" || u.reason !== undefined, { message: "dismiss needs a reason" })
  .refine((u) => u.op !== "done" || u.outcome !== undefined, { message: "done needs an outcome: succeeded or failed" });

const stale = () => new AppError("aborted", "the recommendation changed since it was read; reload it and try again");

/**
 * One lifecycle change. When `mirror` gives the recommendation a provider lifecycle (and it has an
 * etag), the change is made at the provider first, with the stored etag: a stale etag there
 * (ProviderStateConflict) refreshes the stored etag and provider state and is refused with
 * `aborted`, so that the caller reloads and decides again; any other provider failure leaves the
 * stored recommendation as it was. Only then is the change stored, with the provider's new etag.
 * Should the stored copy change between the two (another change, a sync), the change is refused
 * with `aborted` and the next sync adopts the state the provider now holds.
 */
export async function updateRecommendation(
  store: DocumentStore,
  tenantId: string,
  u: z.output<typeof UpdateRecommendationInput>,
  by: string,
  now: Date,
  mirror?: ProviderLifecycleResolver,
): Promise<StoredRecommendation & { id: string }> {
  const path = paths.recommendation(tenantId, u.id);
  const read = (await store.get<DocumentData>(path)) as unknown as StoredRecommendation | null;
  if (!read) throw notFound(`recommendation ${u.id}`);
  if (u.etag !== undefined && u.etag !== read.etag) throw stale();
  const state = nextState(read.state, u.op, u.outcome);
  const lifecycle = read.etag && mirror ? await mirror(tenantId, read) : null;
  let provider: ProviderRecommendationState | null = null;
  if (lifecycle && read.etag) {
    try {
      provider = await lifecycle.mark(read.providerId, state, read.etag);
    } catch (err) {
      if (err instanceof ProviderStateConflict) {
        await store.update<DocumentData>(path, (cur) => (cur ? { ...cur, etag: err.current.etag, providerState: err.current.providerState } : null));
      }
      throw err;
    }
  }
  const updated = await store.update<DocumentData>(path, (cur) => {
    if (!cur) return null;
    const prev = cur as unknown as StoredRecommendation;
    if (prev.etag !== read.etag || prev.state !== read.state) throw stale();
    return {
      ...cur,
      state,
      reason: u.reason ?? prev.reason ?? null,
      updatedAt: now.toISOString(),
      updatedBy: by,
      ...(provider ? { etag: provider.etag, providerState: provider.providerState } : {}),
    };
  });
  if (!updated) throw notFound(`recommendation ${u.id}`);
  return { ...(updated as unknown as StoredRecommendation), id: u.id };
}

export const ListRecommendationsInput = z.strictObject({
  provider: z.enum(RECOMMENDATION_PROVIDERS).optional(),
  category: z.enum(RECOMMENDATION_CATEGORIES).optional(),
  state: z.enum(["active", "claimed", "succeeded", "failed", "dismissed"]).optional(),
  /** Minimum monthly savings, compared within `currency` (amounts in other currencies are left out when it is given). */
  minSavings: MoneyString.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** At most this many documents are read per list; a tenant has far fewer open recommendations. */
const READ_CAP = 5000;

/** Sorted by score (then savings within one currency, then id); filters applied before the limit. */
export async function listRecommendations(
  store: DocumentStore,
  tenantId: string,
  q: z.output<typeof ListRecommendationsInput>,
): Promise<{ items: (StoredRecommendation & { id: string })[]; total: number }> {
  const where: [string, "==", unknown][] = [];
  if (q.provider) where.push(["provider", "==", q.provider]);
  if (q.category) where.push(["category", "==", q.category]);
  if (q.state) where.push(["state", "==", q.state]);
  const all: (StoredRecommendation & { id: string })[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list<DocumentData>(paths.recommendations(tenantId), { limit: 500, ...(where.length ? { where } : {}), ...(cursor ? { startAfter: cursor } : {}) });
    for (const d of page.docs) all.push({ ...(d.data as unknown as StoredRecommendation), id: d.id });
    cursor = page.next ?? undefined;
  } while (cursor && all.length < READ_CAP);
  const kept = all.filter(
    (r) =>
      (q.currency === undefined || r.monthlySavings.currency === q.currency) &&
      (q.minSavings === undefined || compareDecimals(r.monthlySavings.amount, q.minSavings) >= 0),
  );
  kept.sort((a, b) => {
    if (a.score !== b.score) return b.score - a.score;
    if (a.monthlySavings.currency === b.monthlySavings.currency) {
      const c = compareDecimals(b.monthlySavings.amount, a.monthlySavings.amount);
      if (c !== 0) return c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return { items: kept.slice(0, q.limit), total: kept.length };
}
