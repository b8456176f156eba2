import Big from "big.js";
import type { CostRecord } from "../../cost-record.js";
import { ALLOCATION_VIEW, VIEW_TAG } from "./allocation-records.js";
import { shareProportionally } from "./idle-share.js";

/** Whether a row belongs to the Kubernetes allocation view (its money is also in a cloud bill). */
export const isAllocationView = (r: Pick<CostRecord, "tags">): boolean => r.tags[VIEW_TAG] === ALLOCATION_VIEW;

/**
 * Splits, never adds: per day, the bill's Kubernetes part (kubernetesPartOfBill, the money the
 * cloud bill already holds for the cluster's nodes) is shared over that day's allocation rows in
 * proportion to OpenCost's cost for each (shareProportionally, exact). billed_cost and
 * effective_cost become the share of the bill; list_cost keeps OpenCost's own figure. Days with
 * no bill part are returned unchanged (reported in `unreconciled`). Rows not in the allocation view
 * pass through untouched.
 *
 * @example
 *   const { records } = splitBillOverAllocations(mapped.records, new Map([["2026-11-01", "763.23"]]));
 */
export function splitBillOverAllocations(
  records: readonly CostRecord[],
  kubernetesCostByDay: ReadonlyMap<string, string>,
): { records: CostRecord[]; unreconciled: string[] } {
  const byDay = new Map<string, number[]>();
  records.forEach((r, i) => {
    if (!isAllocationView(r)) return;
    const list = byDay.get(r.charge_period_start) ?? [];
    list.push(i);
    byDay.set(r.charge_period_start, list);
  });
  const out = records.map((r) => ({ ...r, tags: { ...r.tags } }));
  const unreconciled: string[] = [];
  for (const [day, idx] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const bill = kubernetesCostByDay.get(day);
    const shares = bill === undefined ? null : shareProportionally(bill, idx.map((i) => records[i]?.list_cost ?? "0"));
    if (!shares) {
      unreconciled.push(day);
      continue;
    }
    idx.forEach((i, k) => {
      const row = out[i];
      if (!row) return;
      row.billed_cost = shares[k] ?? "0";
      row.effective_cost = shares[k] ?? "0";
    });
  }
  return { records: out, unreconciled };
}

/**
 * The ledger's two views of one amount of money: the cloud bill (every row not in the allocation
 * view; what totals and invoices count) and the Kubernetes allocation (the same node money, by
 * workload). The billed total never includes allocation rows.
 */
export function ledgerViews(records: readonly Pick<CostRecord, "tags" | "billed_cost">[]): { billed: string; kubernetesAllocation: string } {
  let billed = new Big(0);
  let k8s = new Big(0);
  for (const r of records) {
    if (isAllocationView(r)) k8s = k8s.plus(r.billed_cost);
    else billed = billed.plus(r.billed_cost);
  }
  return { billed: billed.toFixed(), kubernetesAllocation: k8s.toFixed() };
}
