import Big from "big.js";
import { describe, expect, it } from "vitest";
import { buildRecords } from "#domain/billing/providers/record-builder.js";
import { mapAllocations } from "#domain/billing/providers/opencost/allocation-records.js";
import { AllocationResponseSchema } from "#domain/billing/providers/opencost/allocation-response.js";
import { CloudCostResponseSchema, kubernetesPartOfBill } from "#domain/billing/providers/opencost/cloud-cost.js";
import { ledgerViews, splitBillOverAllocations } from "#domain/billing/providers/opencost/two-views.js";
import { MemoryCostWarehouse } from "../../../../fakes/memory-cost-warehouse.js";
import { allocationResponse } from "../../../../support/replay/opencost-fixtures.js";

// /cloudCost follows the documented shape (opencost-website static/cloudCost-example-output.json); values are ours.
const cloudCost = {
  code: 200,
  data: {
    sets: [
      {
        cloudCosts: {
          AWS: {
            properties: { provider: "AWS", invoiceEntityID: "111122223333" },
            window: { start: "2026-11-01T00:00:00Z", end: "2026-11-02T00:00:00Z" },
            listCost: { cost: 1200.5, kubernetesPercent: 0.7 },
            netCost: { cost: 1000.25, kubernetesPercent: 0.6 },
            amortizedNetCost: { cost: 1000.25, kubernetesPercent: 0.6 },
            invoicedCost: { cost: 1000.25, kubernetesPercent: 0.6 },
            amortizedCost: { cost: 1000.25, kubernetesPercent: 0.6 },
          },
        },
        window: { start: "2026-11-01T00:00:00Z", end: "2026-11-02T00:00:00Z" },
        aggregationProperties: ["provider"],
      },
    ],
  },
};

const ctx = { tenantId: "t1", ingestedAt: "2026-12-05T00:00:00Z" };

/** The AWS bill for the day, as the Cost Explorer collector would write it: EC2 nodes and S3. */
const bill = buildRecords(
  [
    ["Amazon Elastic Compute Cloud - Compute", "900.25"],
    ["Amazon Simple Storage Service", "100"],
  ].map(([service, cost]) => ({
    provider: "aws" as const,
    billing_account_id: "111122223333",
    sub_account_id: "111122223333",
    service_name: service ?? "",
    service_category: "Compute",
    region_id: "us-east-1",
    resource_id: "",
    charge_category: "Usage" as const,
    charge_period_start: "2026-11-01",
    billed_cost: cost ?? "0",
    effective_cost: cost ?? "0",
    list_cost: cost ?? "0",
    billing_currency: "USD",
    pricing_quantity: null,
    pricing_unit: "",
    tags: {},
  })),
  ctx,
  "aws-cost-explorer",
);

const allocations = mapAllocations(
  AllocationResponseSchema.parse(
    allocationResponse({
      "2026-11-01": [
        { key: "web", namespace: "web", cpuCost: 300, ramCost: 100.12345 },
        { key: "batch", namespace: "batch", cpuCost: 150, ramCost: 50 },
        { key: "__idle__", cpuCost: 80, ramCost: 20 },
      ],
    }),
  ),
  { ...ctx, source: "opencost" },
  { clusterId: "cluster-one", currency: "USD" },
).records;

describe("the cloud bill and the Kubernetes allocation are two views of one amount", () => {
  const part = kubernetesPartOfBill(CloudCostResponseSchema.parse(cloudCost));

  it("takes the Kubernetes part of the bill from /cloudCost netCost × kubernetesPercent", () => {
    expect(part).toEqual([{ day: "2026-11-01", provider: "aws", netCost: "1000.25", kubernetesCost: "600.15" }]);
  });

  it("splits the bill's Kubernetes part over the allocations instead of adding OpenCost's own prices", () => {
    const { records, unreconciled } = splitBillOverAllocations(allocations, new Map([["2026-11-01", "600.15"]]));
    expect(unreconciled).toEqual([]);
    const views = ledgerViews([...bill, ...records]);
    expect(views.kubernetesAllocation).toBe("600.15");
    // OpenCost priced the cluster at 700.12345; the ledger keeps that only as list_cost.
    expect(records.reduce((s, r) => s.plus(r.list_cost), new Big(0)).toFixed()).toBe("700.12345");
  });

  it("counts the total once, read back from the ledger: a query reads one view, the bill by default", async () => {
    const { records } = splitBillOverAllocations(allocations, new Map([["2026-11-01", "600.15"]]));
    const wh = new MemoryCostWarehouse();
    await wh.upsert("t1", [...bill, ...records]);
    const window = { start: "2026-11-01", end: "2026-11-01" };
    const sum = (rows: { billed_cost: string }[]) => rows.reduce((s, r) => s.plus(r.billed_cost), new Big(0)).toFixed();
    // The costs total (every provider, no tag) is the cloud bill alone.
    expect(sum(await wh.queryDaily("t1", { window, groupBy: ["provider"] }))).toBe("1000.25");
    // The allocation is read as its own view: named, or by a tag scope on a k8s: key.
    const allocation = await wh.queryDaily("t1", { window, groupBy: ["provider"], view: "kubernetes-allocation" });
    expect(sum(allocation)).toBe("600.15");
    expect(allocation.every((r) => r.dims.provider === "other")).toBe(true);
    expect(sum(await wh.queryDaily("t1", { window, groupBy: [], tags: { "k8s:cluster": "cluster-one" } }))).toBe("600.15");
    const rows = await wh.queryDaily("t1", { window, groupBy: ["provider"], groupByTags: ["costmon:view"] });
    expect(ledgerViews(rows.map((r) => ({ tags: r.tags ?? {}, billed_cost: r.billed_cost }))).kubernetesAllocation).toBe("0");
    // The naive sum of every row (the row-count check figure) would count the node money twice.
    expect((await wh.totals("t1")).billed_cost).toBe("1600.4");
  });

  it("leaves a day without a bill part unreconciled rather than inventing one", () => {
    const { records, unreconciled } = splitBillOverAllocations(allocations, new Map());
    expect(unreconciled).toEqual(["2026-11-01"]);
    expect(records.map((r) => r.billed_cost)).toEqual(allocations.map((r) => r.billed_cost));
  });
});
