import { addDays, earlierDay } from "#kernel/days.js";
import type { DocumentStore, DocumentWrite, EventBus } from "#kernel/ports.js";
import type { AlertEvent } from "../alerts/alert-event.js";
import { findAnomalyRuns, usageSeries } from "../analysis/anomaly/index.js";
import { periodFor, scopeTagKeys } from "../analysis/budgets/index.js";
import type { MonthEndProjection } from "../analysis/forecast/index.js";
import type { CostWarehouse } from "../billing/ports.js";
import { alertMessages } from "./analyze/alert-messages.js";
import { anomalySettingsOf, feedbackBySeries } from "./analyze/anomaly-docs.js";
import { type AnomalySummary, anomalyUpdates } from "./analyze/anomaly-updates.js";
import { type BudgetStatus, budgetUpdates } from "./analyze/budget-updates.js";
import { forecastTargets } from "./analyze/forecast-targets.js";
import { forecastUpdates } from "./analyze/forecast-updates.js";
import { loadLedger } from "./analyze/load-ledger.js";
import { readAnalysisDocuments } from "./analyze/read-documents.js";
import { type AnalyzeSettings, resolveAnalyzeSettings } from "./analyze/settings.js";
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
}

/** The run's result, also stored as `analysis` on `tenants/{t}/runs/{runDate}`. */
export interface TenantAnalysis {
  tenantId: string;
  asOf: string;
  anomalies: AnomalySummary[];
  forecasts: MonthEndProjection[];
  budgets: BudgetStatus[];
  alertEvents: number;
}

/**
 * The analyzeTenant stage: anomalies, forecasts and budgets on data through the day before the
 * run, then the run's new alert events on the alerts topic. It reads each document it needs
 * once and the ledger once (every series is summed from that one window in memory), runs the
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
  deps: Pick<AnalyzeDeps, "warehouse" | "store" | "dashboardUrl" | "settings">,
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

  const runs = findAnomalyRuns(usageSeries(history), {
    settings: anomalySettingsOf(docs.tenant),
    feedback: feedbackBySeries(docs.anomalies.map((d) => d.data)),
    asOf,
  });
  const anomaly = anomalyUpdates({ tenantId, asOf, dashboardUrl: deps.dashboardUrl, now }, runs, docs.anomalies);
  const monthRows = rows.filter((r) => r.date >= month.start);
  const forecast = forecastUpdates({ tenantId, asOf, month, horizonDays: settings.forecastHorizonDays }, forecastTargets(history, monthRows));
  const budget = budgetUpdates({ tenantId, asOf, dashboardUrl: deps.dashboardUrl, now }, budgets, history);
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
