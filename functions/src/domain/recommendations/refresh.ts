import { addDays } from "#kernel/days.js";
import type { DocumentStore } from "#kernel/ports.js";
import { checkRealizedSavings, type LedgerReader, type RealizedReport } from "./realized.js";
import type { ScoringOptions } from "./scoring.js";
import { type RecommendationSourceResolver, syncTenantRecommendations, type TenantSyncReport } from "./sync.js";

/**
 * Providers finalize a day's costs within about 72 hours: realized savings are measured only on
 * days at least this much older than the run.
 */
export const LEDGER_SETTLE_DAYS = 3;

export interface RecommendationsRefresh {
  readonly sync: TenantSyncReport;
  readonly realized: RealizedReport;
}

/**
 * One tenant's recommendations step, as the scheduled `syncRecommendations` and the local nightly
 * run it: every connected account's recommendations synced (scored, de-duplicated, stored), then
 * the succeeded ones checked against the ledger up to `runDate` − LEDGER_SETTLE_DAYS.
 *
 * @example
 *   const r = await refreshTenantRecommendations({ store, ledger, resolve, now }, "acme", "2026-12-05");
 *   r.sync.kept; r.realized.byRecommender;
 */
export async function refreshTenantRecommendations(
  p: { store: DocumentStore; ledger: LedgerReader; resolve: RecommendationSourceResolver; now: Date; scoring?: ScoringOptions },
  tenantId: string,
  runDate: string,
): Promise<RecommendationsRefresh> {
  const sync = await syncTenantRecommendations(p.store, tenantId, p.resolve, p.now, p.scoring);
  const realized = await checkRealizedSavings(p.store, p.ledger, tenantId, { lastDay: addDays(runDate, -LEDGER_SETTLE_DAYS) });
  return { sync, realized };
}
