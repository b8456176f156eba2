import type { LedgerRow } from "../ledger-row.js";
import type { BudgetScope } from "./budget.js";

const DIMENSIONS = ["provider", "sub_account_id", "service_name", "region_id"] as const;

/**
 * Whether a ledger row belongs to a budget's scope: each listed dimension holds one of its values
 * (an empty list does not restrict) and the row's tags hold every key/value pair of the scope, as
 * the warehouse's `tags` filter decides. The row must have been grouped by those dimensions and
 * by the scope's tag keys (`CostQuery.groupByTags`); a tag the row lacks never matches.
 */
export function inScope(row: Pick<LedgerRow, "dims" | "tags">, scope: BudgetScope): boolean {
  for (const d of DIMENSIONS) {
    const allowed = scope[d];
    if (allowed?.length && !allowed.includes(row.dims[d] ?? "")) return false;
  }
  for (const [key, value] of Object.entries(scope.tags ?? {})) {
    if (!row.tags || !Object.hasOwn(row.tags, key) || row.tags[key] !== value) return false;
  }
  return true;
}

/** The tag keys a set of scopes filters on, sorted and each once: what the ledger must be grouped by. */
export function scopeTagKeys(scopes: readonly BudgetScope[]): string[] {
  return [...new Set(scopes.flatMap((s) => Object.keys(s.tags ?? {})))].sort();
}
