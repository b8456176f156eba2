import type { DayWindow } from "#kernel/days.js";
import type { LedgerView } from "../../billing/ledger-view.js";
import type { CostColumn, CostRow, CostWarehouse } from "../../billing/ports.js";

/**
 * The grouping every analysis series can be built from: anomalies need usage by region, budgets any
 * scope, and every series stays within one billing currency (sums never cross currencies).
 */
export const LEDGER_COLUMNS: readonly CostColumn[] = ["provider", "sub_account_id", "service_name", "region_id", "charge_category", "billing_currency"];

/**
 * The tenant's ledger over `window` in one query, daily and grouped by LEDGER_COLUMNS and by the
 * tag keys budget scopes filter on. Every series of the run is summed from these rows in memory.
 * `currency`, when given, keeps only rows billed in it. `view` is the bill unless named: budgets
 * scoped to `k8s:` tags read the Kubernetes allocation in a second query.
 */
export function loadLedger(warehouse: CostWarehouse, tenantId: string, window: DayWindow, tagKeys: readonly string[], currency?: string, view?: LedgerView): Promise<CostRow[]> {
  return warehouse.queryDaily(tenantId, {
    window,
    groupBy: [...LEDGER_COLUMNS],
    ...(tagKeys.length > 0 ? { groupByTags: [...tagKeys] } : {}),
    ...(currency ? { filter: { billing_currency: [currency] } } : {}),
    ...(view ? { view } : {}),
  });
}
