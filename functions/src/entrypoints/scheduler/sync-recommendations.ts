import { refreshTenantRecommendations } from "#domain/recommendations/refresh.js";
import { paths } from "#kernel/document-paths.js";
import { defineScheduledHandler } from "../define.js";

/**
 * Each morning (06:00 UTC, after the nightly): every tenant's recommendations from every connected
 * account (deps.recommendationsFor: GCP Recommender, Cost Explorer, Advisor, or the demo's),
 * scored, de-duplicated across recommenders and clouds, stored; then the succeeded ones whose
 * window has passed are checked against the ledger (domain/recommendations/refresh.ts).
 */
export const syncRecommendations = defineScheduledHandler({
  name: "syncRecommendations",
  schedule: "0 6 * * *",
  timeZone: "Etc/UTC",
  handler: async ({ ctx, deps }) => {
    const now = deps.clock.now();
    const runDate = now.toISOString().slice(0, 10);
    let after: string | undefined;
    do {
      const tenants = await deps.documents.list(paths.tenants(), { limit: 300, ...(after ? { startAfter: after } : {}) });
      for (const t of tenants.docs) {
        const { sync: r, realized } = await refreshTenantRecommendations({ store: deps.documents, ledger: deps.warehouse, resolve: deps.recommendationsFor, now }, t.id, runDate);
        ctx.log.info("recommendations synced", {
          tenantId: t.id,
          found: r.found,
          kept: r.kept,
          conflicts: r.conflicts,
          savings: r.savings,
          realized: realized.byRecommender,
        });
        for (const f of r.failedAccounts) ctx.log.warn("recommendations not read for an account", { tenantId: t.id, accountId: f.accountId, error: f.error });
      }
      after = tenants.next;
    } while (after);
  },
});
