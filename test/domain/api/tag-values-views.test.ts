import { describe, expect, it } from "vitest";
import { listTagValues } from "#domain/api/tag-allocation.js";
import { costRecord, nextDay } from "../../conformance/cost-record-builder.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";

/** Tag value listings read the view their key belongs to: a k8s: key the Kubernetes allocation, any other the bill. */
describe("listTagValues and the ledger views", () => {
  const day = "2026-05-01";
  const row = (over: Parameters<typeof costRecord>[0]) => costRecord({ tenant_id: "t1", charge_period_start: day, charge_period_end: nextDay(day), ...over });
  const seed = async () => {
    const wh = new MemoryCostWarehouse();
    await wh.upsert("t1", [
      row({ provider: "aws", billed_cost: "100", effective_cost: "100", tags: { team: "data" } }),
      row({ provider: "other", sub_account_id: "web", billed_cost: "60", effective_cost: "60", tags: { "costmon:view": "kubernetes-allocation", "k8s:namespace": "web", team: "data" } }),
      row({ provider: "other", sub_account_id: "batch", billed_cost: "40", effective_cost: "40", tags: { "costmon:view": "kubernetes-allocation", "k8s:namespace": "batch" } }),
    ]);
    return wh;
  };

  it("lists a k8s: key's values from the allocation, summing to the node money once", async () => {
    const values = await listTagValues(await seed(), "t1", { start: day, end: day, tagKey: "k8s:namespace" });
    expect(values.map((v) => [v.value, v.billedCost])).toEqual([["web", "60"], ["batch", "40"]]);
  });

  it("lists any other key from the bill, leaving the allocation rows out", async () => {
    const values = await listTagValues(await seed(), "t1", { start: day, end: day, tagKey: "team" });
    expect(values.map((v) => [v.value, v.billedCost])).toEqual([["data", "100"]]);
  });
});
