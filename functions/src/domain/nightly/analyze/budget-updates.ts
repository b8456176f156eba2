import { addDays } from "#kernel/days.js";
import type { DocumentWrite } from "#kernel/ports.js";
import { type AlertEvent, budgetThresholdCrossed, forecastBreachAhead, type Severity } from "../../alerts/alert-event.js";
import { budgetFigures, evaluateBudget, inScope, periodFor, type ThresholdCrossing } from "../../analysis/budgets/index.js";
import { toDailySeries } from "../../analysis/daily-series.js";
import { compareDecimals, sub } from "../../billing/money.js";
import type { CostRow } from "../../billing/ports.js";
import type { LoadedBudget } from "./read-documents.js";

/** One budget as the run's result lists it. */
export interface BudgetStatus {
  budgetId: string;
  name: string;
  periodKey: string;
  amount: string;
  actual: string;
  projected: string | null;
  actualPercent: number;
  projectedPercent: number | null;
  daysUntilBreach: number | null;
  newCrossings: string[];
}

export interface BudgetContext {
  tenantId: string;
  asOf: string;
  dashboardUrl: string;
  /** When the run happened: every event's occurredAt. */
  now: Date;
}

/** How far spend runs over the amount; 0 while under it. */
const overBy = (spend: string, amount: string): string => (compareDecimals(spend, amount) > 0 ? sub(spend, amount) : "0");

function severityOf(c: ThresholdCrossing): Severity {
  const p = c.threshold.percent;
  if (c.threshold.basis === "actual") return p >= 100 ? "critical" : p >= 90 ? "high" : p >= 75 ? "medium" : "low";
  return p >= 100 ? "high" : p >= 90 ? "medium" : "low";
}

/**
 * Checks every budget on actual spend (billed cost, credits included) and on the period-end
 * projection, over the history rows in the budget's scope. Threshold state goes back on the
 * budget document, per period, so each threshold alerts once per period however often the day
 * is re-run. A custom budget whose period does not cover asOf is left alone.
 */
export function budgetUpdates(
  ctx: BudgetContext,
  budgets: readonly LoadedBudget[],
  history: readonly CostRow[],
): { statuses: BudgetStatus[]; writes: DocumentWrite[]; events: AlertEvent[] } {
  const { tenantId, asOf } = ctx;
  const statuses: BudgetStatus[] = [];
  const writes: DocumentWrite[] = [];
  const events: AlertEvent[] = [];
  for (const { path, budget, state } of budgets) {
    const period = periodFor(budget, asOf);
    if (!period) continue;
    const series = toDailySeries(history.filter((r) => inScope(r, budget.scope)));
    const figures = budgetFigures(budget, period, series, asOf);
    const { actual, projected, daysUntilBreach: breachIn } = figures;
    const ev = evaluateBudget(budget, period, figures, state);
    const common = {
      tenantId,
      budgetId: budget.id,
      budgetName: budget.name,
      periodKey: period.key,
      dashboardUrl: `${ctx.dashboardUrl}/tenants/${tenantId}/budgets/${budget.id}`,
      occurredAt: ctx.now.toISOString(),
    };
    const forecast = { forecastUsd: projected, budgetUsd: budget.amount, periodEnd: period.end };
    // Several thresholds crossed at once (a backfill, a spike) alert once, for the highest of each
    // basis; the lower ones are still recorded as crossed, so they never alert later this period.
    const highest = ["actual", "forecast"].flatMap((basis) => ev.crossings.filter((c) => c.threshold.basis === basis).slice(-1));
    for (const c of highest) {
      events.push(
        budgetThresholdCrossed({
          ...common,
          severity: severityOf(c),
          impactUsd: overBy(c.spend, budget.amount),
          thresholdPct: c.threshold.percent,
          basis: c.threshold.basis,
          spentUsd: c.spend,
          budgetUsd: budget.amount,
          forecast,
        }),
      );
      if (c.threshold.basis === "forecast" && c.threshold.percent === 100 && breachIn !== null && breachIn > 0) {
        events.push(
          forecastBreachAhead({
            ...common,
            severity: breachIn <= 7 ? "high" : "medium",
            impactUsd: overBy(projected, budget.amount),
            daysUntilBreach: breachIn,
            breachDate: addDays(asOf, breachIn),
            forecast,
          }),
        );
      }
    }
    const status = { asOf, periodKey: period.key, actual, projected, actualPercent: ev.actualPercent, projectedPercent: ev.projectedPercent, daysUntilBreach: breachIn };
    writes.push({ path, data: { state: ev.state, status }, merge: true });
    statuses.push({
      budgetId: budget.id,
      name: budget.name,
      periodKey: period.key,
      amount: budget.amount,
      actual,
      projected,
      actualPercent: ev.actualPercent,
      projectedPercent: ev.projectedPercent,
      daysUntilBreach: breachIn,
      newCrossings: ev.crossings.map((c) => `${c.threshold.basis}:${c.threshold.percent}`),
    });
  }
  return { statuses, writes, events };
}
