import Big from "big.js";
import { describe, expect, it } from "vitest";
import { AllocationResponseSchema } from "#domain/billing/providers/opencost/allocation-response.js";
import { IDLE_SERVICE, mapAllocations, WORKLOAD_SERVICE } from "#domain/billing/providers/opencost/allocation-records.js";
import { MemoryCostWarehouse } from "../../../../fakes/memory-cost-warehouse.js";
import { allocationResponse, syntheticDay } from "../../../../support/replay/opencost-fixtures.js";

// Fixtures follow the documented /allocation shape (opencost-website static/allocation-example-output.json); values are ours.
const ctx = { tenantId: "t1", ingestedAt: "2026-12-05T00:00:00Z", source: "opencost" };
const opts = { clusterId: "cluster-one", currency: "USD" };
const sum = (xs: string[]) => xs.reduce((a, b) => a.plus(b), new Big(0));

const twoDays = allocationResponse({
  "2026-11-01": [
    { key: "kube-system", namespace: "kube-system", cpuCost: 1.43086, ramCost: 0.09657 },
    { key: "web/deployment/shop", namespace: "web", controllerKind: "deployment", controller: "shop", labels: { team: "shop" }, cpuCost: 3, ramCost: 1 },
    { key: "__unallocated__", cpuCost: 0.5, ramCost: 0 },
    { key: "__idle__", cpuCost: 2, ramCost: 1.00001 },
  ],
  "2026-11-02": [
    { key: "web/deployment/shop", namespace: "web", controllerKind: "deployment", controller: "shop", cpuCost: null, ramCost: 1 },
    { key: "__idle__", cpuCost: 1, ramCost: 0 },
  ],
});

describe("mapAllocations", () => {
  const parsed = AllocationResponseSchema.parse(twoDays);
  const out = mapAllocations(parsed, ctx, opts);
  const day1 = out.records.filter((r) => r.charge_period_start === "2026-11-01");

  it("writes each workload with its own cost and its exact idle share; the day sums to the cluster total", () => {
    const work = day1.filter((r) => r.service_name === WORKLOAD_SERVICE);
    const idle = day1.filter((r) => r.service_name === IDLE_SERVICE);
    expect(work.map((r) => [r.resource_id, r.billed_cost]).sort()).toEqual([
      ["__unallocated__", "0.5"],
      ["kube-system", "1.52743"],
      ["web/deployment/shop", "4"],
    ]);
    expect(sum(idle.map((r) => r.billed_cost)).toFixed()).toBe("3.00001");
    // Proportional to totalCost: shop has 4 / 6.02743 of the allocated cost.
    const shop = idle.find((r) => r.resource_id === "web/deployment/shop");
    expect(new Big(shop?.billed_cost ?? "0").minus(new Big("3.00001").times(4).div("6.02743")).abs().lt("1e-9")).toBe(true);
    expect(sum(day1.map((r) => r.billed_cost)).toFixed()).toBe(out.days[0]?.total);
    expect(out.days[0]).toEqual({ day: "2026-11-01", total: "9.02744", idle: "3.00001", allocated: "6.02743" });
  });

  it("turns namespace, controller and labels into tags, and marks the allocation view", () => {
    const shop = day1.find((r) => r.resource_id === "web/deployment/shop" && r.service_name === WORKLOAD_SERVICE);
    expect(shop?.tags).toEqual({
      "costmon:view": "kubernetes-allocation",
      "k8s:cluster": "cluster-one",
      "k8s:namespace": "web",
      "k8s:controller_kind": "deployment",
      "k8s:controller": "shop",
      "k8s:label:team": "shop",
    });
    expect(shop?.sub_account_id).toBe("web");
    const shopIdle = day1.find((r) => r.resource_id === "web/deployment/shop" && r.service_name === IDLE_SERVICE);
    expect(shopIdle?.tags["k8s:idle"]).toBe("shared");
  });

  it("never writes a null (NaN) cost as 0: the allocation is reported unpriced", () => {
    expect(out.unpriced).toEqual([{ day: "2026-11-02", key: "web/deployment/shop" }]);
    const day2 = out.records.filter((r) => r.charge_period_start === "2026-11-02");
    // No positive allocated cost left that day: the idle stays one unshared row.
    expect(day2.map((r) => [r.resource_id, r.service_name, r.billed_cost])).toEqual([["__idle__", IDLE_SERVICE, "1"]]);
  });

  it("namespaces plus __idle__ equal the cluster total within 0.5% (exactly, here) on a large day", () => {
    const big = mapAllocations(AllocationResponseSchema.parse(allocationResponse({ "2026-11-03": syntheticDay(2_000) })), ctx, opts);
    const byNs = new Map<string, Big>();
    for (const r of big.records) {
      if (r.service_name !== WORKLOAD_SERVICE) continue;
      const ns = r.tags["k8s:namespace"] ?? "";
      byNs.set(ns, (byNs.get(ns) ?? new Big(0)).plus(r.billed_cost));
    }
    const idle = sum(big.records.filter((r) => r.service_name === IDLE_SERVICE).map((r) => r.billed_cost));
    const total = new Big(big.days[0]?.total ?? "0");
    const namespaces = [...byNs.values()].reduce((a, b) => a.plus(b), new Big(0));
    expect(namespaces.plus(idle).minus(total).abs().div(total).lte("0.005")).toBe(true);
    expect(namespaces.plus(idle).toFixed()).toBe(total.toFixed());
  });

  it("re-running a window adds 0 rows and changes none", async () => {
    const wh = new MemoryCostWarehouse();
    const scope = { tenantId: "t1", provider: "other" as const, source: "opencost" };
    const window = { start: "2026-11-01", end: "2026-11-02" };
    const first = await wh.replaceWindow(scope, window, out.records);
    expect(first.inserted).toBe(out.records.length);
    const again = mapAllocations(parsed, { ...ctx, ingestedAt: "2026-12-06T00:00:00Z" }, opts);
    const second = await wh.replaceWindow(scope, window, again.records);
    expect(second).toMatchObject({ inserted: 0, deleted: 0 });
    expect((await wh.totals("t1", window)).rows).toBe(out.records.length);
  });

  it("refuses answers outside the bounds or the shape", () => {
    expect(AllocationResponseSchema.safeParse({ code: 200, data: [{ x: { name: "x", window: { start: "bad", end: "bad" } } }] }).success).toBe(false);
    expect(AllocationResponseSchema.safeParse({ code: 200, data: [{ x: { ...(twoDays.data[0]?.["kube-system"] as object), totalCost: "1.0" } }] }).success).toBe(false);
    expect(AllocationResponseSchema.safeParse({ code: 200, data: [{ x: { ...(twoDays.data[0]?.["kube-system"] as object), totalCost: 1e13 } }] }).success).toBe(false);
  });
});
