import type { DispatchReport } from "#domain/alerts/dispatch-report.js";
import { emptyReport } from "#domain/alerts/dispatch-report.js";
import type { TenantAnalysis } from "#domain/nightly/analyze-tenant.js";
import { type NightlyCollectMessage, TOPICS } from "#domain/nightly/messages.js";
import { readRun } from "#domain/nightly/run-state.js";
import type { AppDeps } from "../../deps.js";
import { subscribeEventFunctions } from "../../local-subscriptions.js";
import type { Progress } from "../progress.js";

export interface TenantRunSummary {
  tenantId: string;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  deleted: number;
  failedPages: number;
  analysis: TenantAnalysis | null;
  alerts: DispatchReport;
}

export interface NightlyResult {
  runDate: string;
  tenants: TenantRunSummary[];
}

async function summaryOf(deps: AppDeps, tenantId: string, runDate: string): Promise<TenantRunSummary> {
  const run = await readRun(deps.documents, tenantId, runDate);
  const c = run?.collection;
  const { finishedAt: _f, ...analysis } = run?.analysis ?? { finishedAt: "" };
  return {
    tenantId,
    pages: (run?.collected.length ?? 0) + (run?.failed.length ?? 0),
    records: c?.records ?? 0,
    inserted: c?.inserted ?? 0,
    updated: c?.updated ?? 0,
    deleted: c?.deleted ?? 0,
    failedPages: run?.failed.length ?? 0,
    analysis: run?.analysis ? (analysis as TenantAnalysis) : null,
    alerts: run?.alerts ?? emptyReport(),
  };
}

/**
 * Runs one nightly as the deployed system does: the deployed event functions, subscribed to the
 * in-process bus that deps.ts built, started by the message Cloud Scheduler would publish. Progress
 * comes from the deliveries as they settle; the summary from each tenant's run document, which the
 * stages themselves keep.
 */
export async function runNightly(deps: AppDeps, opts: { runDate: string; tenantIds: string[]; progress: Progress }): Promise<NightlyResult> {
  const { progress, runDate, tenantIds } = opts;
  let pagesDone = 0;
  // Pages are counted from the run documents: fan-out writes a tenant's pages there before it
  // publishes them, so the total is known (and grows tenant by tenant) as collection starts.
  const pagesTotal = async () => {
    const runs = await Promise.all(tenantIds.map((t) => readRun(deps.documents, t, runDate)));
    return runs.reduce((n, r) => n + (r && r.runDate === runDate ? r.pending.length + r.collected.length + r.failed.length : 0), 0);
  };
  await subscribeEventFunctions(deps.bus, async (fn, outcome) => {
    if (fn.eventName === "fanOutCollection" && outcome === "done") {
      progress.info(`fan-out: ${tenantIds.length} tenants, ${await pagesTotal()} account pages to collect`);
    } else if ((fn.eventName === "collectAccount" && outcome === "done") || (fn.eventName === "collectAccountFailed" && outcome === "done")) {
      progress.tick("collect", ++pagesDone, await pagesTotal());
    } else if (fn.eventName === "analyzeTenant" && outcome === "failed") {
      progress.info("analysis failed; retrying");
    }
  });
  progress.step(`nightly run for ${runDate}`);
  const start: NightlyCollectMessage = { runDate, tenantIds };
  await deps.bus.publish(TOPICS.nightlyCollect, start);
  await deps.bus.drain();
  progress.done(`nightly run for ${runDate}`);
  const tenants = await Promise.all(tenantIds.map((t) => summaryOf(deps, t, runDate)));
  return { runDate, tenants: tenants.sort((a, b) => a.tenantId.localeCompare(b.tenantId)) };
}
