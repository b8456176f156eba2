import type { AlertEvent } from "../alerts/alert-event.js";
import { addDays } from "#kernel/days.js";
import { TOPICS, type CostsCollectedMessage } from "../billing/collection/messages.js";
import type { CostWarehouse } from "../billing/ports.js";
import type { DocumentStore, EventBus } from "#kernel/ports.js";
import { type AnomalySummary, runAnomalyStage } from "./stages/anomaly-stage.js";
import { type BudgetStatus, runBudgetStage } from "./stages/budget-stage.js";
import { type MonthEndProjection, runForecastStage } from "./stages/forecast-stage.js";

export interface AnalyzeDeps {
  warehouse: CostWarehouse;
  store: DocumentStore;
  bus: EventBus;
  dashboardUrl: string;
  clock: { now(): Date };
}

export interface TenantAnalysis {
  tenantId: string;
  asOf: string;
  anomalies: AnomalySummary[];
  forecasts: MonthEndProjection[];
  budgets: BudgetStatus[];
  alertEvents: number;
}

/**
 * The analyzeTenant stage: anomalies, forecasts and budgets on data through the day before the run,
 * then one message on the alerts topic carrying this run's new alert events. Every write is keyed
 * by a natural key, so re-running the same day rewrites the same documents and raises no new alert.
 */
export async function analyzeTenant(deps: AnalyzeDeps, msg: CostsCollectedMessage): Promise<TenantAnalysis> {
  const asOf = addDays(msg.runDate, -1);
  const now = deps.clock.now();
  const stageDeps = { warehouse: deps.warehouse, store: deps.store, dashboardUrl: deps.dashboardUrl, now };
  const anomaly = await runAnomalyStage(stageDeps, msg.tenantId, asOf);
  const forecasts = await runForecastStage(stageDeps, msg.tenantId, asOf);
  const budget = await runBudgetStage(stageDeps, msg.tenantId, asOf);
  const events: AlertEvent[] = [...anomaly.events, ...budget.events];
  if (events.length > 0) {
    await deps.bus.publish(TOPICS.alerts, { tenantId: msg.tenantId, runDate: msg.runDate, events });
  }
  const result: TenantAnalysis = {
    tenantId: msg.tenantId,
    asOf,
    anomalies: anomaly.anomalies,
    forecasts,
    budgets: budget.statuses,
    alertEvents: events.length,
  };
  await deps.store.set(`tenants/${msg.tenantId}/runs/${msg.runDate}`, { analysis: { ...result, finishedAt: now.toISOString() } }, { merge: true });
  return result;
}
