import { type CostRecord, recordKey } from "#domain/billing/cost-record.js";

/** A valid CostRecord with its real record_key; identity fields in `over` change the key. */
export function costRecord(over: Partial<Omit<CostRecord, "record_key">> = {}): CostRecord {
  const base: Omit<CostRecord, "record_key"> = {
    tenant_id: "t-a",
    provider: "gcp",
    billing_account_id: "ba-1",
    sub_account_id: "p1",
    service_name: "Compute Engine",
    service_category: "Compute",
    region_id: "europe-west1",
    resource_id: "",
    charge_category: "Usage",
    charge_period_start: "2026-01-01",
    charge_period_end: "2026-01-02",
    billed_cost: "1.00",
    effective_cost: "1.00",
    list_cost: "1.00",
    billing_currency: "USD",
    pricing_quantity: null,
    pricing_unit: "",
    tags: {},
    source: "gcp-export",
    ingested_at: "2026-01-03T00:00:00Z",
    ...over,
  };
  return { ...base, record_key: recordKey(base) };
}

/** The day after an ISO date, for charge_period_end. */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
