import { describe, expect, it } from "vitest";
import type { BillingSource, CollectResult } from "#domain/billing/ports.js";
import { collectAccount } from "#domain/nightly/collect-account.js";
import { fanOutCollection } from "#domain/nightly/fan-out.js";
import type { CollectAccountMessage } from "#domain/nightly/messages.js";
import { accountCollectionWindow, invoiceMonthsWindow } from "#domain/nightly/window-rules.js";
import type { EventBus } from "#kernel/ports.js";
import { costRecord, nextDay } from "../../conformance/cost-record-builder.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

const opts = { trailingDays: 3, historyMonths: 2 };

describe("window rules of template sources", () => {
  it("gives a Vultr account whole invoice months, always reaching back to the month before yesterday's", () => {
    expect(accountCollectionWindow({ template: "vultr", lastCollectedThrough: "2026-12-03" }, "2026-12-05", opts)).toEqual({ start: "2026-11-01", end: "2026-12-04" });
    // On the 1st, yesterday is the last day of last month: the month before that is re-read too.
    expect(accountCollectionWindow({ template: "vultr", lastCollectedThrough: "2026-11-29" }, "2026-12-01", opts)).toEqual({ start: "2026-10-01", end: "2026-11-30" });
    // A backfill starts on the 1st of its first month anyway.
    expect(accountCollectionWindow({ template: "vultr", lastCollectedThrough: null }, "2026-12-05", opts)).toEqual({ start: "2026-10-01", end: "2026-12-04" });
    expect(invoiceMonthsWindow("2026-01-02", null)).toEqual({ start: "2025-12-01", end: "2026-01-01" });
  });

  it("leaves every other account to the trailing-days rule", () => {
    for (const template of [undefined, "focus", "opencost", "aws-payer"]) {
      expect(accountCollectionWindow({ template, lastCollectedThrough: "2026-12-03" }, "2026-12-05", opts)).toEqual({ start: "2026-12-02", end: "2026-12-04" });
    }
  });

  it("fans a Vultr account out by invoice month", async () => {
    const store = new MemoryDocumentStore();
    const published: CollectAccountMessage[] = [];
    const publish = async (topic: string, data: unknown) => {
      if (topic === "collect-account") published.push(data as CollectAccountMessage);
      return "1";
    };
    const bus = { publish, subscribe() {}, drain: async () => {}, close: async () => {} } as EventBus;
    await store.set("tenants/t1", { name: "t1" });
    await store.set("tenants/t1/cloud_accounts/v", { provider: "other", template: "vultr", billingAccountId: "v", subAccountId: "v", environment: "prod", lastCollectedThrough: "2026-12-03" });
    await fanOutCollection({ store, bus, clock: { now: () => new Date("2026-12-05T02:00:00Z") }, ...opts }, { runDate: "2026-12-05" }, "2026-12-05T02:00:00Z");
    expect(published.map((m) => m.page)).toEqual([
      { start: "2026-11-01", end: "2026-11-30" },
      { start: "2026-12-01", end: "2026-12-04" },
    ]);
  });
});

describe("collectAccount with what a template source reports", () => {
  const page = { start: "2026-11-01", end: "2026-11-30" };
  const msg: CollectAccountMessage = { tenantId: "t1", accountId: "acc", provider: "other", runDate: "2026-12-05", page };
  const row = (provider: "aws" | "azure" | "other", cost: string) =>
    costRecord({ tenant_id: "t1", provider, source: "collect:acc", charge_period_start: "2026-11-10", charge_period_end: nextDay("2026-11-10"), billed_cost: cost, effective_cost: cost });

  async function setup(results: CollectResult[]) {
    const store = new MemoryDocumentStore();
    await store.set("tenants/t1/cloud_accounts/acc", { provider: "other", billingAccountId: "b", subAccountId: "s", environment: "prod" });
    await store.set("tenants/t1/runs/2026-12-05", { runDate: "2026-12-05", pending: [], collected: [], failed: [], collection: {} });
    const source: BillingSource = { provider: "other", collect: async () => results.shift() as CollectResult };
    const warehouse = new MemoryCostWarehouse();
    const bus = { publish: async () => "1", subscribe() {}, drain: async () => {}, close: async () => {} } as EventBus;
    return { warehouse, deps: { store, bus, warehouse, sourceFor: () => source, clock: { now: () => new Date("2026-12-05T03:00:00Z") } } };
  }

  it("replaces the page for every provider a multi-provider source names: a provider gone from the export loses its rows", async () => {
    const { warehouse, deps } = await setup([
      { records: [row("aws", "5"), row("azure", "7")], incompleteDays: [], calls: 1, replaces: ["aws", "azure", "other"] },
      { records: [row("aws", "6")], incompleteDays: [], calls: 1, replaces: ["aws", "azure", "other"] },
    ]);
    await collectAccount(deps, msg);
    const second = await collectAccount(deps, msg);
    expect(second.stats).toMatchObject({ updated: 1, deleted: 1 });
    expect(await warehouse.queryDaily("t1", { window: page, groupBy: ["provider"] })).toEqual([{ date: "2026-11-10", dims: { provider: "aws" }, billed_cost: "6", effective_cost: "6" }]);
  });

  it("still refuses a row of a provider the source did not name", async () => {
    const { deps } = await setup([{ records: [row("azure", "7")], incompleteDays: [], calls: 1 }]);
    await expect(collectAccount(deps, msg)).rejects.toThrow(/provider azure, not other/);
  });

  it("keeps the ledger's rows of the page when the source says it has nothing to replace them yet", async () => {
    const { warehouse, deps } = await setup([
      { records: [row("other", "3.21")], incompleteDays: [], calls: 2 },
      { records: [], incompleteDays: [], calls: 1, keepLedger: true },
      { records: [], incompleteDays: [], calls: 1 },
    ]);
    await collectAccount(deps, msg);
    expect((await collectAccount(deps, msg)).stats).toEqual({ inserted: 0, updated: 0, unchanged: 0, deleted: 0 });
    expect((await warehouse.totals("t1")).billed_cost).toBe("3.21");
    // Without keepLedger, an empty page empties the ledger's rows of it, as for any source.
    expect((await collectAccount(deps, msg)).stats.deleted).toBe(1);
  });
});
