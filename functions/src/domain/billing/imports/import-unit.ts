import type { DayWindow } from "#kernel/days.js";
import type { CostRecord } from "../cost-record.js";
import { add } from "../money.js";
import type { CostWarehouse, UpsertStats } from "../ports.js";

/**
 * An import unit: the files of one export run (the parts of a month, what a manifest lists),
 * written together. Rows sharing a record_key across the unit's files are summed exactly, and the
 * unit replaces the ledger's rows of its source inside its window, so that a restated export
 * replaces the earlier one and importing a unit twice changes nothing.
 */

/**
 * Sums records sharing a record_key exactly (the files of one unit may each hold part of a
 * record). Two currencies under one key are refused, never added.
 *
 * @example
 * sumByRecordKey([a, { ...a, billed_cost: "0.0000012" }]); // one record, billed_cost a + 0.0000012
 */
export function sumByRecordKey(records: readonly CostRecord[]): CostRecord[] {
  const byKey = new Map<string, CostRecord>();
  for (const r of records) {
    const prev = byKey.get(r.record_key);
    if (!prev) {
      byKey.set(r.record_key, { ...r, tags: { ...r.tags } });
      continue;
    }
    if (prev.billing_currency !== r.billing_currency) {
      throw new RangeError(`record ${r.record_key} (${r.service_name}, ${r.charge_period_start}) comes in ${prev.billing_currency} and ${r.billing_currency}; amounts in two currencies are never added`);
    }
    prev.billed_cost = add(prev.billed_cost, r.billed_cost);
    prev.effective_cost = add(prev.effective_cost, r.effective_cost);
    prev.list_cost = add(prev.list_cost, r.list_cost);
    if (r.pricing_quantity !== null) prev.pricing_quantity = prev.pricing_quantity === null ? r.pricing_quantity : add(prev.pricing_quantity, r.pricing_quantity);
  }
  return [...byKey.values()];
}

/** The days a unit covers: its first to its last charge day; null for a unit without records. */
export function unitWindow(records: readonly CostRecord[]): DayWindow | null {
  let start: string | undefined;
  let end: string | undefined;
  for (const r of records) {
    if (start === undefined || r.charge_period_start < start) start = r.charge_period_start;
    if (end === undefined || r.charge_period_start > end) end = r.charge_period_start;
  }
  return start === undefined || end === undefined ? null : { start, end };
}

export interface UnitWriteResult extends UpsertStats {
  window: DayWindow | null;
}

/**
 * Writes a unit: for every provider and billing account the unit holds, the ledger's rows of
 * `source` inside the unit's window are replaced by the unit's rows (one replaceWindow per
 * provider, scoped to the unit's billing accounts of that provider). An export covers its billing
 * accounts, so the exports of two payers imported one after the other never replace each other;
 * rows of other sources (the nightly collectors, another import format) are never touched. A
 * billing account the restated unit no longer holds at all keeps its earlier rows.
 *
 * @example
 * await replaceUnit(warehouse, "acme", "import:focus", records); // { inserted, updated, unchanged, deleted, window }
 */
export async function replaceUnit(warehouse: CostWarehouse, tenantId: string, source: string, records: readonly CostRecord[]): Promise<UnitWriteResult> {
  const window = unitWindow(records);
  const stats: UnitWriteResult = { inserted: 0, updated: 0, unchanged: 0, deleted: 0, window };
  if (!window) return stats;
  const byProvider = new Map<CostRecord["provider"], CostRecord[]>();
  for (const r of records) {
    const list = byProvider.get(r.provider);
    if (list) list.push(r);
    else byProvider.set(r.provider, [r]);
  }
  for (const [provider, mine] of byProvider) {
    const billingAccountIds = [...new Set(mine.map((r) => r.billing_account_id))].sort();
    const s = await warehouse.replaceWindow({ tenantId, provider, source, billingAccountIds }, window, mine);
    stats.inserted += s.inserted;
    stats.updated += s.updated;
    stats.unchanged += s.unchanged;
    stats.deleted += s.deleted;
  }
  return stats;
}
