import { describe, expect, it } from "vitest";
import { deduplicate } from "#domain/recommendations/dedup.js";
import { type Recommendation, resourceKey, savingsByCurrency } from "#domain/recommendations/recommendation.js";
import { recommendation } from "./fixtures.js";

/** The recommendations de-duplication sees come without etags. */
const rec = (over: Parameters<typeof recommendation>[0]): Recommendation => recommendation({ etag: null, ...over });

const VM = "//compute.googleapis.com/projects/p1/zones/us-east1-b/instances/vm-1";

describe("de-duplication: one action per resource", () => {
  const resize = rec({ providerId: "r-resize", resource: VM, monthlySavings: { amount: "73.27", currency: "USD" } });
  const del = rec({
    providerId: "r-idle",
    resource: "projects/p1/zones/us-east1-b/instances/vm-1",
    recommender: "google.compute.instance.IdleResourceRecommender",
    category: "idle",
    action: "delete",
    monthlySavings: { amount: "150", currency: "USD" },
    risk: "high",
  });

  it("detects resize against delete as a conflict and keeps the higher score", () => {
    // resize: 10·log10(74.27) = 18.7 + 10 + 10 + 20 = 59; delete: 10·log10(151) = 21.8 + 10 + 0 + 20 = 52.
    const out = deduplicate([del, resize]);
    expect(out.kept.map((r) => [r.providerId, r.score])).toEqual([["r-resize", 59]]);
    expect(out.superseded).toHaveLength(1);
    expect(out.superseded[0]?.kind).toBe("conflict");
    expect(out.superseded[0]?.dropped.map((r) => r.providerId)).toEqual(["r-idle"]);
  });

  it("calls two recommenders agreeing on the action a duplicate", () => {
    const del2 = { ...del, providerId: "r-idle-2", recommender: "other", monthlySavings: { amount: "140", currency: "USD" } };
    const out = deduplicate([del2, del]);
    expect(out.kept.map((r) => r.providerId)).toEqual(["r-idle"]);
    expect(out.superseded[0]?.kind).toBe("duplicate");
  });

  it("on equal score keeps the larger saving", () => {
    // 10·log10(101) = 20.04 and 10·log10(111) = 20.45 both round to the same 60-point total.
    const a = rec({ providerId: "a", resource: VM, monthlySavings: { amount: "100", currency: "USD" } });
    const b = rec({ providerId: "b", resource: VM, monthlySavings: { amount: "110", currency: "USD" } });
    expect(deduplicate([a, b]).kept.map((r) => r.providerId)).toEqual(["b"]);
    expect(deduplicate([b, a]).kept.map((r) => r.providerId)).toEqual(["b"]);
  });

  it("does not depend on input order and sorts by score", () => {
    const other = rec({ providerId: "x", resource: "projects/p1/zones/z/instances/vm-2", effort: "low", risk: "low" });
    const forward = deduplicate([resize, del, other]);
    const backward = deduplicate([other, del, resize]);
    expect(backward).toEqual(forward);
    expect(forward.kept.map((r) => r.providerId)).toEqual(["x", "r-resize"]);
  });

  it("ignores the same provider recommendation seen twice", () => {
    const out = deduplicate([resize, { ...resize }]);
    expect(out.kept).toHaveLength(1);
    expect(out.superseded).toEqual([]);
  });

  it("groups provider spellings of one resource", () => {
    expect(resourceKey({ provider: "azure", resource: "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM" })).toBe(
      resourceKey({ provider: "azure", resource: "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm" }),
    );
    expect(resourceKey({ provider: "aws", resource: "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc" })).toBe("aws:i-0abc");
    // The same name in two clouds is two resources.
    expect(resourceKey({ provider: "aws", resource: "vm-1" })).not.toBe(resourceKey({ provider: "gcp", resource: "vm-1" }));
  });
});

describe("savings totals", () => {
  it("sums exactly per currency and never across currencies", () => {
    const a = rec({ providerId: "a", resource: "r1", monthlySavings: { amount: "0.1", currency: "USD" } });
    const b = rec({ providerId: "b", resource: "r2", monthlySavings: { amount: "0.2", currency: "USD" } });
    const c = rec({ providerId: "c", resource: "r3", monthlySavings: { amount: "5", currency: "EUR" } });
    expect(savingsByCurrency([a, b, c])).toEqual({ USD: "0.3", EUR: "5" });
  });

  it("refuses a float-looking or unbounded amount at the schema", () => {
    expect(() => rec({ providerId: "a", resource: "r", monthlySavings: { amount: "NaN", currency: "USD" } })).toThrow();
    expect(() => rec({ providerId: "a", resource: "r", monthlySavings: { amount: "1", currency: "usd" } })).toThrow();
  });
});
