import { periodFor } from "../analysis/budgets/index.js";
import type { CostWarehouse } from "../billing/ports.js";
import { addDays } from "#kernel/days.js";
import type { DocumentStore } from "#kernel/ports.js";
import { loadHardLimitBudgets, requestInScope } from "./budgets.js";
import { syncLlmCostRecords } from "./cost-records.js";
import type { BudgetTotal, LlmLedger } from "./ledger-port.js";
import { decimalToPico } from "./rates.js";

/**
 * Recomputes the running total of each hard-limited budget's current period from the event
 * ledger and stores it in place of the running one. The running totals are exact by
 * construction (added in the same transaction as the events); this puts them right after
 * anything that bypassed that path (a restored ledger, a budget whose scope changed mid-period).
 */
export async function reconcileLlmBudgetTotals(ledger: LlmLedger, store: DocumentStore, tenantId: string, day: string): Promise<BudgetTotal[]> {
  const budgets = await loadHardLimitBudgets(store, tenantId);
  const totals: BudgetTotal[] = [];
  for (const { budget } of budgets) {
    const period = periodFor(budget, day);
    if (!period) continue;
    const rollups = await ledger.dailyRollups(tenantId, { start: period.start, end: period.end });
    let pico = 0n;
    for (const r of rollups) if (requestInScope(budget, r.provider, r.model, r.tags)) pico += decimalToPico(r.costUsd);
    totals.push({ budgetId: budget.id, periodKey: period.key, pico });
  }
  await ledger.replaceBudgetTotals(tenantId, totals);
  return totals;
}

/**
 * The LLM part of a tenant's nightly, run before its analysis: the days events may still arrive
 * for (`maxAgeDays` back from the run date) are written into the cost ledger as CostRecords, so
 * that anomaly detection, forecasts and budgets see today's AI spend, and the budget running
 * totals are reconciled against the events.
 */
export async function syncLlmSpend(d: { ledger: LlmLedger; warehouse: CostWarehouse; store: DocumentStore; now: Date }, tenantId: string, runDate: string, maxAgeDays: number) {
  const synced = await syncLlmCostRecords(d.ledger, d.warehouse, tenantId, { start: addDays(runDate, -maxAgeDays), end: runDate }, d.now);
  const budgets = await reconcileLlmBudgetTotals(d.ledger, d.store, tenantId, runDate);
  return { records: synced.records, budgets: budgets.length };
}
