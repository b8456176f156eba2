import { describe, expect, it } from "vitest";
import { deduplicate } from "#domain/recommendations/dedup.js";
import {
  listRecommendations,
  ListRecommendationsInput,
  nextState,
  recommendationDocId,
  storeSynced,
  UpdateRecommendationInput,
  updateRecommendation,
} from "#domain/recommendations/lifecycle.js";
import { recommendation } from "./fixtures.js";
import { AppError } from "#kernel/errors.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

const NOW = new Date("2026-03-01T00:00:00Z");

const resize = recommendation({ providerId: "g/resize", resource: "projects/p1/zones/z/instances/vm-1", monthlySavings: { amount: "73.27", currency: "USD" } });
const del = recommendation({ providerId: "g/delete", resource: "projects/p1/zones/z/instances/vm-1", action: "delete", category: "idle", risk: "high", monthlySavings: { amount: "150", currency: "USD" } });
const disk = recommendation({ providerId: "g/disk", resource: "projects/p1/zones/z/disks/d-1", action: "delete", category: "idle", effort: "low", monthlySavings: { amount: "5.5", currency: "USD" } });
const azure = recommendation({ provider: "azure", providerId: "a/1", resource: "/subscriptions/s/vm", monthlySavings: { amount: "900", currency: "EUR" }, etag: null });

async function seeded() {
  const store = new MemoryDocumentStore();
  await storeSynced(store, "t1", deduplicate([resize, del, disk, azure]), new Map([["g/disk", "claimed"]]), NOW);
  return store;
}

describe("lifecycle transitions", () => {
  it.each([
    ["active", "claim", undefined, "claimed"],
    ["active", "dismiss", undefined, "dismissed"],
    ["claimed", "dismiss", undefined, "dismissed"],
    ["claimed", "done", "succeeded", "succeeded"],
    ["claimed", "done", "failed", "failed"],
    ["active", "done", "succeeded", "succeeded"],
  ] as const)("%s --%s(%s)--> %s", (from, op, outcome, to) => {
    expect(nextState(from, op, outcome)).toBe(to);
  });

  it.each([
    ["claimed", "claim"],
    ["succeeded", "dismiss"],
    ["dismissed", "claim"],
    ["failed", "done"],
  ] as const)("refuses %s --%s-->", (from, op) => {
    expect(() => nextState(from, op, "succeeded")).toThrow(expect.objectContaining({ code: "failed-precondition" }));
  });
});

describe("tenant store", () => {
  it("stores one document per resource with the conflict alternatives and the provider's state", async () => {
    const store = await seeded();
    const list = await listRecommendations(store, "t1", ListRecommendationsInput.parse({}));
    expect(list.total).toBe(3);
    const vm = list.items.find((r) => r.providerId === "g/resize");
    expect(vm?.alternatives).toEqual([{ providerId: "g/delete", action: "delete", kind: "conflict" }]);
    expect(list.items.find((r) => r.providerId === "g/disk")?.state).toBe("claimed");
    expect(list.items.map((r) => r.score)).toEqual([...list.items.map((r) => r.score)].sort((a, b) => b - a));
  });

  it("filters by provider, category, minimum savings within a currency", async () => {
    const store = await seeded();
    const q = (x: object) => listRecommendations(store, "t1", ListRecommendationsInput.parse(x));
    expect((await q({ provider: "azure" })).items.map((r) => r.providerId)).toEqual(["a/1"]);
    expect((await q({ category: "idle" })).items.map((r) => r.providerId)).toEqual(["g/disk"]);
    expect((await q({ minSavings: "50", currency: "USD" })).items.map((r) => r.providerId)).toEqual(["g/resize"]);
    expect((await q({ minSavings: "6" })).items.map((r) => r.providerId).sort()).toEqual(["a/1", "g/resize"]);
    // Another tenant sees nothing.
    expect((await listRecommendations(store, "t2", ListRecommendationsInput.parse({}))).total).toBe(0);
  });

  it("claims, refuses a stale etag, and keeps the local state through the next sync", async () => {
    const store = await seeded();
    const id = recommendationDocId("gcp", "g/resize");
    await expect(
      updateRecommendation(store, "t1", UpdateRecommendationInput.parse({ id, op: "claim", etag: '"old"' }), "u1", NOW),
    ).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === "aborted");
    const claimed = await updateRecommendation(store, "t1", UpdateRecommendationInput.parse({ id, op: "claim", etag: '"e1"' }), "u1", NOW);
    expect(claimed.state).toBe("claimed");
    // A fresh sync with a new etag and savings keeps "claimed".
    await storeSynced(store, "t1", deduplicate([{ ...resize, etag: '"e2"', monthlySavings: { amount: "80", currency: "USD" } }]), new Map(), NOW);
    const after = (await listRecommendations(store, "t1", ListRecommendationsInput.parse({ state: "claimed" }))).items.find((r) => r.id === id);
    expect(after?.etag).toBe('"e2"');
    expect(after?.monthlySavings.amount).toBe("80");
    const done = await updateRecommendation(store, "t1", UpdateRecommendationInput.parse({ id, op: "done", outcome: "succeeded" }), "u1", NOW);
    expect(done.state).toBe("succeeded");
  });

  it("dismisses with a reason and refuses an unknown id or a dismiss without reason", async () => {
    const store = await seeded();
    const id = recommendationDocId("azure", "a/1");
    const d = await updateRecommendation(store, "t1", UpdateRecommendationInput.parse({ id, op: "dismiss", reason: "reserved for Q3 migration" }), "u1", NOW);
    expect([d.state, d.reason]).toEqual(["dismissed", "reserved for Q3 migration"]);
    expect(UpdateRecommendationInput.safeParse({ id, op: "dismiss" }).success).toBe(false);
    await expect(
      updateRecommendation(store, "t2", UpdateRecommendationInput.parse({ id, op: "claim" }), "u1", NOW),
    ).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === "not-found");
  });
});
