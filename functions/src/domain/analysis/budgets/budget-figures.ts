import { add, fromNumber, toNumber } from "../../billing/money.js";
import { type DailySeries, sumBetween } from "../daily-series.js";
import { daysUntilBreach, projectPeriod } from "../forecast/index.js";
import type { Budget } from "./budget.js";
import type { BudgetFigures } from "./evaluate.js";
import type { BudgetPeriod } from "./period.js";

/**
 * A budget's figures on asOf from its scope's daily billed cost (credits included): the exact
 * actual of the period so far, the period-end projection and the days until it crosses the
 * amount. Without history, or once the period has ended, the projection is the actual.
 */
export function budgetFigures(budget: Budget, period: BudgetPeriod, series: DailySeries, asOf: string): BudgetFigures & { projected: string } {
  const actual = sumBetween(series, period.start, asOf);
  const hasHistory = series.points.length > 0 && period.end > asOf;
  if (!hasHistory) return { actual, projected: actual, daysUntilBreach: null };
  const projection = projectPeriod(series.points, { periodStart: period.start, periodEnd: period.end, asOf });
  return {
    actual,
    projected: add(actual, fromNumber(Math.max(0, projection.projected - projection.actualToDate), 2)),
    daysUntilBreach: daysUntilBreach(series.points, toNumber(budget.amount), period.start, period.end, asOf),
  };
}
