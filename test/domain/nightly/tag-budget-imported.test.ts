import Big from "big.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFocusFile } from "#adapters/files/import-focus-file.js";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import type { EventBus } from "#kernel/ports.js";
import { csvObjects, SAMPLE_1000 } from "../../support/focus-test-support.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

/**
 * A tag-scoped budget on data that came in through the ledger's own path (the FOCUS 1.0 sample
 * imported into a real DuckDB warehouse), checked against sums taken from the CSV itself. Budgets
 * count billed cost, credits included, of the rows carrying every pair of the scope.
 */

const T = "tagged";
const sample = csvObjects(SAMPLE_1000()).map((r) => ({
  billed: r.BilledCost ?? "0",
  tags: r.Tags && r.Tags !== "NULL" ? (JSON.parse(r.Tags) as Record<string, string>) : {},
}));

/** The sample's most frequent value of a key, so that the scope matches many rows but not all. */
function commonValue(key: string): string {
  const counts = new Map<string, number>();
  for (const r of sample) if (r.tags[key] !== undefined) counts.set(r.tags[key], (counts.get(r.tags[key]) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

const billedWhere = (pairs: Record<string, string>) =>
  sample.filter((r) => Object.entries(pairs).every(([k, v]) => r.tags[k] === v)).reduce((s, r) => s.plus(r.billed), new Big(0)).toFixed();

const bus: EventBus = { publish: async () => "1", subscribe() {}, async drain() {}, async close() {} };
let warehouse: DuckDbCostWarehouse;

beforeAll(async () => {
  warehouse = await DuckDbCostWarehouse.open({ file: ":memory:" });
  const imported = await importFocusFile(SAMPLE_1000(), { tenantId: T, ingestedAt: "2026-12-05T00:00:00Z" });
  await warehouse.upsert(T, imported.records);
});
afterAll(async () => warehouse.close());

describe("a tag-scoped budget on imported FOCUS data", () => {
  it("counts exactly the billed cost of the records carrying the scope's tags", async () => {
    // Prepare
    const unit = { business_unit: commonValue("business_unit") };
    // In the sample every business unit runs in one environment: PeoriaData only in "dev".
    const env = { environment: "prod" };
    const pair = { business_unit: unit.business_unit, environment: "prod" };
    const store = new MemoryDocumentStore();
    await store.set(`tenants/${T}`, { name: "Tagged" });
    await store.set(`tenants/${T}/budgets/unit`, { name: "One business unit", amount: "5", period: "monthly", scope: { tags: unit } });
    await store.set(`tenants/${T}/budgets/env`, { name: "Production", amount: "5", period: "monthly", scope: { tags: env } });
    await store.set(`tenants/${T}/budgets/pair`, { name: "Unit in production", amount: "5", period: "monthly", scope: { tags: pair } });
    await store.set(`tenants/${T}/budgets/none`, { name: "No such team", amount: "5", period: "monthly", scope: { tags: { team: "nobody" } } });
    const deps = { warehouse, store, bus, dashboardUrl: "https://costs.example.com", clock: { now: () => new Date("2024-10-01T04:00:00Z") } };

    // Act: the run of 2024-10-01 analyses September 2024, the sample's month.
    const r = await analyzeTenant(deps, { tenantId: T, runDate: "2024-10-01", accounts: [], failedAccounts: [] });

    // Assess
    const byId = Object.fromEntries(r.budgets.map((b) => [b.budgetId, b.actual]));
    expect(new Big(billedWhere(unit)).gt(0)).toBe(true);
    expect(new Big(billedWhere(env)).gt(0)).toBe(true);
    expect(billedWhere(pair)).toBe("0");
    expect(byId).toEqual({ unit: billedWhere(unit), env: billedWhere(env), pair: "0", none: "0" });
  });
});
