import type { CostQuery } from "../../billing/ports.js";
import type { BudgetScope } from "./budget.js";

/** Translates a budget scope's dimensions into warehouse filters; its tags go in `CostQuery.tags`. */
export function scopeToFilter(scope: BudgetScope): NonNullable<CostQuery["filter"]> {
  const filter: NonNullable<CostQuery["filter"]> = {};
  if (scope.provider?.length) filter.provider = scope.provider;
  if (scope.sub_account_id?.length) filter.sub_account_id = scope.sub_account_id;
  if (scope.service_name?.length) filter.service_name = scope.service_name;
  if (scope.region_id?.length) filter.region_id = scope.region_id;
  return filter;
}
