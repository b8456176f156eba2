import Big from "big.js";
import type { CostRecord } from "../../cost-record.js";
import { addDecimals } from "../../money.js";
import type { MapContext } from "../map-context.js";
import { buildRecords, type RecordDraft } from "../record-builder.js";
import { type Allocation, type AllocationResponse, isIdleKey } from "./allocation-response.js";
import { shareProportionally } from "./idle-share.js";

/** Where Kubernetes dimensions go in a row's tags (docs/kubernetes.md lists them). */
export const K8S_TAG = {
  cluster: "k8s:cluster",
  namespace: "k8s:namespace",
  controllerKind: "k8s:controller_kind",
  controller: "k8s:controller",
  node: "k8s:node",
  pod: "k8s:pod",
  container: "k8s:container",
  /** Prefix of a pod label: `k8s:label:app`. */
  labelPrefix: "k8s:label:",
  /** "shared" on the rows that carry a workload's share of the cluster's idle cost. */
  idle: "k8s:idle",
} as const;

/** Marks the rows of the Kubernetes allocation view (money also in the cloud bill: see docs/kubernetes.md). */
export const VIEW_TAG = "costmon:view";
export const ALLOCATION_VIEW = "kubernetes-allocation";

export const WORKLOAD_SERVICE = "Kubernetes workload";
export const IDLE_SERVICE = "Kubernetes idle";

export interface AllocationMapOptions {
  /** The cluster's id as onboarded: the rows' billing account. */
  clusterId: string;
  /** The currency OpenCost is configured to price in (it does not say so in the answer). */
  currency: string;
}

export interface AllocationMapResult {
  records: CostRecord[];
  /** Allocations whose totalCost was null (NaN in OpenCost): not written, never counted as 0. */
  unpriced: { day: string; key: string }[];
  /** Per day: the cluster total (allocations + idle), the idle and the allocated cost, as OpenCost sent them. */
  days: { day: string; total: string; idle: string; allocated: string }[];
}

/** OpenCost's 5-decimal float as the exact decimal it stands for. */
const decimalOf = (n: number): string => new Big(n.toFixed(5)).toFixed();

const dayOf = (a: Allocation): string => new Date(a.window.start).toISOString().slice(0, 10);

function dimensionTags(a: Allocation, clusterId: string): Record<string, string> {
  const p = a.properties ?? {};
  const tags: Record<string, string> = { [VIEW_TAG]: ALLOCATION_VIEW, [K8S_TAG.cluster]: p.cluster ?? clusterId };
  const put = (k: string, v: string | undefined) => {
    if (v) tags[k] = v;
  };
  put(K8S_TAG.namespace, p.namespace);
  put(K8S_TAG.controllerKind, p.controllerKind);
  put(K8S_TAG.controller, p.controller);
  put(K8S_TAG.node, p.node);
  put(K8S_TAG.pod, p.pod);
  put(K8S_TAG.container, p.container);
  for (const [k, v] of Object.entries(p.labels ?? {})) tags[`${K8S_TAG.labelPrefix}${k}`] = v;
  return tags;
}

function draft(a: Allocation, key: string, opts: AllocationMapOptions, service: string, cost: string, tags: Record<string, string>): RecordDraft {
  return {
    provider: "other",
    billing_account_id: opts.clusterId,
    sub_account_id: a.properties?.namespace ?? "",
    service_name: service,
    service_category: "Compute",
    region_id: "",
    resource_id: key,
    charge_category: "Usage",
    charge_period_start: dayOf(a),
    billed_cost: cost,
    effective_cost: cost,
    list_cost: cost,
    billing_currency: opts.currency,
    pricing_quantity: null,
    pricing_unit: "",
    tags,
  };
}

/**
 * Turns an `/allocation` answer (step=1d, includeIdle=true, shareIdle=false) into ledger rows, and
 * shares the idle cost ourselves so that the rule is ours and reproducible: per day, the idle
 * cost (every `__idle__` key) is split over that day's allocations in proportion to their
 * totalCost, exactly (largest remainder, see shareProportionally). Each allocation gives a
 * "Kubernetes workload" row with its own cost and, when its share is not zero, a "Kubernetes idle"
 * row with its share and the same dimension tags plus `k8s:idle=shared`; so grouping by a
 * namespace tag shows the namespace with its idle, and the day still sums to the cluster total.
 * A day with no positive allocated cost keeps its idle as one unshared `__idle__` row.
 * `__unallocated__` is a workload like any other (the pods that lack the aggregated property).
 * An allocation whose totalCost is null is reported in `unpriced`, not written as 0.
 *
 * @example
 *   const { records } = mapAllocations(response, { tenantId: "t1", ingestedAt }, { clusterId: "prod-eks", currency: "USD" });
 */
export function mapAllocations(response: AllocationResponse, ctx: MapContext, opts: AllocationMapOptions): AllocationMapResult {
  const drafts: RecordDraft[] = [];
  const unpriced: AllocationMapResult["unpriced"] = [];
  const byDay = new Map<string, { idle: { key: string; a: Allocation; cost: string }[]; work: { key: string; a: Allocation; cost: string }[] }>();
  for (const raw of response.data ?? []) {
    const step = raw ?? {};
    // Keys in code-point order, so the split (ties go to the first) never depends on the answer's order.
    for (const key of Object.keys(step).sort()) {
      const a = step[key] as Allocation;
      const day = dayOf(a);
      if (a.totalCost === null || a.totalCost === undefined) {
        unpriced.push({ day, key });
        continue;
      }
      const bucket = byDay.get(day) ?? { idle: [], work: [] };
      byDay.set(day, bucket);
      (isIdleKey(key) ? bucket.idle : bucket.work).push({ key, a, cost: decimalOf(a.totalCost) });
    }
  }
  const days: AllocationMapResult["days"] = [];
  for (const [day, { idle, work }] of [...byDay].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const idleTotal = addDecimals(idle.map((i) => i.cost));
    const allocated = addDecimals(work.map((w) => w.cost));
    days.push({ day, total: addDecimals([idleTotal, allocated]), idle: idleTotal, allocated });
    for (const w of work) drafts.push(draft(w.a, w.key, opts, WORKLOAD_SERVICE, w.cost, dimensionTags(w.a, opts.clusterId)));
    const shares = new Big(idleTotal).eq(0) ? null : shareProportionally(idleTotal, work.map((w) => w.cost));
    if (shares) {
      work.forEach((w, i) => {
        const share = shares[i] ?? "0";
        if (!new Big(share).eq(0)) drafts.push(draft(w.a, w.key, opts, IDLE_SERVICE, share, { ...dimensionTags(w.a, opts.clusterId), [K8S_TAG.idle]: "shared" }));
      });
    } else if (!new Big(idleTotal).eq(0)) {
      for (const i of idle) drafts.push(draft(i.a, i.key, opts, IDLE_SERVICE, i.cost, dimensionTags(i.a, opts.clusterId)));
    }
  }
  return { records: buildRecords(drafts, ctx, "opencost"), unpriced, days };
}
