import Big from "big.js";
import { addDays } from "#kernel/days.js";
import type { DocumentWrite } from "#kernel/ports.js";
import { type AlertEvent, type AlertWhere, budgetThresholdCrossed, forecastBreachAhead, type Severity } from "../../alerts/alert-event.js";
import { type BudgetScope, budgetFigures, evaluateBudget, inScope, periodFor, type ThresholdCrossing } from "../../analysis/budgets/index.js";
import { toDailySeries } from "../../analysis/daily-series.js";
import { compareDecimals, sub } from "../../billing/money.js";
import { ALLOCATION_VIEW, viewOf } from "../../billing/ledger-view.js";
import type { CostRow } from "../../billing/ports.js";
import type { LoadedBudget } from "./read-documents.js";

/**
 * Where a budget stands, from one rule for every reader (the summary, the dashboards, alerts):
 * `breached` when actual spend has reached the amount, whatever the forecast says; `at_risk` when
 * the period is still open and the period-end projection reaches it; `on_track` otherwise.
 */
export type BudgetStanding = "breached" | "at_risk" | "on_track";

/** One budget as the run's result lists it. */
export interface BudgetStatus {
  budgetId: string;
  name: string;
  periodKey: string;
  /** What the budget covers, e.g. "provider gcp", or "all costs". */
  scope: string;
  state: BudgetStanding;
  /** The period's last day is on or before the day analysed: its actual is final, no forecast applies. */
  periodClosed: boolean;
  /** Amount, actual and projected, in `currency` (the budget's). */
  amount: string;
  currency: string;
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

/** The spend at which `percent` of `amount` is reached. */
const limitOf = (amount: string, percent: number): string => new Big(amount).times(percent).div(100).toFixed();

/** How far spend runs over the amount; 0 while under it. */
const overBy = (spend: string, amount: string): string => (compareDecimals(spend, amount) > 0 ? sub(spend, amount) : "0");

/**
 * One severity per fact. Actual spend at 100% is critical; a forecast that the amount will be
 * reached is high whether it comes as the forecast 100% crossing or as the breach-ahead warning
 * sent with it; lower thresholds step down from there.
 */
function severityOf(c: ThresholdCrossing): Severity {
  const p = c.threshold.percent;
  if (c.threshold.basis === "actual") return p >= 100 ? "critical" : p >= 90 ? "high" : p >= 75 ? "medium" : "low";
  return p >= 100 ? "high" : p >= 90 ? "medium" : "low";
}

/** The scope as people read it: "provider gcp; service Vertex AI, Amazon SageMaker; tag team=ml". */
export function describeBudgetScope(scope: BudgetScope): string {
  const parts: string[] = [];
  const dims = [
    ["provider", scope.provider],
    ["account", scope.sub_account_id],
    ["service", scope.service_name],
    ["region", scope.region_id],
  ] as const;
  for (const [label, values] of dims) if (values?.length) parts.push(`${label} ${values.join(", ")}`);
  for (const [k, v] of Object.entries(scope.tags ?? {})) parts.push(`tag ${k}=${v}`);
  const text = parts.join("; ");
  return text === "" ? "all costs" : text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

/** Single-valued scope dimensions as an alert's `where`, so routing rules on provider apply to the budget. */
function whereOf(scope: BudgetScope): AlertWhere {
  const one = (v: string[] | undefined) => (v?.length === 1 ? v[0] : undefined);
  const where: AlertWhere = {};
  const provider = one(scope.provider);
  const accountId = one(scope.sub_account_id);
  const service = one(scope.service_name);
  const region = one(scope.region_id);
  if (provider) where.provider = provider;
  if (accountId) where.accountId = accountId;
  if (service) where.service = service;
  if (region) where.region = region;
  return where;
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
  /** The Kubernetes allocation view's rows, for budgets whose scope names a `k8s:` tag. */
  allocationHistory: readonly CostRow[] = [],
): { statuses: BudgetStatus[]; writes: DocumentWrite[]; events: AlertEvent[] } {
  const { tenantId, asOf } = ctx;
  const statuses: BudgetStatus[] = [];
  const writes: DocumentWrite[] = [];
  const events: AlertEvent[] = [];
  for (const { path, budget, state } of budgets) {
    const period = periodFor(budget, asOf);
    if (!period) continue;
    // A budget counts spend in its own currency only: sums never cross currencies, and rows
    // without a currency column (an older grouping) are taken as in it.
    const rows = viewOf({ tags: budget.scope.tags }) === ALLOCATION_VIEW ? allocationHistory : history;
    const series = toDailySeries(rows.filter((r) => inScope(r, budget.scope) && (r.dims.billing_currency ?? budget.currency) === budget.currency));
    const figures = budgetFigures(budget, period, series, asOf);
    const { actual, projected, daysUntilBreach: breachIn } = figures;
    const ev = evaluateBudget(budget, period, figures, state);
    const closed = period.end <= asOf;
    const scope = describeBudgetScope(budget.scope);
    const common = {
      tenantId,
      budgetId: budget.id,
      budgetName: budget.name,
      periodKey: period.key,
      where: whereOf(budget.scope),
      ...(scope === "all costs" ? {} : { scope }),
      dashboardUrl: `${ctx.dashboardUrl}/tenants/${tenantId}/budgets/${budget.id}`,
      occurredAt: ctx.now.toISOString(),
      currency: budget.currency,
    };
    const forecast = { projected: projected, budget: budget.amount, periodEnd: period.end };
    // A forecast crossing says spend will reach a threshold. Once actual spend has reached it, or
    // the period has closed (its projection is its actual), the actual crossing says it better, so
    // the forecast one is recorded as crossed but not sent.
    const newsworthy = ev.crossings.filter(
      (c) => c.threshold.basis === "actual" || (!closed && compareDecimals(actual, limitOf(budget.amount, c.threshold.percent)) < 0),
    );
    // Several thresholds crossed at once (a backfill, a spike) alert once, for the highest of each
    // basis; the lower ones are still recorded as crossed, so they never alert later this period.
    const highest = ["actual", "forecast"].flatMap((basis) => newsworthy.filter((c) => c.threshold.basis === basis).slice(-1));
    for (const c of highest) {
      const severity = severityOf(c);
      events.push(
        budgetThresholdCrossed({
          ...common,
          severity,
          impact: overBy(c.spend, budget.amount),
          thresholdPct: c.threshold.percent,
          basis: c.threshold.basis,
          spent: c.spend,
          budget: budget.amount,
          forecast,
        }),
      );
      if (c.threshold.basis === "forecast" && c.threshold.percent === 100 && breachIn !== null && breachIn > 0) {
        events.push(
          forecastBreachAhead({
            ...common,
            severity,
            impact: overBy(projected, budget.amount),
            daysUntilBreach: breachIn,
            breachDate: addDays(asOf, breachIn),
            forecast,
          }),
        );
      }
    }
    const standing: BudgetStanding =
      compareDecimals(actual, budget.amount) >= 0 ? "breached" : !closed && projected !== null && compareDecimals(projected, budget.amount) >= 0 ? "at_risk" : "on_track";
    const status = { asOf, periodKey: period.key, state: standing, periodClosed: closed, actual, projected, actualPercent: ev.actualPercent, projectedPercent: ev.projectedPercent, daysUntilBreach: breachIn };
    writes.push({ path, data: { state: ev.state, status }, merge: true });
    statuses.push({
      budgetId: budget.id,
      name: budget.name,
      periodKey: period.key,
      scope,
      state: standing,
      periodClosed: closed,
      amount: budget.amount,
      currency: budget.currency,
      actual,
      projected,
      actualPercent: ev.actualPercent,
      projectedPercent: ev.projectedPercent,
      // A breach date only while the breach is still ahead.
      daysUntilBreach: standing === "at_risk" ? breachIn : null,
      newCrossings: ev.crossings.map((c) => `${c.threshold.basis}:${c.threshold.percent}`),
    });
  }
  return { statuses, writes, events };
}
