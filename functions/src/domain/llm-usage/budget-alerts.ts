import { type AlertEvent, llmBudgetCrossed, type Severity } from "../alerts/alert-event.js";
import type { HardLimitBudget } from "./budgets.js";
import type { BudgetIncrement, BudgetTotal } from "./ledger-port.js";
import { picoToDecimal } from "./rates.js";

/** As the nightly grades actual-spend crossings (nightly/analyze/budget-updates.ts). */
function severityOf(percent: number): Severity {
  return percent >= 100 ? "critical" : percent >= 90 ? "high" : percent >= 75 ? "medium" : "low";
}

export interface CrossingContext {
  tenantId: string;
  now: Date;
  dashboardUrl: string;
}

/**
 * The `llm_budget.crossed` events of one ingest: each hard-limited budget whose running total this
 * ingest moved across one of its actual-spend thresholds, reported once, for the highest one it
 * crossed (as the nightly does). `totals` are the running totals after the ingest and `increments`
 * what the ingest added, so the total before is their difference. The event id is one per budget,
 * period and threshold, so a threshold alerts once a period however often it is recomputed.
 *
 * @example
 *   crossedThresholds(budgets, [{ budgetId: "b", periodKey: "2026-03", pico: 80n }], [{ …, pico: 30n }], ctx);
 *   // a 100-pico budget with a 75% threshold: one event, thresholdPct 75
 */
export function crossedThresholds(budgets: readonly HardLimitBudget[], totals: readonly BudgetTotal[], increments: readonly BudgetIncrement[], ctx: CrossingContext): AlertEvent[] {
  const added = new Map<string, bigint>();
  for (const i of increments) {
    const k = `${i.budgetId}\u0000${i.periodKey}`;
    added.set(k, (added.get(k) ?? 0n) + i.pico);
  }
  const out: AlertEvent[] = [];
  for (const t of totals) {
    const inc = added.get(`${t.budgetId}\u0000${t.periodKey}`);
    const hb = budgets.find((b) => b.budget.id === t.budgetId);
    if (!inc || !hb) continue;
    const before = t.pico - inc;
    // A threshold is crossed when the total was below its share of the amount and now reaches it.
    const crossed = hb.budget.thresholds
      .filter((th) => th.basis === "actual")
      .map((th) => th.percent)
      .filter((p) => {
        const limitTimes100 = hb.amountPico * BigInt(Math.round(p * 100));
        return before * 10_000n < limitTimes100 && t.pico * 10_000n >= limitTimes100;
      })
      .sort((a, b) => a - b);
    const top = crossed.at(-1);
    if (top === undefined) continue;
    const over = t.pico - hb.amountPico;
    const model = hb.budget.scope.service_name?.length === 1 ? hb.budget.scope.service_name[0] : undefined;
    out.push(
      llmBudgetCrossed({
        tenantId: ctx.tenantId,
        severity: severityOf(top),
        impact: picoToDecimal(over > 0n ? over : 0n),
        dashboardUrl: `${ctx.dashboardUrl}/tenants/${ctx.tenantId}/budgets/${hb.budget.id}`,
        occurredAt: ctx.now.toISOString(),
        budgetId: hb.budget.id,
        budgetName: hb.budget.name,
        periodKey: t.periodKey,
        thresholdPct: top,
        spent: picoToDecimal(t.pico),
        budget: hb.budget.amount,
        ...(model ? { model, where: { service: model } } : {}),
      }),
    );
  }
  return out;
}
