import { describe, expect, it } from "vitest";
import { baselineOf, CompareCostsInput, compareCosts } from "#domain/api/cost-comparison.js";
import { AllocationCoverageInput, allocationCoverage, listTagValues } from "#domain/api/tag-allocation.js";
import { costRow } from "../../entrypoints/support/seed.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";

const T = "t-cmp";
const cost = (day: string, service: string, amount: string, over: Parameters<typeof costRow>[2] = {}) =>
  costRow(T, day, { service_name: service, billed_cost: amount, effective_cost: amount, ...over });

describe("compareCosts", () => {
  it("defaults the baseline to as many days just before the period", () => {
    const q = CompareCostsInput.parse({ start: "2026-03-01", end: "2026-03-31" });
    expect(baselineOf(q)).toEqual({ start: "2026-01-29", end: "2026-02-28" });
    expect(baselineOf(CompareCostsInput.parse({ start: "2026-03-10", end: "2026-03-10" }))).toEqual({ start: "2026-03-09", end: "2026-03-09" });
  });

  it("lists drivers by absolute change, decreases included, and never adds across currencies", async () => {
    const w = new MemoryCostWarehouse();
    await w.upsert(T, [
      cost("2026-02-10", "BigQuery", "100"),
      cost("2026-02-10", "Compute", "50"),
      cost("2026-03-10", "BigQuery", "20"),
      cost("2026-03-10", "Compute", "80"),
      cost("2026-03-10", "Storage", "0.1"),
      cost("2026-03-10", "Compute", "7", { billing_currency: "EUR", region_id: "europe-west1" }),
    ]);
    const c = await compareCosts(w, T, CompareCostsInput.parse({ start: "2026-03-01", end: "2026-03-31", baselineStart: "2026-02-01", baselineEnd: "2026-02-28" }));
    expect(c.totals).toEqual([
      { currency: "EUR", current: "7", baseline: "0", change: "7", billedCurrent: "7", billedBaseline: "0" },
      { currency: "USD", current: "100.1", baseline: "150", change: "-49.9", billedCurrent: "100.1", billedBaseline: "150" },
    ]);
    expect(c.drivers.map((d) => [d.currency, d.value, d.change])).toEqual([
      ["USD", "BigQuery", "-80"],
      ["USD", "Compute", "30"],
      ["EUR", "Compute", "7"],
      ["USD", "Storage", "0.1"],
    ]);
  });

  it("refuses half a baseline, a reversed baseline and too long a period", () => {
    expect(CompareCostsInput.safeParse({ start: "2026-03-01", end: "2026-03-31", baselineStart: "2026-02-01" }).success).toBe(false);
    expect(CompareCostsInput.safeParse({ start: "2026-03-01", end: "2026-03-31", baselineStart: "2026-02-28", baselineEnd: "2026-02-01" }).success).toBe(false);
    expect(CompareCostsInput.safeParse({ start: "2024-01-01", end: "2026-03-31" }).success).toBe(false);
    expect(CompareCostsInput.safeParse({ start: "2026-02-30", end: "2026-03-31" }).success).toBe(false);
  });
});

describe("tag values and allocation coverage", () => {
  it("sums each value per currency, untagged spend as null, and measures coverage to one decimal", async () => {
    const w = new MemoryCostWarehouse();
    await w.upsert(T, [
      cost("2026-03-01", "a", "2", { tags: { team: "data" } }),
      cost("2026-03-02", "b", "1", { tags: { team: "web" } }),
      cost("2026-03-03", "c", "0.5", { tags: { env: "prod" } }),
      cost("2026-03-03", "d", "4", { tags: { team: "data" }, billing_currency: "EUR", region_id: "europe-west1" }),
    ]);
    expect(await listTagValues(w, T, { start: "2026-03-01", end: "2026-03-31", tagKey: "team" })).toEqual([
      { value: "data", currency: "EUR", effectiveCost: "4", billedCost: "4" },
      { value: "data", currency: "USD", effectiveCost: "2", billedCost: "2" },
      { value: "web", currency: "USD", effectiveCost: "1", billedCost: "1" },
      { value: null, currency: "USD", effectiveCost: "0.5", billedCost: "0.5" },
    ]);
    const cov = await allocationCoverage(w, T, AllocationCoverageInput.parse({ start: "2026-03-01", end: "2026-03-31", tagKeys: ["team", "env"] }));
    expect(cov).toEqual([
      { tagKey: "team", currency: "EUR", totalCost: "4", taggedCost: "4", untaggedCost: "0", coveragePct: "100.0" },
      { tagKey: "team", currency: "USD", totalCost: "3.5", taggedCost: "3", untaggedCost: "0.5", coveragePct: "85.7" },
      { tagKey: "env", currency: "EUR", totalCost: "4", taggedCost: "0", untaggedCost: "4", coveragePct: "0.0" },
      { tagKey: "env", currency: "USD", totalCost: "3.5", taggedCost: "0.5", untaggedCost: "3", coveragePct: "14.3" },
    ]);
  });

  it("gives null coverage when the total is zero", async () => {
    const w = new MemoryCostWarehouse();
    await w.upsert(T, [cost("2026-03-01", "a", "0", { tags: { team: "x" } })]);
    const [c] = await allocationCoverage(w, T, { start: "2026-03-01", end: "2026-03-31", tagKeys: ["team"] });
    expect(c?.coveragePct).toBeNull();
  });
});
