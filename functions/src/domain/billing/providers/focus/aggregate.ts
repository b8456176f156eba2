import { type CostRecord, recordKey } from "../../cost-record.js";
import { add } from "../../money.js";
import { nextUtcDay } from "#kernel/days.js";
import type { CostLine } from "./cost-line.js";

export interface AggregateContext {
  tenantId: string;
  source: string;
  ingestedAt: string;
}

/**
 * Sums cost lines into daily CostRecords keyed by recordKey: identity, day, tag set, pricing unit,
 * SKU and charge description. Lines sharing a key are summed exactly (never overwritten); since
 * the unit is part of the key, their quantities share a unit and add up too. One aggregator may
 * take the lines of several files, which is how the files of one import unit become one batch.
 */
export class DailyAggregator {
  private readonly byKey = new Map<string, CostRecord>();

  constructor(private readonly ctx: AggregateContext) {}

  /** Adds a line; returns why it cannot be merged (currency differs from the record's), or null. */
  add(line: CostLine): string | null {
    const identity = { tenant_id: this.ctx.tenantId, ...line.identity };
    const key = recordKey({ ...identity, tags: line.tags, pricing_unit: line.pricing_unit, sku_id: line.sku_id, charge_description: line.charge_description });
    const prev = this.byKey.get(key);
    if (!prev) {
      this.byKey.set(key, {
        ...identity,
        charge_period_end: nextUtcDay(identity.charge_period_start),
        billed_cost: line.billed_cost,
        effective_cost: line.effective_cost,
        list_cost: line.list_cost,
        billing_currency: line.billing_currency,
        pricing_quantity: line.pricing_quantity,
        pricing_unit: line.pricing_unit,
        tags: { ...line.tags },
        source: this.ctx.source,
        ingested_at: this.ctx.ingestedAt,
        record_key: key,
      });
      return null;
    }
    if (prev.billing_currency !== line.billing_currency) {
      return `BillingCurrency ${line.billing_currency} differs from ${prev.billing_currency} of earlier rows of the same record`;
    }
    prev.billed_cost = add(prev.billed_cost, line.billed_cost);
    prev.effective_cost = add(prev.effective_cost, line.effective_cost);
    prev.list_cost = add(prev.list_cost, line.list_cost);
    if (line.pricing_quantity !== null) {
      prev.pricing_quantity = prev.pricing_quantity === null ? line.pricing_quantity : add(prev.pricing_quantity, line.pricing_quantity);
    }
    return null;
  }

  /** The records, ordered by day then record_key so that output is deterministic. */
  records(): CostRecord[] {
    return [...this.byKey.values()].sort((a, b) =>
      a.charge_period_start === b.charge_period_start
        ? a.record_key.localeCompare(b.record_key)
        : a.charge_period_start.localeCompare(b.charge_period_start),
    );
  }
}
