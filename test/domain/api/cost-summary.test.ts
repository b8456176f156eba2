import { describe, expect, it } from "vitest";
import { CostSummaryInput, getCostSummary } from "#domain/api/cost-summary.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { costRow } from "../../entrypoints/support/seed.js";

describe("getCostSummary", () => {
  it("sums days into exact monthly totals per provider", async () => {
    const wh = new MemoryCostWarehouse();
    await wh.upsert("t", [
      costRow("t", "2026-01-30", { billed_cost: "0.1" }),
      costRow("t", "2026-01-31", { billed_cost: "0.2" }),
      costRow("t", "2026-02-01", { billed_cost: "1", provider: "aws" }),
    ]);
    const q = CostSummaryInput.parse({ start: "2026-01-01", end: "2026-02-28", groupBy: ["provider"], granularity: "monthly" });
    const s = await getCostSummary(wh, "t", q);
    expect(s.rows.map((r) => [r.period, r.dims.provider, r.billedCost])).toEqual([
      ["2026-01", "gcp", "0.3"],
      ["2026-02", "aws", "1"],
    ]);
    expect(s.totals).toEqual([{ currency: "USD", billedCost: "1.3", effectiveCost: expect.any(String) }]);
  });

  it.each([
    [{ start: "2026-02-30", end: "2026-03-01" }],
    [{ start: "2026-03-01", end: "2026-02-01" }],
    [{ start: "2024-01-01", end: "2026-01-01" }],
    [{ start: "2026-01-01", end: "2026-01-02", groupBy: ["tag"] }],
    [{ start: "2026-01-01", end: "2026-01-02", groupBy: ["service", "service"] }],
    [{ start: "2026-01-01", end: "2026-01-02", tenantId: "x" }],
  ])("refuses %j", (input) => {
    expect(CostSummaryInput.safeParse(input).success).toBe(false);
  });

  it("groups by one tag key with the untagged spend as \"\", sums exact, and beside another dimension", async () => {
    const wh = new MemoryCostWarehouse();
    await wh.upsert("t", [
      costRow("t", "2026-01-01", { billed_cost: "0.1", effective_cost: "0.1", tags: { team: "web" }, resource_id: "a" }),
      costRow("t", "2026-01-02", { billed_cost: "0.2", effective_cost: "0.2", tags: { team: "web", env: "prod" }, resource_id: "b" }),
      costRow("t", "2026-01-02", { billed_cost: "5", effective_cost: "5", tags: { team: "data" }, provider: "aws", resource_id: "c" }),
      costRow("t", "2026-01-02", { billed_cost: "0.7", effective_cost: "0.7", tags: {}, resource_id: "d" }),
    ]);
    const q = CostSummaryInput.parse({ start: "2026-01-01", end: "2026-01-31", groupBy: ["tag"], tagKey: "team", granularity: "monthly" });
    const s = await getCostSummary(wh, "t", q);
    expect(s.rows.map((r) => [r.dims.tag, r.billedCost])).toEqual([
      ["", "0.7"],
      ["data", "5"],
      ["web", "0.3"],
    ]);
    expect(s.totals).toEqual([{ currency: "USD", billedCost: "6", effectiveCost: "6" }]);
    const both = await getCostSummary(wh, "t", CostSummaryInput.parse({ start: "2026-01-01", end: "2026-01-31", groupBy: ["provider", "tag"], tagKey: "team", granularity: "monthly" }));
    expect(both.rows.map((r) => [r.dims.provider, r.dims.tag, r.billedCost])).toEqual([
      ["aws", "data", "5"],
      ["gcp", "", "0.7"],
      ["gcp", "web", "0.3"],
    ]);
  });
});
