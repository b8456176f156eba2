import { paths } from "#kernel/document-paths.js";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { type DispatchReport, emptyReport, mergeReports } from "../alerts/dispatch-report.js";
import type { TenantAnalysis } from "./analyze-tenant.js";

/**
 * `tenants/{t}/runs/{runDate}`: one nightly run of one tenant, as its stages leave it. Fan-out
 * writes the pages to collect; each collection (or its failure) moves its page from `pending` to
 * `collected` or `failed` and adds its counts; the one that empties `pending` starts the analysis;
 * analysis and alert dispatch add their results. The dashboards and `costmon nightly`'s summary
 * read it.
 */
export interface CollectionTotals {
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export interface RunDoc extends DocumentData {
  runDate: string;
  startedAt: string;
  pending: string[];
  collected: string[];
  failed: string[];
  collection: CollectionTotals;
  /** When the costs-collected message that starts the analysis was published. */
  analysisRequestedAt?: string;
  analysis?: TenantAnalysis & { finishedAt: string };
  alerts?: DispatchReport;
}

export const emptyTotals = (): CollectionTotals => ({ records: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0 });

export function newRun(runDate: string, pending: string[], startedAt: string): RunDoc {
  return { runDate, startedAt, pending, collected: [], failed: [], collection: emptyTotals() };
}

export async function readRun(store: DocumentStore, tenantId: string, runDate: string): Promise<RunDoc | null> {
  return store.get<RunDoc>(paths.run(tenantId, runDate));
}

/**
 * Moves a page out of `pending` and adds its counts, atomically. Returns the run as it stands
 * after, and whether this call emptied `pending` (exactly one caller sees that, even when pages
 * finish at once on several instances). A page no longer pending (a redelivery) changes nothing.
 */
export async function finishPage(
  store: DocumentStore,
  tenantId: string,
  runDate: string,
  page: string,
  outcome: "collected" | "failed",
  counts: Partial<CollectionTotals> = {},
): Promise<{ run: RunDoc | null; emptiedNow: boolean }> {
  let emptiedNow = false;
  const run = await store.update<RunDoc>(paths.run(tenantId, runDate), (cur) => {
    emptiedNow = false; // the function may run more than once (a transaction retry)
    if (!cur?.pending.includes(page)) return cur;
    const pending = cur.pending.filter((k) => k !== page);
    emptiedNow = pending.length === 0;
    const totals = { ...emptyTotals(), ...cur.collection };
    for (const k of Object.keys(totals) as (keyof CollectionTotals)[]) totals[k] += counts[k] ?? 0;
    return { ...cur, pending, [outcome]: [...cur[outcome], page], collection: totals };
  });
  return { run, emptiedNow };
}

/** Records that the analysis was asked for, so a redelivered last page does not ask again. */
export async function markAnalysisRequested(store: DocumentStore, tenantId: string, runDate: string, now: Date): Promise<void> {
  await store.update<RunDoc>(paths.run(tenantId, runDate), (cur) => (cur ? { ...cur, analysisRequestedAt: now.toISOString() } : cur));
}

/** Adds one dispatch's outcome to the run's alert report. */
export async function recordDispatch(store: DocumentStore, tenantId: string, runDate: string, report: DispatchReport): Promise<void> {
  await store.update<RunDoc>(paths.run(tenantId, runDate), (cur) =>
    cur ? { ...cur, alerts: mergeReports(cur.alerts ?? emptyReport(), report) } : cur,
  );
}
