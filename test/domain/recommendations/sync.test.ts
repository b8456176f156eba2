import { describe, expect, it } from "vitest";
import { addDecimals } from "#domain/billing/money.js";
import { ListRecommendationsInput, listRecommendations } from "#domain/recommendations/lifecycle.js";
import { demoRecommendations, type RecommendationSourceResolver, syncTenantRecommendations } from "#domain/recommendations/sync.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

const NOW = new Date("2026-03-01T06:00:00Z");
const demo: RecommendationSourceResolver = (t, a, doc) => (doc.collector === "demo" ? { list: async () => demoRecommendations(t, a, doc) } : null);

async function tenantWithAccounts(store: MemoryDocumentStore, t: string, accounts: Record<string, Record<string, unknown>>) {
  await store.set(`tenants/${t}`, { name: t, status: "active" });
  for (const [id, doc] of Object.entries(accounts)) await store.set(`tenants/${t}/cloud_accounts/${id}`, doc);
}

const acct = (over: Record<string, unknown>): Record<string, unknown> => ({ provider: "gcp", billingAccountId: "b", subAccountId: "proj-1", environment: "prod", collector: "demo", ...over });

describe("syncing a tenant's recommendations", () => {
  it("finds four per demo account, keeps one per resource, and totals the kept savings exactly", async () => {
    const store = new MemoryDocumentStore();
    await tenantWithAccounts(store, "t1", { a1: acct({}), a2: acct({ provider: "aws", subAccountId: "123456789012" }), a3: acct({ collector: "provider" }), a4: acct({ status: "disconnected" }) });
    const r = await syncTenantRecommendations(store, "t1", demo, NOW);
    // Two demo accounts × four; the resize and the idle stop of each demo VM conflict.
    expect([r.found, r.kept, r.conflicts]).toEqual([8, 6, 2]);
    const stored = await listRecommendations(store, "t1", ListRecommendationsInput.parse({}));
    expect(stored.total).toBe(6);
    expect(r.savings).toEqual({ USD: addDecimals(stored.items.map((i) => i.monthlySavings.amount)) });
    // The idle stops lost to the resizes (medium risk beats high risk), and are kept as alternatives.
    expect(stored.items.filter((i) => i.action === "stop")).toEqual([]);
    expect(stored.items.filter((i) => i.alternatives.some((a) => a.kind === "conflict"))).toHaveLength(2);
    expect(stored.items.every((i) => i.state === "active")).toBe(true);
  });

  it("is idempotent and keeps tenants apart", async () => {
    const store = new MemoryDocumentStore();
    await tenantWithAccounts(store, "t1", { a1: acct({}) });
    await tenantWithAccounts(store, "t2", { a1: acct({}) });
    const first = await syncTenantRecommendations(store, "t1", demo, NOW);
    const again = await syncTenantRecommendations(store, "t1", demo, NOW);
    expect(again).toEqual(first);
    expect((await listRecommendations(store, "t1", ListRecommendationsInput.parse({}))).total).toBe(3);
    expect((await listRecommendations(store, "t2", ListRecommendationsInput.parse({}))).total).toBe(0);
    // The same account id in another tenant draws other amounts: the demo is per tenant.
    const t2 = await syncTenantRecommendations(store, "t2", demo, NOW);
    expect(t2.savings).not.toEqual(first.savings);
  });
});
