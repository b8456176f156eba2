import type { CostQuery } from "./ports.js";
import { ALLOCATION_VIEW, VIEW_TAG } from "./providers/opencost/allocation-records.js";

/**
 * The ledger holds two views of some money. The **billed** view is what providers invoice: every
 * row without the tag `costmon:view=kubernetes-allocation`. The **Kubernetes allocation** view is
 * the same node money again, split by namespace and workload (OpenCost rows, the cloud bill's
 * Kubernetes part shared over them). A query reads exactly one view, so nothing is counted twice:
 * totals, budgets and anomalies on the billed view never include allocation rows.
 */
export const LEDGER_VIEWS = ["billed", ALLOCATION_VIEW] as const;
export type LedgerView = (typeof LEDGER_VIEWS)[number];
export { ALLOCATION_VIEW, VIEW_TAG };

/** Tag keys of the allocation view's dimensions (k8s:namespace, k8s:controller, …). */
export const KUBERNETES_TAG_PREFIX = "k8s:";

/**
 * The view a query reads: the one it names; else the allocation view when its tag filter (a
 * scope, such as a budget's) names a `k8s:` key or `costmon:view` itself, since only allocation
 * rows carry them; else the billed view. Grouping by tag keys alone does not switch views: one
 * query may group by keys of both (the nightly analysis reads every budget's keys at once, and
 * must read the bill), so callers that group by `k8s:` keys for their own sake name the view
 * (viewForTagKeys).
 *
 * @example
 *   viewOf({ window, groupBy: ["provider"] });                                 // "billed"
 *   viewOf({ window, groupBy: [], tags: { "k8s:namespace": "web" } });          // "kubernetes-allocation"
 *   viewOf({ window, groupBy: [], groupByTags: ["k8s:namespace", "team"] });    // "billed"
 */
export function viewOf(q: Pick<CostQuery, "view" | "tags">): LedgerView {
  if (q.view) return q.view;
  const named = q.tags?.[VIEW_TAG];
  if (named === ALLOCATION_VIEW) return ALLOCATION_VIEW;
  if (named !== undefined) return "billed";
  return Object.keys(q.tags ?? {}).some((k) => k.startsWith(KUBERNETES_TAG_PREFIX)) ? ALLOCATION_VIEW : "billed";
}

/**
 * The view for a breakdown by these tag keys: the allocation when any is a `k8s:` key (the bill
 * carries none), else the bill. For `costmon costs --group-by tag:…` and tag value listings.
 *
 * @example
 *   viewForTagKeys(["k8s:namespace"]); // "kubernetes-allocation"
 */
export function viewForTagKeys(keys: readonly string[]): LedgerView {
  return keys.some((k) => k.startsWith(KUBERNETES_TAG_PREFIX)) ? ALLOCATION_VIEW : "billed";
}

/** Whether a row's tags put it in the view. */
export function inView(tags: Readonly<Record<string, string>>, view: LedgerView): boolean {
  return (tags[VIEW_TAG] === ALLOCATION_VIEW) === (view === ALLOCATION_VIEW);
}
