import { describe, expect, it } from "vitest";
import { type CostRecord, recordKey } from "#domain/billing/cost-record.js";
import { deduplicate } from "#domain/recommendations/dedup.js";
import { recommendationDocId, storeSynced, updateRecommendation, UpdateRecommendationInput } from "#domain/recommendations/lifecycle.js";
import { checkRealizedSavings, measureRealized } from "#domain/recommendations/realized.js";
import { type Recommendation, RecommendationSchema } from "#domain/recommendations/recommendation.js";
import { addDays, daysInWindow } from "#kernel/days.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

const T = "t1";

function row(day: string, spec: Partial<CostRecord> & { cost: string }): CostRecord {
  const { cost, ...over } = spec;
  const identity = {
    tenant_id: T,
    provider: "gcp" as const,
    billing_account_id: "B",
    sub_account_id: "proj-1",
    service_name: "Compute Engine",
    service_category: "Compute",
    region_id: "us-central1",
    resource_id: "",
    charge_category: "Usage" as const,
    charge_period_start: day,
    ...over,
  };
  delete (identity as Partial<CostRecord>).billing_currency;
  return {
    ...identity,
    charge_period_end: addDays(day, 1),
    billed_cost: cost,
    effective_cost: cost,
    list_cost: cost,
    billing_currency: over.billing_currency ?? "USD",
    pricing_quantity: null,
    pricing_unit: "",
    tags: {},
    source: "test",
    ingested_at: "2026-12-01T00:00:00Z",
    record_key: recordKey({ ...identity, tags: {}, pricing_unit: "" }),
  } as CostRecord;
}

/** `cost` a day on each day of [start, end]. */
function days(start: string, end: string, over: Partial<CostRecord> & { cost: string }): CostRecord[] {
  return daysInWindow({ start, end }).map((d) => row(d, over));
}

function rec(over: Partial<Recommendation>): Recommendation {
  return RecommendationSchema.parse({
    provider: "gcp",
    providerId: "projects/1/locations/us-central1-a/recommenders/google.compute.instance.MachineTypeRecommender/recommendations/r1",
    etag: '"e1"',
    recommender: "google.compute.instance.MachineTypeRecommender",
    accountId: "proj-1",
    resource: "projects/proj-1/zones/us-central1-a/instances/vm-1",
    category: "rightsizing",
    action: "resize",
    description: "",
    monthlySavings: { amount: "120.5", currency: "USD" },
    effort: "medium",
    risk: "medium",
    confidence: "high",
    ledgerService: "Compute Engine",
    ...over,
  });
}

/** Stores recommendations through a sync, then marks each succeeded on its day, as a user would. */
async function succeededOn(store: MemoryDocumentStore, recs: [Recommendation, string][]) {
  await storeSynced(store, T, deduplicate(recs.map(([r]) => r)), new Map(), new Date("2026-10-01T06:00:00Z"));
  for (const [r, day] of recs) {
    const id = recommendationDocId(r.provider, r.providerId);
    await updateRecommendation(store, T, UpdateRecommendationInput.parse({ id, op: "done", outcome: "succeeded" }), "u1", new Date(`${day}T15:00:00Z`));
  }
}

const APPLIED = "2026-11-01";
// 28 days before the applied day at 10.00, 28 after at 6.00; the applied day itself at 8.00.
const COMPUTE = [...days(addDays(APPLIED, -28), addDays(APPLIED, -1), { cost: "10.00" }), row(APPLIED, { cost: "8.00" }), ...days(addDays(APPLIED, 1), addDays(APPLIED, 28), { cost: "6.00" })];
// Rows that must not count: another service, another project, another currency, another provider.
const NOISE = [
  ...days(addDays(APPLIED, -28), addDays(APPLIED, 28), { cost: "50", service_name: "BigQuery" }),
  ...days(addDays(APPLIED, -28), addDays(APPLIED, 28), { cost: "7", sub_account_id: "proj-2" }),
  ...days(addDays(APPLIED, 1), addDays(APPLIED, 28), { cost: "9", billing_currency: "EUR", region_id: "europe-west1" }),
];

describe("realized savings of one succeeded recommendation", () => {
  it("compares the service's spend 28 days before and after, scaled to 30 days, in the recommendation's currency", async () => {
    const ledger = new MemoryCostWarehouse();
    await ledger.upsert(T, [...COMPUTE, ...NOISE]);
    const m = await measureRealized(ledger, T, { ...rec({}), updatedAt: `${APPLIED}T15:00:00Z` }, { lastDay: addDays(APPLIED, 28) });
    // Hand-checked: before 28 × 10 = 280, after 28 × 6 = 168; (280 − 168) × 30 / 28 = 120; 120 / 120.5 = 0.99585… → 0.9959.
    expect(m).toMatchObject({
      appliedOn: APPLIED,
      before: { start: "2026-10-04", end: "2026-10-31" },
      after: { start: "2026-11-02", end: "2026-11-29" },
      spendBefore: "280",
      spendAfter: "168",
      realizedMonthly: "120",
      estimatedMonthly: "120.5",
      currency: "USD",
      ratio: "0.9959",
      scope: { provider: "gcp", subAccountId: "proj-1", service: "Compute Engine" },
    });
  });

  it("waits until the after-window is complete", async () => {
    const ledger = new MemoryCostWarehouse();
    await ledger.upsert(T, COMPUTE);
    expect(await measureRealized(ledger, T, { ...rec({}), updatedAt: `${APPLIED}T15:00:00Z` }, { lastDay: addDays(APPLIED, 27) })).toBeNull();
  });

  it("a commitment names no service and is measured on the whole account; a rise is a negative saving", async () => {
    const ledger = new MemoryCostWarehouse();
    await ledger.upsert(T, [...COMPUTE, ...days(addDays(APPLIED, -7), addDays(APPLIED, 7), { cost: "1.5", service_name: "Cloud SQL" })]);
    const commitment = rec({ category: "commitment", action: "purchase", ledgerService: undefined, monthlySavings: { amount: "30", currency: "USD" } });
    const m = await measureRealized(ledger, T, { ...commitment, updatedAt: `${APPLIED}T00:00:00Z` }, { windowDays: 7, lastDay: "2026-12-31" });
    // Before: 7 × (10 + 1.5) = 80.5; after: 7 × (6 + 1.5) = 52.5; 28 × 30 / 7 = 120.
    expect([m?.spendBefore, m?.spendAfter, m?.realizedMonthly, m?.ratio]).toEqual(["80.5", "52.5", "120", "4.0000"]);
    const up = new MemoryCostWarehouse();
    await up.upsert(T, [...days("2026-11-24", "2026-11-30", { cost: "5" }), ...days("2026-12-02", "2026-12-08", { cost: "6" })]);
    const rising = await measureRealized(up, T, { ...commitment, updatedAt: "2026-12-01T09:00:00Z" }, { windowDays: 7, lastDay: "2026-12-31" });
    // (35 − 42) × 30 / 7 = −30: the account costs more than before, against an estimate of 30.
    expect([rising?.realizedMonthly, rising?.ratio]).toEqual(["-30", "-1.0000"]);
  });

  it("refuses a window the ledger could not answer sensibly", async () => {
    await expect(measureRealized(new MemoryCostWarehouse(), T, { ...rec({}), updatedAt: `${APPLIED}T00:00:00Z` }, { windowDays: 0, lastDay: "2027-01-01" })).rejects.toThrow(RangeError);
  });
});

describe("checking a tenant's succeeded recommendations", () => {
  it("measures each once, reports realized against estimated per recommender, and later syncs keep the measure", async () => {
    const store = new MemoryDocumentStore();
    const ledger = new MemoryCostWarehouse();
    await ledger.upsert(T, [...COMPUTE, ...days(addDays(APPLIED, -28), addDays(APPLIED, 28), { cost: "4", sub_account_id: "proj-2" })]);
    const a = rec({});
    // proj-2 did not change at all: realized 0 against an estimate of 79.5.
    const b = rec({ providerId: "r2", accountId: "proj-2", resource: "projects/proj-2/zones/z/instances/vm-2", monthlySavings: { amount: "79.5", currency: "USD" } });
    const pending = rec({ providerId: "r3", accountId: "proj-3", resource: "projects/proj-3/zones/z/instances/vm-3" });
    await succeededOn(store, [[a, APPLIED], [b, APPLIED], [pending, "2026-11-20"]]);

    const first = await checkRealizedSavings(store, ledger, T, { lastDay: "2026-12-01" });
    expect(first.pending).toBe(1);
    expect(first.newlyMeasured).toBe(2);
    // (120 + 0) / (120.5 + 79.5) = 0.6
    expect(first.byRecommender).toEqual([
      { recommender: "google.compute.instance.MachineTypeRecommender", currency: "USD", measured: 2, overlapping: 0, estimatedMonthly: "200", realizedMonthly: "120", ratio: "0.6000" },
    ]);

    // The ledger is restated and the provider still lists the recommendation: the measure stays as written.
    await ledger.upsert(T, days(addDays(APPLIED, 1), addDays(APPLIED, 28), { cost: "1.00" }));
    await storeSynced(store, T, deduplicate([a]), new Map([[a.providerId, "succeeded"]]), new Date("2026-12-02T06:00:00Z"));
    const again = await checkRealizedSavings(store, ledger, T, { lastDay: "2026-12-01" });
    expect(again.newlyMeasured).toBe(0);
    expect(again.byRecommender).toEqual(first.byRecommender);
  });

  it("two succeeded recommendations on one service with overlapping windows are marked and left out of the ratio", async () => {
    const store = new MemoryDocumentStore();
    const ledger = new MemoryCostWarehouse();
    await ledger.upsert(T, COMPUTE);
    const a = rec({});
    const b = rec({ providerId: "r2", recommender: "google.compute.instance.IdleResourceRecommender", resource: "projects/proj-1/zones/z/instances/vm-9", action: "stop", category: "idle" });
    await succeededOn(store, [[a, APPLIED], [b, addDays(APPLIED, 10)]]);
    const r = await checkRealizedSavings(store, ledger, T, { lastDay: "2026-12-31" });
    expect(r.byRecommender.map((g) => [g.recommender, g.measured, g.overlapping, g.ratio])).toEqual([
      ["google.compute.instance.IdleResourceRecommender", 1, 1, null],
      ["google.compute.instance.MachineTypeRecommender", 1, 1, null],
    ]);
    const stored = (await store.get(`tenants/${T}/recommendations/${recommendationDocId("gcp", a.providerId)}`)) as { realized: { overlapping: string[] } };
    expect(stored.realized.overlapping).toEqual(["r2"]);
  });

  it("a commitment's whole-account measure overlaps a service measure of that account, not one of another account", async () => {
    const store = new MemoryDocumentStore();
    const ledger = new MemoryCostWarehouse();
    await ledger.upsert(T, COMPUTE);
    const a = rec({});
    const commitment = rec({ providerId: "c1", recommender: "google.compute.commitment.UsageCommitmentRecommender", resource: "projects/proj-1/regions/r/commitments", category: "commitment", action: "purchase", ledgerService: undefined });
    const elsewhere = rec({ providerId: "c2", recommender: "google.compute.commitment.UsageCommitmentRecommender", accountId: "proj-2", resource: "projects/proj-2/regions/r/commitments", category: "commitment", action: "purchase", ledgerService: undefined });
    const { ledgerService: _a, ...c1 } = commitment;
    const { ledgerService: _b, ...c2 } = elsewhere;
    await succeededOn(store, [[a, APPLIED], [c1 as Recommendation, addDays(APPLIED, 20)], [c2 as Recommendation, APPLIED]]);
    const r = await checkRealizedSavings(store, ledger, T, { lastDay: "2026-12-31" });
    expect(r.byRecommender.map((g) => [g.recommender, g.measured, g.overlapping])).toEqual([
      ["google.compute.commitment.UsageCommitmentRecommender", 2, 1],
      ["google.compute.instance.MachineTypeRecommender", 1, 1],
    ]);
  });
});
