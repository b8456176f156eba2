import { addDays, earlierDay } from "#kernel/days.js";
import type { DocumentStore, DocumentWrite, EventBus } from "#kernel/ports.js";
import type { AlertEvent } from "../alerts/alert-event.js";
import { findAnomalyRuns, RECENT_DAYS, type ResolvedThresholds, resolveThresholds, thresholdBasisOf, usageSeries } from "../analysis/anomaly/index.js";
import { findAllocationAnomalyRuns } from "../analysis/anomaly/allocation-runs.js";
import { allocationUsageSeries } from "../analysis/anomaly/allocation-series.js";
import { firstProvisionalDay } from "../analysis/day-completeness.js";
import { periodFor, scopeTagKeys } from "../analysis/budgets/index.js";
import type { MonthEndProjection } from "../analysis/forecast/index.js";
import { ALLOCATION_VIEW, viewOf } from "../billing/ledger-view.js";
import type { RateTable } from "../billing/currency-conversion.js";
import type { CostWarehouse } from "../billing/ports.js";
import { alertMessages } from "./analyze/alert-messages.js";
import { allocationLedgerTagKeys } from "./analyze/allocation-ledger.js";
import { anomalySettingsOf, feedbackBySeries } from "./analyze/anomaly-docs.js";
import { type AnomalySummary, anomalyIdOf, anomalyUpdates } from "./analyze/anomaly-updates.js";
import { type BudgetStatus, budgetUpdates } from "./analyze/budget-updates.js";
import { forecastTargets } from "./analyze/forecast-targets.js";
import { forecastUpdates } from "./analyze/forecast-updates.js";
import { loadLedger } from "./analyze/load-ledger.js";
import { readAnalysisDocuments } from "./analyze/read-documents.js";
import { drillDownThrough, drillRootCauses } from "./analyze/root-cause-drill.js";
import { type AnalyzeSettings, resolveAnalyzeSettings } from "./analyze/settings.js";
import type { BillingSourceResolver } from "./collect-account.js";
import { type CostsCollectedMessage, TOPICS } from "./messages.js";
import { readRun } from "./run-state.js";
import { paths } from "#kernel/document-paths.js";

export type { AnalyzeSettings } from "./analyze/settings.js";
export type { AnomalySummary } from "./analyze/anomaly-updates.js";
export type { BudgetStatus } from "./analyze/budget-updates.js";
export type { MonthEndProjection } from "../analysis/forecast/index.js";

/** What the stage runs on; `settings` defaults to 400 days of history and a 90-day forecast. */
export interface AnalyzeDeps {
  warehouse: CostWarehouse;
  store: DocumentStore;
  bus: EventBus;
  dashboardUrl: string;
  clock: { now(): Date };
  settings?: AnalyzeSettings;
  /**
   * The tenant's billing sources: AWS and Azure anomalies get their root cause from the provider's
   * API through them (root-cause-drill.ts). Without it, root causes are the ledger's regions only.
   */
  sourceFor?: BillingSourceResolver;
  /** Told of a drill-down that failed (the anomaly keeps the ledger's root causes). */
  onDrillDownError?: (seriesKey: string, err: unknown) => void;
  /**
   * The tenant's reporting currency and the config's dated rate table: a series in a currency the
   * tenant set no thresholds for is judged with the reporting currency's, converted (thresholds.ts).
   * Absent: reporting currency USD and no rates.
   */
  currency?: { reporting: string; rates?: RateTable };
}

/** The run's result, also stored as `analysis` on `tenants/{t}/runs/{runDate}`. */
export interface TenantAnalysis {
  tenantId: string;
  asOf: string;
  anomalies: AnomalySummary[];
  /** Month-end projections, each in its series' currency. */
  forecasts: (MonthEndProjection & { currency: string })[];
  budgets: BudgetStatus[];
  alertEvents: number;
}

/**
 * The analyzeTenant stage: anomalies, forecasts and budgets on data through the day before the
 * run, then the run's new alert events on the alerts topic. It reads each document it needs
 * once and the ledger twice, each view once: the bill, and the Kubernetes allocation (every series
 * is summed from those windows in memory, never one view into the other), runs the
 * pure analysis, publishes the new alerts, and writes the anomaly, forecast and budget documents
 * in one batch, with the run's result last. Every write is keyed by a natural key, so re-running
 * the same day rewrites the same documents and raises no new alert.
 *
 * A redelivery of the message after that batch finds the run's result recorded and returns it: run
 * again, the analysis would compare against the state it has just written and report no new
 * crossing and no alert for a run that sent them.
 */
export async function analyzeTenant(deps: AnalyzeDeps, msg: CostsCollectedMessage): Promise<TenantAnalysis> {
  const { tenantId } = msg;
  const recorded = (await readRun(deps.store, tenantId, msg.runDate))?.analysis;
  if (recorded) {
    const { finishedAt: _finished, ...result } = recorded;
    return result;
  }
  const now = deps.clock.now();
  const { result, events, writes } = await computeTenantAnalysis(deps, tenantId, addDays(msg.runDate, -1), now);

  // Alerts go out before the documents that record them are written: a crash in between makes
  // the redelivery raise the same events again (same ids, which the dispatcher's outbox sends once),
  // where the other order would find the documents written and lose the alerts.
  for (const m of alertMessages(tenantId, msg.runDate, events)) await deps.bus.publish(TOPICS.alerts, m);
  // The run's result goes in the same batch as the state it describes, so that either both are
  // written or neither is.
  const runResult = { path: paths.run(tenantId, msg.runDate), data: { analysis: { ...result, finishedAt: now.toISOString() } }, merge: true };
  await deps.store.setMany([...writes, runResult]);
  return result;
}

/** An analysis worked out but not yet applied: the result, the alert events and the document writes. */
export interface TenantAnalysisPlan {
  result: TenantAnalysis;
  events: AlertEvent[];
  writes: DocumentWrite[];
}

/**
 * The analysis itself, with no side effect: it reads the tenant's documents and ledger through
 * `asOf` and returns what the nightly would publish and write. `analyzeTenant` applies it; the
 * `costmon analyze` command only reports it. `currency` limits the ledger (and the budgets) to
 * one billing currency, for a ledger that holds several: sums never cross currencies.
 */
export async function computeTenantAnalysis(
  deps: Pick<AnalyzeDeps, "warehouse" | "store" | "dashboardUrl" | "settings" | "sourceFor" | "onDrillDownError" | "currency">,
  tenantId: string,
  asOf: string,
  now: Date,
  opts: { currency?: string } = {},
): Promise<TenantAnalysisPlan> {
  const settings = resolveAnalyzeSettings(deps.settings);
  const month = periodFor({ period: "monthly" }, asOf)!;
  const historyStart = addDays(asOf, -settings.historyDays + 1);

  const docs = await readAnalysisDocuments(deps.store, tenantId);
  const budgets = opts.currency ? docs.budgets.filter((b) => b.budget.currency === opts.currency) : docs.budgets;
  // The month is read in full even when the history is shorter: it decides the forecast targets.
  const window = { start: earlierDay(historyStart, month.start), end: asOf };
  const rows = await loadLedger(deps.warehouse, tenantId, window, scopeTagKeys(budgets.map((b) => b.budget.scope)), opts.currency);
  const history = window.start === historyStart ? rows : rows.filter((r) => r.date >= historyStart);
  // The Kubernetes allocation view, which the bill's query leaves out, in a second query: budgets
  // scoped to `k8s:` tags count it, and it has anomaly series of its own (allocation-series.ts).
  const allocationScopes = budgets.map((b) => b.budget.scope).filter((s) => viewOf({ tags: s.tags }) === ALLOCATION_VIEW);
  const allocationBudgetKeys = scopeTagKeys(allocationScopes);
  const allocationHistory = await loadLedger(deps.warehouse, tenantId, { start: historyStart, end: asOf }, allocationLedgerTagKeys(allocationBudgetKeys), opts.currency, ALLOCATION_VIEW);

  // Late rows: the recent days are re-scored on the ledger as it reads now, a day still filling
  // in is not judged as a drop, and an anomaly the new rows undo is resolved.
  const provisionalFrom = firstProvisionalDay(asOf, settings.settleDays);
  const series = usageSeries(history);
  // Each series is judged with its own currency's thresholds, resolved once per currency.
  const tenantThresholds = anomalySettingsOf(docs.tenant);
  const byCurrency = new Map<string, ResolvedThresholds>();
  const resolvedFor = (currency: string): ResolvedThresholds => {
    let r = byCurrency.get(currency);
    if (!r) {
      r = resolveThresholds(tenantThresholds, currency, { reporting: deps.currency?.reporting ?? "USD", ...(deps.currency?.rates ? { rates: deps.currency.rates } : {}), day: asOf });
      byCurrency.set(currency, r);
    }
    return r;
  };
  const anomalySettings = (currency: string) => resolvedFor(currency).config;
  const runOptions = { settings: anomalySettings, feedback: feedbackBySeries(docs.anomalies.map((d) => d.data)), asOf, provisionalFrom };
  // The bill's series, then the allocation's: never summed together (a billed total, such as the
  // forecasts' `total`, reads `history` alone), and raised only when the namespace itself moved.
  const found = [...findAnomalyRuns(series, runOptions), ...findAllocationAnomalyRuns(allocationUsageSeries(allocationHistory, { labelKeys: allocationBudgetKeys }), runOptions)];
  const stored = new Map(docs.anomalies.map((d) => [d.id, d.data] as const));
  const runs = (deps.sourceFor
    ? await drillRootCauses(found, series, drillDownThrough(deps.store, deps.sourceFor, tenantId), anomalySettings, {
        // An anomaly whose document will not change keeps the root cause it has: no provider call.
        skip: (run) => {
          const prev = stored.get(anomalyIdOf(tenantId, run.seriesKey, run.start));
          return prev !== undefined && prev.end === run.end && prev.impact === run.impact;
        },
        onError: (run, err) => deps.onDrillDownError?.(run.seriesKey, err),
      })
    : found
  ).map((run) => ({ ...run, thresholds: thresholdBasisOf(resolvedFor(run.currency)) }));
  const rescoredFrom = addDays(asOf, -RECENT_DAYS + 1);
  const anomaly = anomalyUpdates({ tenantId, asOf, dashboardUrl: deps.dashboardUrl, now, rescoredFrom, provisionalFrom }, runs, docs.anomalies);
  const monthRows = rows.filter((r) => r.date >= month.start);
  const forecast = forecastUpdates({ tenantId, asOf, month, horizonDays: settings.forecastHorizonDays, settleDays: settings.settleDays }, forecastTargets(history, monthRows));
  const budget = budgetUpdates({ tenantId, asOf, dashboardUrl: deps.dashboardUrl, now }, budgets, history, allocationHistory);
  const events = [...anomaly.events, ...budget.events];
  return {
    result: {
      tenantId,
      asOf,
      anomalies: anomaly.anomalies,
      forecasts: forecast.projections,
      budgets: budget.statuses,
      alertEvents: events.length,
    },
    events,
    writes: [...anomaly.writes, ...forecast.writes, ...budget.writes],
  };
}
