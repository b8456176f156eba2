import { describe, expect, it } from "vitest";
import { DuckDbLlmLedger } from "#adapters/local/duckdb-llm-ledger.js";
import { LLM_SOURCE, rollupToCostRecord } from "#domain/llm-usage/cost-records.js";
import { LlmUsageEventSchema } from "#domain/llm-usage/event.js";
import { syncLlmSpend } from "#domain/llm-usage/nightly.js";
import { priceEvents } from "#domain/llm-usage/price-events.js";
import { compileOverrides, createPricer } from "#domain/llm-usage/price-catalog.js";
import { GetLlmUsageInput, getLlmUsage } from "#domain/llm-usage/usage.js";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import { addDays } from "#kernel/days.js";
import type { EventBus } from "#kernel/ports.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { fixedCatalog } from "./support.js";

const T = "t-ledger";
const RUN = "2026-11-20";
const ratesFor = createPricer(fixedCatalog(), compileOverrides([]));

const quietBus: EventBus = { publish: async () => "1", subscribe() {}, drain: async () => {}, close: async () => {} };

/** `calls` events of one model on one day, each 100k input and 10k output tokens. */
function day(d: string, provider: string, model: string, calls: number, tags: Record<string, string>) {
  return Array.from({ length: calls }, (_, i) =>
    LlmUsageEventSchema.parse({ eventId: `${d}-${model}-${tags.team ?? ""}-${i}`, provider, model, inputTokens: 100_000, outputTokens: 10_000, requestedAt: `${d}T12:00:00Z`, tags }),
  );
}

describe("LLM spend in the cost ledger", () => {
  it("becomes CostRecords per day, model and tag set: provider the AI vendor, service the model", async () => {
    const ledger = await DuckDbLlmLedger.open({ file: ":memory:" });
    const events = [...day("2026-11-19", "openai", "gpt-4o-mini", 3, { team: "search" }), ...day("2026-11-19", "openai", "gpt-4o-mini", 2, { team: "ml" }), ...day("2026-11-19", "google", "gemini-2.5-flash", 1, { team: "ml" })];
    await ledger.ingest(T, priceEvents(T, events, ratesFor), () => []);
    const rollups = await ledger.dailyRollups(T, { start: "2026-11-19", end: "2026-11-19" });
    const records = rollups.map((r) => rollupToCostRecord(T, r, "2026-11-20T00:00:00Z"));
    expect(records.map((r) => [r.provider, r.service_name, r.tags.team, r.billed_cost, r.source])).toEqual([
      ["google-ai", "gemini-2.5-flash", "ml", "0.055", LLM_SOURCE],
      ["openai", "gpt-4o-mini", "ml", "0.042", LLM_SOURCE],
      ["openai", "gpt-4o-mini", "search", "0.063", LLM_SOURCE],
    ]);
    // Two tag sets of one model and day are two rows: their keys differ.
    expect(new Set(records.map((r) => r.record_key)).size).toBe(3);
  });

  it("breaks usage down by model, app, team, user and key, with tokens and exact cost", async () => {
    const ledger = await DuckDbLlmLedger.open({ file: ":memory:" });
    const events = [
      ...day("2026-11-18", "openai", "gpt-4o-mini", 2, { app: "chat", team: "search", user: "ann", key: "k1" }),
      ...day("2026-11-19", "anthropic", "claude-sonnet-4-5", 1, { app: "chat", team: "ml", user: "bob", key: "k2" }),
      ...day("2026-11-19", "openai", "gpt-4o-mini", 1, { app: "batch", team: "ml" }),
    ];
    await ledger.ingest(T, priceEvents(T, events, ratesFor), () => []);
    const u = await getLlmUsage(ledger, T, GetLlmUsageInput.parse({ start: "2026-11-01", end: "2026-11-30" }));
    // claude: 0.1M × 3 + 0.01M × 15 = 0.45; gpt-4o-mini: 0.1M × 0.15 + 0.01M × 0.60 = 0.021 each
    expect(u.totals).toMatchObject({ events: 4, inputTokens: 400_000, outputTokens: 40_000, costUsd: "0.513" });
    expect(u.byModel.map((r) => [r.value, r.events, r.costUsd])).toEqual([
      ["claude-sonnet-4-5", 1, "0.45"],
      ["gpt-4o-mini", 3, "0.063"],
    ]);
    expect(u.byTeam.map((r) => [r.value, r.costUsd])).toEqual([
      ["ml", "0.471"],
      ["search", "0.042"],
    ]);
    expect(u.byApp.map((r) => r.value)).toEqual(["chat", "batch"]);
    expect(u.byUser.map((r) => [r.value, r.events])).toEqual([
      ["bob", 1],
      ["ann", 2],
      [null, 1],
    ]);
    expect(u.byKey.map((r) => r.value)).toEqual(["k2", "k1", null]);
    expect(u.byDay.map((r) => [r.value, r.costUsd])).toEqual([
      ["2026-11-18", "0.042"],
      ["2026-11-19", "0.471"],
    ]);
    const ml = await getLlmUsage(ledger, T, GetLlmUsageInput.parse({ start: "2026-11-01", end: "2026-11-30", team: "ml" }));
    expect(ml.totals.costUsd).toBe("0.471");
    expect(await getLlmUsage(ledger, "someone-else", GetLlmUsageInput.parse({ start: "2026-11-01", end: "2026-11-30" }))).toMatchObject({ totals: { events: 0, costUsd: "0" } });
  });

  it("a spike in one model's spend raises an anomaly on that model's series, and on no other", async () => {
    // Prepare: 110 days of three models at a steady daily volume; claude-sonnet-4-5 spikes fivefold on 2026-11-18.
    const ledger = await DuckDbLlmLedger.open({ file: ":memory:" });
    const warehouse = new MemoryCostWarehouse();
    const store = new MemoryDocumentStore();
    await store.set(`tenants/${T}`, { name: "T", analysis: { minImpactUsd: 5, minChangePct: 20 } });
    for (let i = 0, d = "2026-08-01"; d <= "2026-11-19"; i++, d = addDays(d, 1)) {
      const wiggle = (i * 37) % 5;
      const events = [
        ...day(d, "openai", "gpt-4o-mini", 40 + wiggle, { team: "search" }),
        ...day(d, "anthropic", "claude-sonnet-4-5", (d === "2026-11-18" ? 100 : 20) + wiggle, { team: "ml" }),
        ...day(d, "google", "gemini-2.5-flash", 30 + wiggle, { team: "ml" }),
      ];
      await ledger.ingest(T, priceEvents(T, events, ratesFor), () => []);
    }
    // Act: the nightly's LLM step (the trailing window), then a backfill of the rest, then the analysis.
    await syncLlmSpend({ ledger, warehouse, store, now: new Date("2026-11-20T04:00:00Z") }, T, RUN, 35);
    await syncLlmSpend({ ledger, warehouse, store, now: new Date("2026-11-20T04:00:00Z") }, T, addDays(RUN, -36), 100);
    const r = await analyzeTenant({ warehouse, store, bus: quietBus, dashboardUrl: "https://costs.example.com", clock: { now: () => new Date("2026-11-20T04:00:00Z") } }, { tenantId: T, runDate: RUN, accounts: [], failedAccounts: [] });
    // Assess
    expect(r.anomalies.map((a) => [a.seriesKey, a.start, a.direction])).toEqual([["anthropic|llm:anthropic|claude-sonnet-4-5", "2026-11-18", "increase"]]);
    const doc = await store.get<{ where: Record<string, string> }>(`tenants/${T}/anomalies/${r.anomalies[0]?.id}`);
    expect(doc?.where).toMatchObject({ provider: "anthropic", service: "claude-sonnet-4-5" });
  });
});

describe("LLM budgets in the budget engine", () => {
  it("alerts budgets per tenant, team, key and model at their thresholds from AI spend alone", async () => {
    // Prepare: November so far (1st to 19th) of two models, two teams and two keys.
    const ledger = await DuckDbLlmLedger.open({ file: ":memory:" });
    const warehouse = new MemoryCostWarehouse();
    const store = new MemoryDocumentStore();
    await store.set(`tenants/${T}`, { name: "T" });
    for (let d = "2026-11-01"; d <= "2026-11-19"; d = addDays(d, 1)) {
      const events = [
        ...day(d, "openai", "gpt-4o-mini", 10, { team: "search", key: "gw-search" }), // 0.21 a day
        ...day(d, "anthropic", "claude-sonnet-4-5", 2, { team: "ml", key: "gw-ml" }), // 0.90 a day
      ];
      await ledger.ingest(T, priceEvents(T, events, ratesFor), () => []);
    }
    const actual = (percent: number) => ({ percent, basis: "actual" });
    const budget = (id: string, amount: string, scope: Record<string, unknown>) => store.set(`tenants/${T}/budgets/${id}`, { name: id, amount, period: "monthly", scope, thresholds: [actual(50), actual(80), actual(100)] });
    // Spent by the 19th: everything 21.09; team search 3.99; key gw-ml 17.10; model claude 17.10 of which team ml all.
    await budget("tenant", "25", {}); // 84%: crosses 80
    await budget("team-search", "5", { tags: { team: "search" } }); // 79.8%: crosses 50
    await budget("key-ml", "17", { tags: { key: "gw-ml" } }); // 100.6%: crosses 100
    await budget("model-claude", "40", { service_name: ["claude-sonnet-4-5"] }); // 42.75%: nothing
    const published: unknown[] = [];
    const bus: EventBus = {
      ...quietBus,
      publish: async (_topic, data) => {
        published.push(data);
        return "1";
      },
    };
    // Act
    await syncLlmSpend({ ledger, warehouse, store, now: new Date("2026-11-20T04:00:00Z") }, T, RUN, 35);
    await analyzeTenant({ warehouse, store, bus, dashboardUrl: "https://costs.example.com", clock: { now: () => new Date("2026-11-20T04:00:00Z") } }, { tenantId: T, runDate: RUN, accounts: [], failedAccounts: [] });
    // Assess
    const crossed = (published as { events: { type: string; budgetId: string; thresholdPct: number; basis: string; spent: string }[] }[])
      .flatMap((m) => m.events)
      .filter((e) => e.type === "budget.threshold_crossed" && e.basis === "actual")
      .map((e) => [e.budgetId, e.thresholdPct, e.spent])
      .sort();
    expect(crossed).toEqual([
      ["key-ml", 100, "17.1"],
      ["team-search", 50, "3.99"],
      ["tenant", 80, "21.09"],
    ]);
  });
});
