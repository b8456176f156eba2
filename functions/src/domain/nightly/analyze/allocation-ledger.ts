import { ALLOCATION_DIMENSION_TAGS } from "../../analysis/anomaly/allocation-series.js";
import { MAX_GROUP_BY_TAGS } from "../../billing/ports.js";

/**
 * The tag keys the run's one query of the Kubernetes allocation view groups by: first the `k8s:`
 * keys its budgets filter on (their figures need them), then the dimensions its anomaly series and
 * root causes are built from (cluster, namespace, controller kind, controller), each once, at most
 * MAX_GROUP_BY_TAGS. A tenant with no allocation rows gets an empty answer and no allocation series.
 *
 * @example
 * allocationLedgerTagKeys(["k8s:label:team"]); // ["k8s:label:team", "k8s:cluster", "k8s:namespace", "k8s:controller_kind", "k8s:controller"]
 */
export function allocationLedgerTagKeys(budgetTagKeys: readonly string[]): string[] {
  return [...new Set([...budgetTagKeys, ...ALLOCATION_DIMENSION_TAGS])].slice(0, MAX_GROUP_BY_TAGS);
}
