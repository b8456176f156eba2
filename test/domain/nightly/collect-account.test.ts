import { describe, expect, it } from "vitest";
import type { BillingSource } from "#domain/billing/ports.js";
import { collectAccount } from "#domain/nightly/collect-account.js";
import { fanOutCollection } from "#domain/nightly/fan-out.js";
import type { CollectAccountMessage } from "#domain/nightly/messages.js";
import type { RunDoc } from "#domain/nightly/run-state.js";
import type { BusMessage, EventBus } from "#kernel/ports.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

/** A bus that records what is published and can fail the next publish to a topic, as a crash would. */
class RecordingBus implements EventBus {
  readonly published: Pick<BusMessage, "topic" | "data">[] = [];
  failNext = new Set<string>();
  async publish<T>(topic: string, data: T): Promise<string> {
    if (this.failNext.delete(topic)) throw new Error(`crashed publishing to ${topic}`);
    this.published.push({ topic, data });
    return String(this.published.length);
  }
  subscribe(): void {}
  async drain(): Promise<void> {}
  async close(): Promise<void> {}
}

const empty: BillingSource = { provider: "aws", collect: async () => ({ records: [], incompleteDays: [], calls: 1 }) };
const clock = { now: () => new Date("2026-11-20T03:00:00Z") };

/** The nightly's fan-in: the last page starts the analysis exactly when it must, a crash included. */
describe("collectAccount fan-in", () => {
  async function setup() {
    const store = new MemoryDocumentStore();
    const bus = new RecordingBus();
    await store.set("tenants/t1", { name: "t1" });
    await store.set("tenants/t1/cloud_accounts/a1", { provider: "aws", billingAccountId: "b", subAccountId: "s", environment: "prod", lastCollectedThrough: "2026-11-10" });
    await fanOutCollection({ store, bus, clock, trailingDays: 3, historyMonths: 1 }, { runDate: "2026-11-20" }, "2026-11-20T02:00:00Z");
    const pages = bus.published.filter((m) => m.topic === "collect-account").map((m) => m.data as CollectAccountMessage);
    const deps = { store, bus, warehouse: new MemoryCostWarehouse(), sourceFor: () => empty, clock };
    return { store, bus, pages, deps };
  }

  it("asks for the analysis once, after the last page", async () => {
    const { bus, pages, deps } = await setup();
    for (const p of pages) await collectAccount(deps, p);
    await collectAccount(deps, pages[0] as CollectAccountMessage); // a plain redelivery
    expect(bus.published.filter((m) => m.topic === "costs-collected")).toHaveLength(1);
  });

  it("asks on the redelivery when the last page crashed between recording itself and publishing", async () => {
    const { store, bus, pages, deps } = await setup();
    const last = pages[pages.length - 1] as CollectAccountMessage;
    for (const p of pages.slice(0, -1)) await collectAccount(deps, p);
    bus.failNext.add("costs-collected");
    await expect(collectAccount(deps, last)).rejects.toThrow(/crashed/);
    expect((await store.get<RunDoc>("tenants/t1/runs/2026-11-20"))?.pending).toEqual([]);

    await collectAccount(deps, last);

    expect(bus.published.filter((m) => m.topic === "costs-collected")).toEqual([
      { topic: "costs-collected", data: { tenantId: "t1", runDate: "2026-11-20", accounts: ["a1"], failedAccounts: [] } },
    ]);
  });
});
