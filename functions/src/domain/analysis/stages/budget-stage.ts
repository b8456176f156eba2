import { budgetThresholdCrossed, forecastBreachAhead, type AlertEvent, type Severity } from "../../alerts/alert-event.js";
import { add, compareDecimals, fromNumber, sub, toNumber } from "../../billing/money.js";
import type { CostWarehouse } from "../../billing/ports.js";
import type { DocumentStore } from "#kernel/ports.js";
import { addDays } from "#kernel/days.js";
import { type Budget, BudgetSchema, type BudgetState, evaluateBudget, periodFor, scopeToFilter, type ThresholdCrossing } from "../budgets/index.js";
import { daysUntilBreach, projectPeriod } from "../forecast/index.js";
import { readDaily, sumBetween } from "./history.js";

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

/** How far spend runs over the amount; 0 while under it. */
const overBy = (spend: string, amount: string): string => (compareDecimals(spend, amount) > 0 ? sub(spend, amount) : "0");

function severityOf(c: ThresholdCrossing): Severity {
  const p = c.threshold.percent;
  if (c.threshold.basis === "actual") return p >= 100 ? "critical" : p >= 90 ? "high" : p >= 75 ? "medium" : "low";
  return p >= 100 ? "high" : p >= 90 ? "medium" : "low";
}

/**
 * Checks every budget of the tenant on actual spend (billed cost, credits included) and on the
 * period-end projection. Threshold state lives on the budget document, per period, so each
 * threshold alerts once per period however often the day is re-run.
 */
export async function runBudgetStage(
  deps: { warehouse: CostWarehouse; store: DocumentStore; dashboardUrl: string; now: Date },
  tenantId: string,
  asOf: string,
): Promise<{ statuses: BudgetStatus[]; events: AlertEvent[] }> {
  const docs = (await deps.store.list(`tenants/${tenantId}/budgets`)).docs;
  const statuses: BudgetStatus[] = [];
  const events: AlertEvent[] = [];
  for (const doc of docs) {
    const { state: prevState, status: _s, ...def } = doc.data as Record<string, unknown>;
    const parsed = BudgetSchema.safeParse({ ...def, id: doc.id });
    if (!parsed.success) continue;
    const budget: Budget = parsed.data;
    const period = periodFor(budget, asOf);
    if (!period) continue;
    const series = await readDaily(deps.warehouse, tenantId, asOf, scopeToFilter(budget.scope), budget.scope.tags);
    const actual = sumBetween(series, period.start, asOf);
    const hasHistory = series.points.length > 0 && period.end > asOf;
    const projection = hasHistory ? projectPeriod(series.points, { periodStart: period.start, periodEnd: period.end, asOf }) : null;
    const projected = projection ? add(actual, fromNumber(Math.max(0, projection.projected - projection.actualToDate), 2)) : actual;
    const breachIn = hasHistory ? daysUntilBreach(series.points, toNumber(budget.amount), period.start, period.end, asOf) : null;
    const ev = evaluateBudget(budget, period, { actual, projected, daysUntilBreach: breachIn }, (prevState as BudgetState | undefined) ?? null);
    const common = {
      tenantId,
      budgetId: budget.id,
      budgetName: budget.name,
      periodKey: period.key,
      dashboardUrl: `${deps.dashboardUrl}/tenants/${tenantId}/budgets/${budget.id}`,
      occurredAt: deps.now.toISOString(),
    };
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
          forecast: { forecastUsd: projected, budgetUsd: budget.amount, periodEnd: period.end },
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
            forecast: { forecastUsd: projected, budgetUsd: budget.amount, periodEnd: period.end },
          }),
        );
      }
    }
    await deps.store.set(
      doc.path,
      {
        state: ev.state,
        status: { asOf, periodKey: period.key, actual, projected, actualPercent: ev.actualPercent, projectedPercent: ev.projectedPercent, daysUntilBreach: breachIn },
      },
      { merge: true },
    );
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
  return { statuses, events };
}
