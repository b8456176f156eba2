import { describe, expect, it } from "vitest";
import { computeTenantAnalysis } from "#domain/nightly/analyze-tenant.js";
import type { StoredAnomaly } from "#domain/nightly/analyze/anomaly-docs.js";
import type { RateTable } from "#domain/billing/currency-conversion.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import { addDays } from "#kernel/days.js";
import { costRecord } from "../../conformance/cost-record-builder.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

const T = "t1";
const AS_OF = "2026-11-19";
const SPIKE = "2026-11-18";
const NOW = new Date("2026-11-20T04:00:00Z");
/** Base EUR, as the ECB publishes; one USD rate, published the day before the analysis day. */
const RATES: RateTable = { base: "EUR", source: "ECB euro reference rates", days: { "2026-11-18": { USD: "1.05" } } };

/** A EUR series (GCP project billed in euros) about €100 a day with a €60 spike, and a steady USD series. */
function ledger(): CostRecord[] {
  const rows: CostRecord[] = [];
  for (let i = 0, d = "2026-08-01"; d <= AS_OF; i++, d = addDays(d, 1)) {
    const wiggle = (i * 37) % 11;
    const day = { tenant_id: T, charge_period_start: d, charge_period_end: addDays(d, 1) };
    const euro = String((d === SPIKE ? 160 : 100) + wiggle);
    rows.push(costRecord({ ...day, sub_account_id: "p1", service_name: "Compute Engine", billing_currency: "EUR", billed_cost: euro, effective_cost: euro }));
    rows.push(costRecord({ ...day, provider: "aws", sub_account_id: "111", service_name: "EC2", source: "aws-ce", billed_cost: "50.10", effective_cost: "50.10" }));
  }
  return rows;
}

async function analyze(analysis: Record<string, unknown>, currency?: { reporting: string; rates?: RateTable }) {
  const warehouse = new MemoryCostWarehouse();
  await warehouse.upsert(T, ledger());
  const store = new MemoryDocumentStore();
  await store.set(`tenants/${T}`, { name: "T1", analysis });
  const plan = await computeTenantAnalysis({ warehouse, store, dashboardUrl: "https://costs.example.com", ...(currency ? { currency } : {}) }, T, AS_OF, NOW);
  const docs = plan.writes.filter((w) => w.path.startsWith(`tenants/${T}/anomalies/`)).map((w) => w.data as unknown as StoredAnomaly);
  return { plan, docs };
}

describe("analysis thresholds per currency", () => {
  it("judges a EUR series with the USD floor converted at the dated rate: a €60 spike stays under $100 (≈ €95.24)", async () => {
    const { docs } = await analyze({ minImpactUsd: 100 }, { reporting: "USD", rates: RATES });
    expect(docs.filter((d) => d.currency === "EUR")).toEqual([]);
  });

  it("uses the tenant's EUR floor for the EUR series, and records each threshold's source and the rate", async () => {
    const { docs, plan } = await analyze({ thresholds: { USD: { minImpact: "100" }, EUR: { minImpact: "40" } } }, { reporting: "USD", rates: RATES });
    const eur = docs.filter((d) => d.currency === "EUR");
    expect(eur).toHaveLength(1);
    expect(eur[0]).toMatchObject({ start: SPIKE, direction: "increase", currency: "EUR" });
    expect(eur[0]!.thresholds).toEqual({
      sources: { minImpact: "configured", impactThreshold: "converted", severityBands: "converted" },
      rate: { from: "USD", to: "EUR", rate: "0.952380952381", rateDay: "2026-11-18", source: "ECB euro reference rates" },
    });
    // The alert carries the amounts in euros, never dollars.
    expect(plan.events.find((e) => e.type === "anomaly.opened")).toMatchObject({ currency: "EUR" });
  });

  it("without a rate, flags the EUR spike on its percentage alone, severity from surprise, and says so", async () => {
    const { docs } = await analyze({ minImpactUsd: 100 }, { reporting: "USD" });
    const eur = docs.filter((d) => d.currency === "EUR");
    expect(eur).toHaveLength(1);
    expect(eur[0]!.thresholds).toEqual({ sources: { minImpact: "none", impactThreshold: "none", severityBands: "none" } });
    expect(eur[0]!.severity).not.toBe("critical");
  });

  it("refuses a malformed thresholds map rather than analysing with settings the tenant did not set", async () => {
    await expect(analyze({ thresholds: { EUR: { minImpact: "-5" } } })).rejects.toThrow(/invalid tenant analysis settings[\s\S]*not negative/);
  });
});
