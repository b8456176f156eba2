import Big from "big.js";
import type { Budget, BudgetThreshold } from "./budget.js";
import type { BudgetPeriod } from "./period.js";

export interface BudgetFigures {
  /** Billed cost in the period up to and including asOf (decimal string). */
  actual: string;
  /** Projected period total (decimal string), or null when no forecast is available. */
  projected: string | null;
  /** Days from asOf until the projection crosses the amount; null when it does not. */
  daysUntilBreach: number | null;
}

/** What has already alerted in a period: `${basis}:${percent}` keys. */
export interface BudgetState {
  periodKey: string;
  alerted: string[];
}

export interface ThresholdCrossing {
  threshold: BudgetThreshold;
  /** Spend as a percentage of the amount, on the threshold's basis (2 dp). */
  percentOfBudget: number;
  spend: string;
}

export interface BudgetEvaluation {
  period: BudgetPeriod;
  actualPercent: number;
  projectedPercent: number | null;
  /** Thresholds newly crossed in this period: each alerts once. */
  crossings: ThresholdCrossing[];
  state: BudgetState;
}

export const thresholdKey = (t: BudgetThreshold): string => `${t.basis}:${t.percent}`;

function percentOf(spend: string, amount: string): number {
  return Number(new Big(spend).times(100).div(amount).round(2).toFixed(2));
}

/**
 * Checks actual and forecast spend against every threshold. A threshold already recorded in the
 * period's state never crosses again, so re-running the same day alerts nothing new; a new period
 * starts with a clean state.
 */
export function evaluateBudget(
  budget: Budget,
  period: BudgetPeriod,
  figures: BudgetFigures,
  previous: BudgetState | null,
): BudgetEvaluation {
  const alreadyAlerted = new Set(previous?.periodKey === period.key ? previous.alerted : []);
  const actualPercent = percentOf(figures.actual, budget.amount);
  const projectedPercent = figures.projected === null ? null : percentOf(figures.projected, budget.amount);
  const crossings: ThresholdCrossing[] = [];
  for (const t of [...budget.thresholds].sort((a, b) => a.percent - b.percent)) {
    const spend = t.basis === "actual" ? figures.actual : figures.projected;
    if (spend === null || alreadyAlerted.has(thresholdKey(t))) continue;
    const limit = new Big(budget.amount).times(t.percent).div(100);
    if (new Big(spend).gte(limit)) {
      crossings.push({ threshold: t, percentOfBudget: percentOf(spend, budget.amount), spend });
      alreadyAlerted.add(thresholdKey(t));
    }
  }
  return {
    period,
    actualPercent,
    projectedPercent,
    crossings,
    state: { periodKey: period.key, alerted: [...alreadyAlerted].sort() },
  };
}
