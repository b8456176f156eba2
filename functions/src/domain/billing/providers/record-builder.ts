import { nextUtcDay } from "#kernel/days.js";
import { type CostAmounts, type CostIdentity, type CostRecord, recordKey } from "../cost-record.js";
import { add } from "../money.js";
import type { MapContext } from "./map-context.js";

/**
 * The record builder of the GCP, AWS and Azure collectors: it merges rows sharing a record_key,
 * because a batch must never hold two rows with one key, or an upsert would silently keep only
 * one of them.
 */

/** The fields a mapper supplies; the builder adds the period end, lineage and key. */
export interface RecordDraft extends Omit<CostIdentity, "tenant_id">, CostAmounts {
  tags: Record<string, string>;
  /** Key-only discriminators where the source has them (a SKU id, a charge description): not stored. */
  sku_id?: string;
  charge_description?: string;
  /** Exclusive end; defaults to the day after charge_period_start (a daily record). */
  charge_period_end?: string;
}

/**
 * Turns drafts into CostRecords, merging drafts with the same record_key (identity, day, tag set,
 * pricing unit, SKU, charge description): money and quantity are summed exactly, never overwritten.
 */
export function buildRecords(drafts: Iterable<RecordDraft>, ctx: MapContext, defaultSource: string): CostRecord[] {
  const byKey = new Map<string, CostRecord>();
  for (const d of drafts) {
    const identity: CostIdentity = {
      tenant_id: ctx.tenantId,
      provider: d.provider,
      billing_account_id: d.billing_account_id,
      sub_account_id: d.sub_account_id,
      service_name: d.service_name,
      service_category: d.service_category,
      region_id: d.region_id,
      resource_id: d.resource_id,
      charge_category: d.charge_category,
      charge_period_start: d.charge_period_start,
    };
    const key = recordKey({ ...identity, tags: d.tags, pricing_unit: d.pricing_unit, sku_id: d.sku_id, charge_description: d.charge_description });
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, {
        ...identity,
        charge_period_end: d.charge_period_end ?? nextUtcDay(d.charge_period_start),
        billed_cost: d.billed_cost,
        effective_cost: d.effective_cost,
        list_cost: d.list_cost,
        billing_currency: d.billing_currency,
        pricing_quantity: d.pricing_quantity,
        pricing_unit: d.pricing_unit,
        tags: { ...d.tags },
        source: ctx.source ?? defaultSource,
        ingested_at: ctx.ingestedAt,
        record_key: key,
      });
      continue;
    }
    if (prev.billing_currency !== d.billing_currency) {
      throw new RangeError(
        `rows for one record (${d.service_name}, ${d.sub_account_id}, ${d.charge_period_start}) mix currencies ${prev.billing_currency} and ${d.billing_currency}`,
      );
    }
    prev.billed_cost = add(prev.billed_cost, d.billed_cost);
    prev.effective_cost = add(prev.effective_cost, d.effective_cost);
    prev.list_cost = add(prev.list_cost, d.list_cost);
    if (d.pricing_quantity !== null) {
      prev.pricing_quantity = prev.pricing_quantity === null ? d.pricing_quantity : add(prev.pricing_quantity, d.pricing_quantity);
    }
  }
  return [...byKey.values()];
}
