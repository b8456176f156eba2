import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { ALLOCATION_VIEW, VIEW_TAG } from "#domain/billing/ledger-view.js";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import type { EventBus } from "#kernel/ports.js";
import { addDays } from "#kernel/days.js";
import { costRow } from "../../entrypoints/support/seed.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

/**
 * The cloud bill and the Kubernetes allocation are two views of the same money. A budget scoped to a
 * `k8s:` tag counts the allocation; every other budget counts the bill, so the cluster's nodes are
 * never counted twice. Run on a real DuckDB warehouse through the nightly's analysis.
 */
const T = "k8s-budgets";
const bus: EventBus = { publish: async () => "1", subscribe() {}, async drain() {}, async close() {} };
let warehouse: DuckDbCostWarehouse;

const days = Array.from({ length: 10 }, (_, i) => addDays("2026-11-01", i));
const allocation = (day: string, namespace: string, cost: string, i: number) =>
  costRow(T, day, {
    provider: "other",
    service_name: "Kubernetes",
    billed_cost: cost,
    effective_cost: cost,
    resource_id: `alloc-${namespace}-${i}`,
    tags: { [VIEW_TAG]: ALLOCATION_VIEW, "k8s:namespace": namespace },
  });

beforeAll(async () => {
  warehouse = await DuckDbCostWarehouse.open({ file: ":memory:" });
  await warehouse.upsert(T, [
    // The bill: 100.25 a day of nodes, 7 a day of a managed database.
    ...days.map((d, i) => costRow(T, d, { service_name: "Compute Engine", billed_cost: "100.25", effective_cost: "100.25", resource_id: `node-${i}` })),
    ...days.map((d, i) => costRow(T, d, { service_name: "Cloud SQL", billed_cost: "7", effective_cost: "7", resource_id: `db-${i}` })),
    // The same node money split over namespaces: web 60.15, batch 40.1 a day.
    ...days.map((d, i) => allocation(d, "web", "60.15", i)),
    ...days.map((d, i) => allocation(d, "batch", "40.1", i)),
  ]);
});
afterAll(async () => warehouse.close());

describe("budgets over the bill and the Kubernetes allocation", () => {
  it("counts a namespace budget on the allocation and every other budget on the bill alone", async () => {
    // Prepare
    const store = new MemoryDocumentStore();
    await store.set(`tenants/${T}`, { name: "K8s" });
    await store.set(`tenants/${T}/budgets/web`, { name: "Web namespace", amount: "1000", period: "monthly", scope: { tags: { "k8s:namespace": "web" } } });
    await store.set(`tenants/${T}/budgets/all`, { name: "All costs", amount: "5000", period: "monthly", scope: {} });
    await store.set(`tenants/${T}/budgets/gce`, { name: "Compute", amount: "5000", period: "monthly", scope: { service_name: ["Compute Engine"] } });
    const deps = { warehouse, store, bus, dashboardUrl: "https://costs.example.com", clock: { now: () => new Date("2026-11-11T04:00:00Z") } };

    // Act
    const r = await analyzeTenant(deps, { tenantId: T, runDate: "2026-11-11", accounts: [], failedAccounts: [] });

    // Assess: 10 days each; the total is the bill's 1,072.5, not 2,075.
    const byId = Object.fromEntries(r.budgets.map((b) => [b.budgetId, b.actual]));
    expect(byId).toEqual({ web: "601.5", all: "1072.5", gce: "1002.5" });
  });
});
