import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DuckDbLlmLedger } from "#adapters/local/duckdb-llm-ledger.js";
import { eventsOf, RecordLlmUsageInput } from "#domain/llm-usage/event.js";
import { priceEvents } from "#domain/llm-usage/price-events.js";
import { reconcileLlmBudgetTotals } from "#domain/llm-usage/nightly.js";
import { AppError } from "#kernel/errors.js";
import { testService } from "./support.js";

const T = "t-budget";
/** One gpt-4o-mini call of 1M input and 1M output tokens costs 0.75 USD at the test rates. */
const call = (eventId: string, over: Record<string, unknown> = {}) =>
  RecordLlmUsageInput.parse({ eventId, provider: "openai", model: "gpt-4o-mini", inputTokens: 1_000_000, outputTokens: 1_000_000, requestedAt: "2026-03-01T10:00:00Z", tags: { team: "search" }, ...over });

/** The running total's key of the test budget in a month. */
const key = (periodKey: string) => ({ budgetId: "cap", periodKey, start: `${periodKey}-01`, end: `${periodKey}-28`, filter: { tags: { team: "search" } } });

async function withBudget(budget: Record<string, unknown>) {
  const s = await testService();
  await s.documents.set(`tenants/${T}/budgets/cap`, { name: "Search cap", amount: "2", period: "monthly", scope: { tags: { team: "search" } }, hardLimit: true, ...budget });
  return s;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe("LLM budgets with a hard limit", () => {
  it("records under the limit, then answers resource-exhausted once the running total reaches it, keeping the spend", async () => {
    const { service, ledger } = await withBudget({});
    await service.record(T, call("a"));
    await service.record(T, call("b"));
    const third = await refusal(service.record(T, call("c")));
    expect(third.code).toBe("resource-exhausted");
    expect(third.details).toMatchObject({ accepted: 1, costUsd: "0.75", budgets: [{ budgetId: "cap", spentUsd: "2.25", amountUsd: "2", remainingUsd: "0", exhausted: true, periodKey: "2026-03" }] });
    // The call happened and is in the ledger; its retry stores nothing and answers the same.
    const retry = await refusal(service.record(T, call("c")));
    expect(retry.details).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await ledger.usage(T, { window: { start: "2026-03-01", end: "2026-03-01" }, groupBy: [], limit: 1 })).totals.costUsd).toBe("2.25");
  });

  it("checkLlmBudget refuses a request in scope past the limit and allows one outside it", async () => {
    const { service } = await withBudget({ amount: "0.75" });
    expect(await service.check(T, { provider: "openai", model: "gpt-4o-mini", tags: { team: "search" } })).toMatchObject({ allowed: true, budgets: [{ spentUsd: "0", remainingUsd: "0.75" }] });
    await expect(service.record(T, call("a"))).rejects.toMatchObject({ code: "resource-exhausted" });
    await expect(service.check(T, { provider: "openai", model: "gpt-4o-mini", tags: { team: "search" } })).rejects.toMatchObject({ code: "resource-exhausted" });
    expect(await service.check(T, { provider: "openai", model: "gpt-4o-mini", tags: { team: "ml" } })).toEqual({ allowed: true, budgets: [] });
    expect(await service.check("other-tenant", { provider: "openai", model: "gpt-4o-mini", tags: { team: "search" } })).toEqual({ allowed: true, budgets: [] });
  });

  it.each([
    ["without hardLimit", { hardLimit: false }],
    ["in another currency", { currency: "EUR" }],
    ["scoped to another model", { scope: { service_name: ["gpt-4o"] } }],
    ["scoped to another vendor", { scope: { provider: ["anthropic"] } }],
  ])("never blocks on a budget %s", async (_name, budget) => {
    const { service } = await withBudget({ amount: "0.01", ...budget });
    expect((await service.record(T, call("a"))).accepted).toBe(1);
    expect((await service.check(T, { provider: "openai", model: "gpt-4o-mini", tags: { team: "search" } })).allowed).toBe(true);
  });

  it("scopes on the ledger's dimensions: vendor, model as service, and tags", async () => {
    const { service } = await withBudget({ amount: "0.5", scope: { provider: ["openai"], service_name: ["gpt-4o-mini"], tags: { team: "search" } } });
    await expect(service.record(T, call("a"))).rejects.toMatchObject({ code: "resource-exhausted" });
  });

  it("adds concurrent calls to the running total exactly once each", async () => {
    const { service, ledger } = await withBudget({ amount: "1000" });
    await Promise.all(Array.from({ length: 20 }, (_, i) => service.record(T, call(`e${i % 10}`))));
    expect(await ledger.budgetTotals(T, [key("2026-03")])).toEqual([{ budgetId: "cap", periodKey: "2026-03", pico: 7_500_000_000_000n }]);
  });

  it("counts a late event in its own period, not the current one", async () => {
    const { service, ledger, clock } = await withBudget({ amount: "1000" });
    clock.t = Date.parse("2026-03-02T01:00:00Z");
    await service.record(T, call("feb", { requestedAt: "2026-02-28T23:00:00Z" }));
    expect(await ledger.budgetTotals(T, [key("2026-02"), key("2026-03")])).toEqual([
      { budgetId: "cap", periodKey: "2026-02", pico: 750_000_000_000n },
      { budgetId: "cap", periodKey: "2026-03", pico: 0n },
    ]);
  });

  it("the nightly reconciliation recomputes the running total from the events", async () => {
    const { service, ledger, documents } = await withBudget({ amount: "1000" });
    await service.record(T, call("a"));
    await service.record(T, call("b", { tags: { team: "ml" } }));
    await ledger.replaceBudgetTotals(T, [{ budgetId: "cap", periodKey: "2026-03", pico: 42n }]);
    const totals = await reconcileLlmBudgetTotals(ledger, documents, T, "2026-03-01");
    expect(totals).toEqual([{ budgetId: "cap", periodKey: "2026-03", pico: 750_000_000_000n }]);
    expect(await ledger.budgetTotals(T, [key("2026-03")])).toEqual(totals);
  });

  it("alerts a threshold once, when the running total crosses it, for the highest one a call crosses", async () => {
    // Prepare: a 10 USD budget; each call costs 0.75.
    const { service } = await withBudget({ amount: "10", thresholds: [{ percent: 50, basis: "actual" }, { percent: 75, basis: "actual" }, { percent: 100, basis: "forecast" }] });
    const raised: { thresholdPct: number; spent: string }[] = [];
    const publishAlerts = async (events: unknown[]) => {
      raised.push(...(events as { thresholdPct: number; spent: string }[]));
    };
    const batch = (ids: string[]) => RecordLlmUsageInput.parse({ events: ids.map((id) => call(id)) });
    // Act: 6 calls (4.50, under 50%), then 5 more (8.25: past 50 and 75), then a retry and one more.
    await service.record(T, batch(["a1", "a2", "a3", "a4", "a5", "a6"]), { publishAlerts });
    expect(raised).toEqual([]);
    const second = await service.record(T, batch(["b1", "b2", "b3", "b4", "b5"]), { publishAlerts });
    await service.record(T, batch(["b1", "b2", "b3", "b4", "b5"]), { publishAlerts });
    await service.record(T, batch(["c1"]), { publishAlerts });
    // Assess: one alert, at 75 (forecast thresholds are the nightly's), and the result says it was published.
    expect(raised).toEqual([expect.objectContaining({ type: "llm_budget.crossed", thresholdPct: 75, spent: "8.25", budget: "10", currency: "USD", severity: "medium" })]);
    expect(second.alerts).toEqual({ raised: 1, published: true });
  });

  it("stores the events when the alert cannot be published, and says so", async () => {
    const { service, ledger } = await withBudget({ amount: "1", thresholds: [{ percent: 50, basis: "actual" }] });
    const r = await service.record(T, call("a"), { publishAlerts: async () => Promise.reject(new Error("bus down")) });
    expect(r).toMatchObject({ accepted: 1, alerts: { raised: 1, published: false } });
    expect((await ledger.usage(T, { window: { start: "2026-03-01", end: "2026-03-01" }, groupBy: [], limit: 1 })).totals.events).toBe(1);
  });

  it("records past a hard limit without refusing when the caller does not enforce, naming the spent budgets", async () => {
    const { service } = await withBudget({ amount: "0.5" });
    const r = await service.record(T, call("a"), { enforce: false });
    expect(r).toMatchObject({ accepted: 1, exhausted: [{ budgetId: "cap", exhausted: true, spentUsd: "0.75" }] });
  });

  it("answers checks from the committed totals: what a reopened ledger file reads, after ingests, a failed one and a reconciliation", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llm-totals-"));
    try {
      const file = join(dir, "llm.duckdb");
      const first = await DuckDbLlmLedger.open({ file });
      const s = await testService({ ledger: first });
      await s.documents.set(`tenants/${T}/budgets/cap`, { name: "Search cap", amount: "1000", period: "monthly", scope: { tags: { team: "search" } }, hardLimit: true });
      await s.service.record(T, call("a"));
      await s.service.check(T, { provider: "openai", model: "gpt-4o-mini", tags: { team: "search" } });
      await s.service.record(T, RecordLlmUsageInput.parse({ events: [call("b"), call("c")] }));
      // A failing budget step rolls the whole ingest back; the check must not see its increment.
      const failing = priceEvents(T, eventsOf(call("d")), s.ratesFor);
      await expect(
        first.ingest(T, failing, () => {
          throw new Error("boom");
        }),
      ).rejects.toThrow(/boom/);
      const viaCheck = await s.service.check(T, { provider: "openai", model: "gpt-4o-mini", tags: { team: "search" } });
      expect(viaCheck.budgets[0]?.spentUsd).toBe("2.25");
      await first.replaceBudgetTotals(T, [{ budgetId: "cap", periodKey: "2026-03", pico: 42n }]);
      expect(await first.budgetTotals(T, [key("2026-03")])).toEqual([{ budgetId: "cap", periodKey: "2026-03", pico: 42n }]);
      await first.close();
      const reopened = await DuckDbLlmLedger.open({ file });
      expect(await reopened.budgetTotals(T, [key("2026-03")])).toEqual([{ budgetId: "cap", periodKey: "2026-03", pico: 42n }]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
