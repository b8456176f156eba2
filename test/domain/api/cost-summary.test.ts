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
    expect(s.totals.billedCost).toBe("1.3");
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

  it("refuses tag grouping the warehouse port cannot do", async () => {
    const q = CostSummaryInput.parse({ start: "2026-01-01", end: "2026-01-02", groupBy: ["tag"], tagKey: "team" });
    await expect(getCostSummary(new MemoryCostWarehouse(), "t", q)).rejects.toMatchObject({ code: "failed-precondition" });
  });
});
