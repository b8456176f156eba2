import { describe, expect, it } from "vitest";
import { deduplicate } from "#domain/recommendations/dedup.js";
import { recommendationDocId, type StoredRecommendation, storeSynced, UpdateRecommendationInput, updateRecommendation } from "#domain/recommendations/lifecycle.js";
import { type MirroredState, type ProviderLifecycleResolver, ProviderStateConflict } from "#domain/recommendations/provider-lifecycle.js";
import type { Recommendation } from "#domain/recommendations/recommendation.js";
import { demoRecommendations, syncTenantRecommendations } from "#domain/recommendations/sync.js";
import { AppError } from "#kernel/errors.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { recommendation } from "./fixtures.js";

const NOW = new Date("2026-03-01T00:00:00Z");
const gcp = recommendation({
  providerId: "projects/1/locations/z/recommenders/google.compute.instance.MachineTypeRecommender/recommendations/r1",
  resource: "projects/p1/zones/z/instances/vm-1",
});
const azure: Recommendation = { ...gcp, provider: "azure", providerId: "/subscriptions/s/vm/providers/Microsoft.Advisor/recommendations/a", resource: "/subscriptions/s/vm", etag: null };
const id = recommendationDocId("gcp", gcp.providerId);

async function seeded() {
  const store = new MemoryDocumentStore();
  await storeSynced(store, "t1", deduplicate([gcp, azure]), new Map(), NOW, new Map([[gcp.providerId, "gcp-account"]]));
  return store;
}

/** A provider that records its calls and answers as told. */
function provider(answer: (etag: string) => Promise<{ etag: string | null; providerState: string }>) {
  const calls: { tenantId: string; cloudAccount: string | undefined; name: string; state: MirroredState; etag: string }[] = [];
  const resolve: ProviderLifecycleResolver = async (tenantId, rec) =>
    rec.provider === "gcp"
      ? {
          mark: async (name, state, etag) => {
            calls.push({ tenantId, cloudAccount: rec.cloudAccount, name, state, etag });
            return answer(etag);
          },
        }
      : null;
  return { resolve, calls };
}

const read = async (store: MemoryDocumentStore, docId = id) => (await store.get(`tenants/t1/recommendations/${docId}`)) as unknown as StoredRecommendation;

describe("lifecycle changes mirrored to the provider", () => {
  it("marks at the provider with the stored etag first, then stores the state and the provider's new etag", async () => {
    const store = await seeded();
    const p = provider(async () => ({ etag: '"e2"', providerState: "claimed" }));
    const got = await updateRecommendation(store, "t1", UpdateRecommendationInput.parse({ id, op: "claim" }), "u1", NOW, p.resolve);
    expect(p.calls).toEqual([{ tenantId: "t1", cloudAccount: "gcp-account", name: gcp.providerId, state: "claimed", etag: '"e1"' }]);
    expect([got.state, got.etag, got.providerState]).toEqual(["claimed", '"e2"', "claimed"]);
    // The next change carries the new etag.
    await updateRecommendation(store, "t1", UpdateRecommendationInput.parse({ id, op: "done", outcome: "succeeded" }), "u1", NOW, p.resolve);
    expect(p.calls[1]).toMatchObject({ state: "succeeded", etag: '"e2"' });
  });

  it("a stale etag at the provider refreshes the stored etag and state, changes nothing else, and is refused with aborted", async () => {
    const store = await seeded();
    const p = provider(async () => {
      throw new ProviderStateConflict({ etag: '"e9"', providerState: "dismissed" });
    });
    const err = await updateRecommendation(store, "t1", UpdateRecommendationInput.parse({ id, op: "claim" }), "u1", NOW, p.resolve).catch((e: unknown) => e);
    expect((err as AppError).code).toBe("aborted");
    const after = await read(store);
    expect([after.state, after.etag, after.providerState]).toEqual(["active", '"e9"', "dismissed"]);
  });

  it("any other provider failure leaves the stored recommendation as it was", async () => {
    const store = await seeded();
    const before = await read(store);
    const p = provider(async () => {
      throw new AppError("unavailable", "Recommender is unavailable");
    });
    await expect(updateRecommendation(store, "t1", UpdateRecommendationInput.parse({ id, op: "dismiss", reason: "not now" }), "u1", NOW, p.resolve)).rejects.toMatchObject({ code: "unavailable" });
    expect(await read(store)).toEqual(before);
  });

  it("a recommendation without an etag or without a provider lifecycle changes locally only", async () => {
    const store = await seeded();
    const p = provider(async () => ({ etag: "x", providerState: "claimed" }));
    const azureId = recommendationDocId("azure", azure.providerId);
    expect((await updateRecommendation(store, "t1", UpdateRecommendationInput.parse({ id: azureId, op: "claim" }), "u1", NOW, p.resolve)).state).toBe("claimed");
    expect(p.calls).toEqual([]);
  });

  it("the sync records which connected account each recommendation was read through", async () => {
    const store = new MemoryDocumentStore();
    await store.set("tenants/t1", { name: "t1" });
    await store.set("tenants/t1/cloud_accounts/acct-7", { provider: "gcp", billingAccountId: "b", subAccountId: "proj-7", environment: "prod", collector: "demo" });
    await syncTenantRecommendations(store, "t1", (t, a, doc) => ({ list: async () => demoRecommendations(t, a, doc) }), NOW);
    const docs = (await store.list("tenants/t1/recommendations")).docs.map((d) => d.data as unknown as StoredRecommendation);
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((d) => d.cloudAccount === "acct-7" && d.accountId === "proj-7")).toBe(true);
  });
});
