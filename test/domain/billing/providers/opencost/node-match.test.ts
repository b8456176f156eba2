import { describe, expect, it } from "vitest";
import { AllocationResponseSchema } from "#domain/billing/providers/opencost/allocation-response.js";
import { CloudCostResponseSchema } from "#domain/billing/providers/opencost/cloud-cost.js";
import { nodeBill, nodeKeyOf, nodeKeysByDay } from "#domain/billing/providers/opencost/node-match.js";
import { addDays } from "#kernel/days.js";
import { allocationResponse } from "../../../../support/replay/opencost-fixtures.js";

/**
 * The cluster's part of the bill by its nodes' resource ids. Node providerIDs as Kubernetes writes
 * them (OpenCost keeps them as `properties.providerID`: `aws:///<zone>/<instance>`,
 * `gce://<project>/<zone>/<name>`, `azure:///subscriptions/…`), bill resource ids as the providers'
 * exports write them (CUR line_item_resource_id, the GCP export's resource name, Azure ResourceId);
 * the /cloudCost shape follows opencost-website static/cloudCost-example-output.json, values ours.
 */
const AZURE_SET = "/subscriptions/s1/resourceGroups/MC_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-pool-1234";

describe("nodeKeyOf", () => {
  it("gives a node and its bill item the same key on AWS, GCP and Azure", () => {
    expect(nodeKeyOf("aws:///us-east-1a/i-0abc123")).toBe(nodeKeyOf("i-0abc123"));
    expect(nodeKeyOf("gce://my-project/us-central1-a/gke-pool-7f3a")).toBe(nodeKeyOf("projects/my-project/zones/us-central1-a/instances/gke-pool-7f3a"));
    expect(nodeKeyOf("azure:///subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-789")).toBe(
      nodeKeyOf("/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/VM-789"),
    );
    // An Azure scale-set instance is billed as its scale set.
    expect(nodeKeyOf(`azure://${AZURE_SET}/virtualMachines/3`)).toBe(nodeKeyOf(AZURE_SET.toLowerCase()));
    expect(nodeKeyOf(undefined)).toBe("");
    expect(nodeKeyOf("  ")).toBe("");
  });
});

const win = (day: string) => ({ start: `${day}T00:00:00Z`, end: `${addDays(day, 1)}T00:00:00Z` });
const item = (day: string, providerID: string, cost: number) => ({ properties: { provider: "AWS", providerID }, window: win(day), netCost: { cost, kubernetesPercent: 1 } });

function nodes(days: Record<string, string[]>) {
  const response = allocationResponse(
    Object.fromEntries(Object.entries(days).map(([day, ids]) => [day, [...ids.map((_, i) => ({ key: `node-${i}`, cpuCost: 1, ramCost: 1 })), { key: "__idle__", cpuCost: 1, ramCost: 0 }]])),
  );
  response.data.forEach((step, s) => {
    const ids = Object.values(days)[s] ?? [];
    ids.forEach((id, i) => {
      (step[`node-${i}`] as { properties: Record<string, unknown> }).properties.providerID = id;
    });
  });
  return AllocationResponseSchema.parse(response);
}

describe("nodeBill", () => {
  it("sums the bill items of the cluster's own nodes only, each once, exactly, and names nodes no item matched", () => {
    const ours = nodes({
      "2026-11-01": ["aws:///us-east-1a/i-aaa", "aws:///us-east-1b/i-bbb"],
      "2026-11-02": ["aws:///us-east-1a/i-aaa", "aws:///us-east-1c/i-ccc"],
    });
    const bill = CloudCostResponseSchema.parse({
      code: 200,
      data: {
        sets: [
          {
            window: win("2026-11-01"),
            cloudCosts: {
              a: item("2026-11-01", "i-aaa", 10.1),
              b: item("2026-11-01", "i-bbb", 20.2),
              // Another cluster's node and a database of the same bill: not ours.
              x: item("2026-11-01", "i-xxx", 500),
              db: item("2026-11-01", "arn:aws:rds:us-east-1:123456789012:db:orders", 70),
            },
          },
          { window: win("2026-11-02"), cloudCosts: { a: item("2026-11-02", "i-aaa", 0.1), a2: item("2026-11-02", "I-AAA", 0.2) } },
        ],
      },
    });
    const r = nodeBill(bill, nodeKeysByDay(ours));
    expect([...r.byDay]).toEqual([
      ["2026-11-01", "30.3"],
      ["2026-11-02", "0.3"],
    ]);
    expect([...r.unmatched]).toEqual([["2026-11-02", ["i-ccc"]]]);
  });

  it("has no part for a day whose nodes match nothing", () => {
    const r = nodeBill(CloudCostResponseSchema.parse({ code: 200, data: { sets: [{ cloudCosts: { x: item("2026-11-01", "i-xxx", 5) } }] } }), nodeKeysByDay(nodes({ "2026-11-01": ["aws:///z/i-aaa"] })));
    expect(r.byDay.size).toBe(0);
    expect([...r.unmatched]).toEqual([["2026-11-01", ["i-aaa"]]]);
  });
});
