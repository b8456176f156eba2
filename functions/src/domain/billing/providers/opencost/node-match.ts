import Big from "big.js";
import type { AllocationResponse } from "./allocation-response.js";
import type { CloudCostResponse } from "./cloud-cost.js";

/**
 * The cluster's part of the cloud bill found by its nodes' resource ids, the alternative to
 * `/cloudCost`'s kubernetesPercent (which covers every cluster of OpenCost's cloud integration):
 * `/allocation?aggregate=node` names each day's nodes with their Kubernetes `providerID`, and
 * `/cloudCost?aggregate=providerID` gives each billed resource's net cost with the bill's resource
 * id as `providerID`. A bill item whose id matches one of the day's nodes is the cluster's, whole.
 *
 * The two ids are written differently (a node `aws:///us-east-1a/i-0abc`, its CUR line item
 * `i-0abc`; a GKE node `gce://project/zone/name`, its export resource `…/instances/name`), so they
 * are compared by their key: the last path segment, lowercased, except for an Azure scale-set
 * instance (`…/virtualMachineScaleSets/<set>/virtualMachines/<n>`), whose key is the scale set's
 * name, since Azure bills the scale set. Two resources of one bill with the same name (GCE names
 * are unique per zone, AWS instance ids everywhere) would both match: documented, not guarded.
 */

/**
 * The comparison key of a node's providerID or a bill item's resource id; "" for none.
 *
 * @example
 * nodeKeyOf("aws:///us-east-1a/i-0abc123");                                                  // "i-0abc123"
 * nodeKeyOf("azure:///subscriptions/s/resourceGroups/mc/providers/Microsoft.Compute/virtualMachineScaleSets/aks-pool/virtualMachines/3"); // "aks-pool"
 */
export function nodeKeyOf(id: string | undefined): string {
  const parts = (id ?? "").trim().toLowerCase().split("/").filter((p) => p.length > 0);
  const set = parts.lastIndexOf("virtualmachinescalesets");
  if (set >= 0 && set + 1 < parts.length) return parts[set + 1] as string;
  return parts.at(-1) ?? "";
}

const dayOf = (start: string): string => new Date(start).toISOString().slice(0, 10);

/** Per day, the keys of the nodes of an `/allocation?aggregate=node` answer (idle and unallocated keys carry none). */
export function nodeKeysByDay(response: AllocationResponse): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const step of response.data ?? []) {
    for (const a of Object.values(step ?? {})) {
      const key = nodeKeyOf(a.properties?.providerID);
      if (!key) continue;
      const day = dayOf(a.window.start);
      const keys = out.get(day) ?? new Set<string>();
      keys.add(key);
      out.set(day, keys);
    }
  }
  return out;
}

/** A float as the decimal it prints as, to 10 places (as kubernetesPartOfBill reads /cloudCost). */
const dec = (n: number): string => new Big(String(n)).round(10, Big.roundHalfEven).toFixed();

export interface NodeBill {
  /** Per day, the net cost of the bill items that are the cluster's nodes. */
  byDay: Map<string, string>;
  /** Per day, the node keys no bill item matched (their cost is missing from the day's part). */
  unmatched: Map<string, string[]>;
}

/**
 * The cluster's part of the bill per day: the sum of netCost.cost over the day's cloud costs whose
 * resource id matches one of that day's nodes (nodeKeyOf), each item once, exact from the
 * decimals the floats print as. A day whose nodes match nothing has no part (left to OpenCost's
 * prices by splitBillOverAllocations); nodes no item matched are listed.
 *
 * @example
 * nodeBill(cloudCosts, nodeKeysByDay(nodes)).byDay.get("2026-11-01"); // "412.8"
 */
export function nodeBill(cloudCost: CloudCostResponse, nodesByDay: ReadonlyMap<string, ReadonlySet<string>>): NodeBill {
  const sums = new Map<string, Big>();
  const matched = new Map<string, Set<string>>();
  for (const set of cloudCost.data.sets) {
    for (const cc of Object.values(set.cloudCosts)) {
      const day = dayOf(cc.window.start);
      const key = nodeKeyOf(cc.properties.providerID);
      if (!key || !nodesByDay.get(day)?.has(key)) continue;
      sums.set(day, (sums.get(day) ?? new Big(0)).plus(dec(cc.netCost.cost)));
      matched.set(day, (matched.get(day) ?? new Set<string>()).add(key));
    }
  }
  const unmatched = new Map<string, string[]>();
  for (const [day, keys] of nodesByDay) {
    const missing = [...keys].filter((k) => !matched.get(day)?.has(k)).sort();
    if (missing.length > 0) unmatched.set(day, missing);
  }
  return { byDay: new Map([...sums].map(([day, v]) => [day, v.toFixed()] as const)), unmatched };
}
