import type { DispatchReport } from "#domain/alerts/dispatch-report.js";
import { emptyReport } from "#domain/alerts/dispatch-report.js";
import { tenantLocaleOf } from "#domain/alerts/tenant-locale.js";
import type { TenantAnalysis } from "#domain/nightly/analyze-tenant.js";
import { type NightlyCollectMessage, TOPICS } from "#domain/nightly/messages.js";
import { readRun } from "#domain/nightly/run-state.js";
import type { RealizedReport } from "#domain/recommendations/realized.js";
import { type RecommendationsRefresh, refreshTenantRecommendations } from "#domain/recommendations/refresh.js";
import { paths } from "#kernel/document-paths.js";
import type { AppDeps } from "../../deps.js";
import { subscribeEventFunctions } from "../../local-subscriptions.js";
import { formatCount } from "../format.js";
import type { Progress } from "../progress.js";
import { sortedKeys } from "./sorted-keys.js";

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
  /** The recommendations step after the run (absent in summaries made before it existed). */
  recommendations?: RecommendationsSummary;
  /** The tenant's locale, which the summary writes amounts in; absent: en-US. */
  locale?: string;
}

/** What the summary shows of one tenant's recommendations step. */
export interface RecommendationsSummary {
  found: number;
  kept: number;
  conflicts: number;
  /** Accounts whose provider could not be read this time. */
  failedAccounts: number;
  /** Monthly savings of the kept recommendations, per currency. */
  savings: Record<string, string>;
  top: { score: number; provider: string; category: string; action: string; resource: string; monthlySavings: { amount: string; currency: string } }[];
  realized: RealizedReport["byRecommender"];
}

function recommendationsSummary(r: RecommendationsRefresh): RecommendationsSummary {
  return {
    found: r.sync.found,
    kept: r.sync.kept,
    conflicts: r.sync.conflicts,
    failedAccounts: r.sync.failedAccounts.length,
    savings: sortedKeys(r.sync.savings),
    top: r.sync.top.slice(0, 3).map((t) => ({ score: t.score, provider: t.provider, category: t.category, action: t.action, resource: t.resource, monthlySavings: t.monthlySavings })),
    realized: [...r.realized.byRecommender],
  };
}

export interface NightlyResult {
  runDate: string;
  tenants: TenantRunSummary[];
}

/** How a delivery to an event function settled: its outcome, or `failed` when it is to be retried. */
export type DeliveryOutcome = "done" | "duplicate" | "rejected" | "failed";
export type DeliveryReport = (eventName: string, outcome: DeliveryOutcome) => Promise<void>;

/**
 * Connects the event functions to the runtime's bus and reports each settled delivery. The local
 * runtime subscribes them to the in-process bus; the emulator runtime serves them behind push
 * subscriptions (cli/nightly/emulator-nightly.ts).
 */
export type ConnectFunctions = (report: DeliveryReport) => Promise<void>;

async function summaryOf(deps: AppDeps, tenantId: string, runDate: string): Promise<TenantRunSummary> {
  const [run, tenant] = await Promise.all([readRun(deps.documents, tenantId, runDate), deps.documents.get(paths.tenant(tenantId))]);
  const locale = tenant?.locale === undefined ? undefined : tenantLocaleOf(tenant);
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
    // Nested results in one key order whichever store kept them (sorted-keys.ts).
    analysis: run?.analysis ? sortedKeys(analysis as TenantAnalysis) : null,
    alerts: sortedKeys(run?.alerts ?? emptyReport()),
    ...(locale ? { locale } : {}),
  };
}

/**
 * Runs one nightly as the deployed system does: the deployed event functions, connected to the bus
 * that deps.ts built (by default subscribed to the in-process bus), started by the message Cloud
 * Scheduler would publish. Progress comes from the deliveries as they settle; the summary from each
 * tenant's run document, which the stages themselves keep.
 */
export async function runNightly(
  deps: AppDeps,
  opts: { runDate: string; tenantIds: string[]; progress: Progress; connect?: ConnectFunctions },
): Promise<NightlyResult> {
  const { progress, runDate, tenantIds } = opts;
  const connect: ConnectFunctions = opts.connect ?? (async (report) => void (await subscribeEventFunctions(deps.bus, (fn, outcome) => report(fn.eventName, outcome))));
  let pagesDone = 0;
  // The total is final once fan-out has finished: it writes each tenant's pages to the run
  // documents before publishing them. Collections can settle before that; until then progress
  // shows the count alone, so that it never reads "1/1 (100%)" on a run that has barely started.
  let pagesTotal: number | undefined;
  const countPages = async () => {
    const runs = await Promise.all(tenantIds.map((t) => readRun(deps.documents, t, runDate)));
    return runs.reduce((n, r) => n + (r && r.runDate === runDate ? r.pending.length + r.collected.length + r.failed.length : 0), 0);
  };
  await connect(async (eventName, outcome) => {
    if (eventName === "fanOutCollection" && outcome === "done") {
      pagesTotal = await countPages();
      progress.info(`fan-out: ${formatCount(tenantIds.length)} tenants, ${formatCount(pagesTotal)} account pages to collect`);
      if (pagesDone > 0) progress.tick("collect", pagesDone, pagesTotal);
    } else if ((eventName === "collectAccount" && outcome === "done") || (eventName === "collectAccountFailed" && outcome === "done")) {
      progress.tick("collect", ++pagesDone, pagesTotal);
    } else if (eventName === "analyzeTenant" && outcome === "failed") {
      progress.info("analysis failed; retrying");
    }
  });
  progress.step(`nightly run for ${runDate}`);
  const start: NightlyCollectMessage = { runDate, tenantIds };
  await deps.bus.publish(TOPICS.nightlyCollect, start);
  await deps.bus.drain();
  progress.done(`nightly run for ${runDate}`);
  // The deployed system runs this step in the scheduled syncRecommendations after the nightly;
  // the local run does it here, with the same domain step, so that its summary shows them.
  const recommendations = new Map<string, RecommendationsSummary>();
  for (const t of tenantIds) {
    const r = await refreshTenantRecommendations({ store: deps.documents, ledger: deps.warehouse, resolve: deps.recommendationsFor, now: deps.clock.now() }, t, runDate);
    recommendations.set(t, recommendationsSummary(r));
  }
  const tenants = await Promise.all(
    tenantIds.map(async (t) => {
      const rec = recommendations.get(t);
      return { ...(await summaryOf(deps, t, runDate)), ...(rec ? { recommendations: rec } : {}) };
    }),
  );
  return { runDate, tenants: tenants.sort((a, b) => a.tenantId.localeCompare(b.tenantId)) };
}
