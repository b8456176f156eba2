import { describe, expect, it } from "vitest";
import { adapterBehind, lazyBus, lazySecretStore, lazyWarehouse } from "#adapters/gcp/lazy-adapters.js";
import type { CostWarehouse } from "#domain/billing/ports.js";
import type { EventBus, SecretStore } from "#kernel/ports.js";
import type { ClosableStore } from "#adapters/local/local-runtime.js";

/** The gcp runtime's lazily made adapters: made once on first use, never for a close or drain alone. */
describe("lazy gcp adapters", () => {
  function fakeWarehouse(log: string[]): CostWarehouse & ClosableStore {
    return {
      upsert: async () => ({ inserted: 1, updated: 0, unchanged: 0, deleted: 0 }),
      replaceWindow: async () => ({ inserted: 0, updated: 0, unchanged: 0, deleted: 0 }),
      queryDaily: async (tenantId) => {
        log.push(`queryDaily ${tenantId}`);
        return [];
      },
      totals: async () => ({ rows: 0, billed_cost: "0", effective_cost: "0" }),
      days: async () => ["2026-01-01"],
      close: async () => void log.push("close"),
      closeNow: () => void log.push("closeNow"),
    };
  }

  it("makes the warehouse once, on the first call, and closes only what it made", async () => {
    const log: string[] = [];
    let made = 0;
    const wh = lazyWarehouse(async () => {
      made++;
      return fakeWarehouse(log);
    });
    await wh.close();
    wh.closeNow();
    expect(made).toBe(0);
    await Promise.all([wh.queryDaily("t1", { window: { start: "2026-01-01", end: "2026-01-02" }, groupBy: [] }), wh.days("t1")]);
    expect(made).toBe(1);
    await wh.close();
    wh.closeNow();
    expect(log).toEqual(["queryDaily t1", "close", "closeNow"]);
  });

  it("forgets a failed make, so the next call retries it", async () => {
    let attempts = 0;
    const secrets = lazySecretStore(async (): Promise<SecretStore> => {
      attempts++;
      if (attempts === 1) throw new Error("no client");
      return { get: async (n) => `value of ${n}`, put: async () => {}, delete: async () => {} };
    });
    await expect(secrets.get("a")).rejects.toThrow("no client");
    await expect(secrets.get("a")).resolves.toBe("value of a");
    expect(attempts).toBe(2);
  });

  it("opens the bus on the first publish; drain and close of an unused bus open nothing", async () => {
    const log: string[] = [];
    let made = 0;
    const make = async (): Promise<EventBus> => {
      made++;
      return {
        publish: async (topic) => {
          log.push(`publish ${topic}`);
          return "id-1";
        },
        subscribe: () => {},
        drain: async () => void log.push("drain"),
        close: async () => void log.push("close"),
      };
    };
    const unused = lazyBus(make);
    await unused.drain();
    await unused.close();
    expect(made).toBe(0);
    expect(() => unused.subscribe("alerts", async () => {})).toThrow(/push subscriptions/);

    const bus = lazyBus(make);
    const published = bus.publish("alerts", { a: 1 });
    // A drain that starts while the client is still being opened waits for it.
    await bus.drain();
    await expect(published).resolves.toBe("id-1");
    await bus.close();
    expect(made).toBe(1);
    expect(log).toEqual(["publish alerts", "drain", "close"]);
  });

  it("shows the adapter behind a wrapper, and any other value as it is", async () => {
    const inner = fakeWarehouse([]);
    expect(await adapterBehind(lazyWarehouse(async () => inner))).toBe(inner);
    const plain = { x: 1 };
    expect(await adapterBehind(plain)).toBe(plain);
  });
});
