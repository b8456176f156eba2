import { demoRecommendations, type RecommendationSourceResolver, syncTenantRecommendations } from "#domain/recommendations/sync.js";
import { paths } from "#kernel/document-paths.js";
import { defineScheduledHandler } from "../define.js";

/**
 * Demo accounts get the demo source. Provider accounts get none yet: the GCP Recommender adapter
 * exists (adapters/gcp/recommender) but is not composed in deps.ts with per-account credentials.
 */
const resolve: RecommendationSourceResolver = (tenantId, accountId, account) =>
  account.collector === "demo" ? { list: async () => demoRecommendations(tenantId, accountId, account) } : null;

/** Each morning (06:00 UTC, after the nightly): every tenant's recommendations, scored, de-duplicated, stored. */
export const syncRecommendations = defineScheduledHandler({
  name: "syncRecommendations",
  schedule: "0 6 * * *",
  timeZone: "Etc/UTC",
  handler: async ({ ctx, deps }) => {
    const now = deps.clock.now();
    let after: string | undefined;
    do {
      const tenants = await deps.documents.list(paths.tenants(), { limit: 300, ...(after ? { startAfter: after } : {}) });
      for (const t of tenants.docs) {
        const r = await syncTenantRecommendations(deps.documents, t.id, resolve, now);
        ctx.log.info("recommendations synced", { tenantId: t.id, found: r.found, kept: r.kept, conflicts: r.conflicts, savings: r.savings });
      }
      after = tenants.next;
    } while (after);
  },
});
