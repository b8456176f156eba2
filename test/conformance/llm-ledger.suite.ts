import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BudgetIncrement, BudgetKey, LlmLedger, PricedLlmEvent } from "#domain/llm-usage/ledger-port.js";
import { picoToDecimal } from "#domain/llm-usage/rates.js";
import { AppError } from "#kernel/errors.js";

/**
 * One behaviour for every LlmLedger: the DuckDB file of the local runtimes, and BigQuery with
 * Firestore on the gcp runtime. Events are built here at the port's level (already priced), so
 * that costs are known exactly; tenant ids are unique per test, for shared backends.
 */

/** A priced event: `pico` pico-dollars on 2026-03-`dd`. */
export function pricedEvent(id: string, over: Partial<PricedLlmEvent> & { pico?: bigint } = {}): PricedLlmEvent {
  const { pico = 1_000_000_000n, ...rest } = over;
  const day = rest.day ?? "2026-03-02";
  return {
    eventId: id,
    provider: "openai",
    model: "gpt-4o-mini",
    serviceTier: "standard",
    requestedAt: `${day}T10:00:00.000Z`,
    day,
    inputTokens: 1000,
    outputTokens: 100,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    audioInputTokens: 0,
    audioOutputTokens: 0,
    costPico: pico,
    costUsd: picoToDecimal(pico),
    clientCostUsd: null,
    priceSource: "test-prices",
    priceVersion: "t1",
    priceRef: `${rest.provider ?? "openai"}/${rest.model ?? "gpt-4o-mini"}`,
    flag: null,
    tags: {},
    ...rest,
  };
}

const MARCH = { start: "2026-03-01", end: "2026-03-31" };
const monthly = (budgetId: string, filter: BudgetKey["filter"] = { tags: {} }): BudgetKey => ({ budgetId, periodKey: "2026-03", start: MARCH.start, end: MARCH.end, filter });
/** Every inserted event adds its cost to budget `b`. */
const toBudget =
  (key: BudgetKey, seen?: PricedLlmEvent[][]) =>
  (inserted: readonly PricedLlmEvent[]): BudgetIncrement[] => {
    seen?.push([...inserted]);
    const pico = inserted.reduce((s, e) => s + e.costPico, 0n);
    return inserted.length ? [{ ...key, pico }] : [];
  };
const none = () => [];

export function describeLlmLedgerConformance(name: string, makeLedger: () => Promise<LlmLedger>): void {
  describe(`LlmLedger conformance: ${name}`, () => {
    let ledger: LlmLedger;
    let A: string;
    let B: string;

    beforeEach(async () => {
      ledger = await makeLedger();
      const ns = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      A = `tenant-a-${ns}`;
      B = `tenant-b-${ns}`;
    });
    afterEach(async () => {
      await ledger.close();
    });

    describe("ingest", () => {
      it("stores new events, and a retried batch counts once: in the events and in the running total", async () => {
        // Prepare
        const b = monthly("all");
        const batch = [pricedEvent("e1", { pico: 150_000_000_000n }), pricedEvent("e2", { pico: 50_000_000_000n })];
        const calls: PricedLlmEvent[][] = [];
        // Act
        const first = await ledger.ingest(A, batch, toBudget(b, calls));
        const again = await ledger.ingest(A, batch, toBudget(b, calls));
        // Assess
        expect(first.inserted.map((e) => e.eventId)).toEqual(["e1", "e2"]);
        expect(first.duplicates).toEqual([]);
        expect(first.totals).toEqual([{ budgetId: "all", periodKey: "2026-03", pico: 200_000_000_000n }]);
        expect(again.inserted).toEqual([]);
        expect(again.duplicates.sort()).toEqual(["e1", "e2"]);
        // The increments are asked for exactly the new events (none the second time).
        expect(calls.at(-1)).toEqual([]);
        const u = await ledger.usage(A, { window: MARCH, groupBy: [], limit: 10 });
        expect(u.totals).toMatchObject({ events: 2, inputTokens: 2000, outputTokens: 200, costUsd: "0.2" });
        expect(await ledger.budgetTotals(A, [b])).toEqual([{ budgetId: "all", periodKey: "2026-03", pico: 200_000_000_000n }]);
      });

      it("an id repeated within one call keeps the first and reports the rest as duplicates", async () => {
        const r = await ledger.ingest(A, [pricedEvent("x", { pico: 1n }), pricedEvent("x", { pico: 999n }), pricedEvent("y", { pico: 2n })], none);
        expect(r.inserted.map((e) => [e.eventId, e.costPico])).toEqual([
          ["x", 1n],
          ["y", 2n],
        ]);
        expect(r.duplicates).toEqual(["x"]);
        expect((await ledger.usage(A, { window: MARCH, groupBy: [], limit: 10 })).totals).toMatchObject({ events: 2, costUsd: "0.000000000003" });
      });

      it("a later batch that mixes retried and new ids stores only the new ones", async () => {
        await ledger.ingest(A, [pricedEvent("a"), pricedEvent("b")], none);
        const r = await ledger.ingest(A, [pricedEvent("b"), pricedEvent("c")], none);
        expect(r.inserted.map((e) => e.eventId)).toEqual(["c"]);
        expect(r.duplicates).toEqual(["b"]);
        expect((await ledger.usage(A, { window: MARCH, groupBy: [], limit: 10 })).totals.events).toBe(3);
      });

      it("concurrent deliveries of the same events count them once", async () => {
        const b = monthly("all");
        const batch = [pricedEvent("p1", { pico: 7n }), pricedEvent("p2", { pico: 11n })];
        const results = await Promise.all([1, 2, 3].map(() => ledger.ingest(A, batch, toBudget(b))));
        expect(results.flatMap((r) => r.inserted.map((e) => e.eventId)).sort()).toEqual(["p1", "p2"]);
        expect(await ledger.budgetTotals(A, [b])).toEqual([{ budgetId: "all", periodKey: "2026-03", pico: 18n }]);
        expect((await ledger.usage(A, { window: MARCH, groupBy: [], limit: 10 })).totals).toMatchObject({ events: 2, costUsd: "0.000000000018" });
      });

      it("event ids are per tenant: the same id of another tenant is a new event", async () => {
        await ledger.ingest(A, [pricedEvent("same", { pico: 5n })], none);
        const r = await ledger.ingest(B, [pricedEvent("same", { pico: 6n })], none);
        expect(r.inserted.map((e) => e.eventId)).toEqual(["same"]);
        expect((await ledger.providerTotal(A, "openai", MARCH))).toBe("0.000000000005");
        expect((await ledger.providerTotal(B, "openai", MARCH))).toBe("0.000000000006");
      });

      it("refuses a bad tenant id before storing anything", async () => {
        // Synchronously or as a rejection: either way nothing is stored.
        await expect(Promise.resolve().then(() => ledger.ingest("", [pricedEvent("e")], none))).rejects.toMatchObject({ code: "invalid-argument" });
      });
    });

    describe("reads", () => {
      it("usage groups by any dimensions, largest cost first, missing tags as null, filters exactly", async () => {
        // Prepare
        await ledger.ingest(
          A,
          [
            pricedEvent("1", { pico: 3_000_000_000_000n, model: "claude-sonnet-4-5", provider: "anthropic", tags: { team: "ml", app: "chat" }, cacheReadTokens: 10 }),
            pricedEvent("2", { pico: 1_000_000_000_000n, tags: { team: "search", app: "chat", user: "ann", key: "k1" } }),
            pricedEvent("3", { pico: 1_000_000_000_000n, day: "2026-03-05", tags: { team: "ml" }, serviceTier: "batch", reasoningTokens: 5 }),
            pricedEvent("4", { pico: 500_000_000_000n, day: "2026-04-01" }),
          ],
          none,
        );
        // Act
        const byTeam = await ledger.usage(A, { window: MARCH, groupBy: ["team"], limit: 10 });
        const byTwo = await ledger.usage(A, { window: MARCH, groupBy: ["model", "user"], limit: 10 });
        const ml = await ledger.usage(A, { window: MARCH, groupBy: ["day"], filter: { team: "ml" }, limit: 10 });
        const top = await ledger.usage(A, { window: MARCH, groupBy: ["provider"], limit: 1 });
        const tier = await ledger.usage(A, { window: MARCH, groupBy: ["serviceTier", "key"], filter: { serviceTier: "standard" }, limit: 10 });
        // Assess
        expect(byTeam.totals).toEqual({ events: 3, inputTokens: 3000, outputTokens: 300, cacheReadTokens: 10, cacheWriteTokens: 0, reasoningTokens: 5, audioInputTokens: 0, audioOutputTokens: 0, costUsd: "5" });
        expect(byTeam.rows.map((r) => [r.keys.team, r.events, r.costUsd])).toEqual([
          ["ml", 2, "4"],
          ["search", 1, "1"],
        ]);
        expect(byTwo.rows.map((r) => [r.keys.model, r.keys.user, r.costUsd])).toEqual([
          ["claude-sonnet-4-5", null, "3"],
          ["gpt-4o-mini", "ann", "1"],
          ["gpt-4o-mini", null, "1"],
        ]);
        expect(ml.rows.map((r) => [r.keys.day, r.costUsd])).toEqual([
          ["2026-03-02", "3"],
          ["2026-03-05", "1"],
        ]);
        expect(ml.totals.costUsd).toBe("4");
        expect(top.rows.map((r) => [r.keys.provider, r.costUsd])).toEqual([["anthropic", "3"]]);
        expect(top.totals.costUsd).toBe("5");
        expect(tier.rows.map((r) => [r.keys.serviceTier, r.keys.key, r.costUsd])).toEqual([
          ["standard", null, "3"],
          ["standard", "k1", "1"],
        ]);
        // Another tenant sees nothing.
        expect((await ledger.usage(B, { window: MARCH, groupBy: ["team"], limit: 10 })).totals).toMatchObject({ events: 0, costUsd: "0" });
      });

      it("sums money exactly: three hundred one-pico-dollar events and one large one", async () => {
        const events = Array.from({ length: 300 }, (_, i) => pricedEvent(`tiny-${i}`, { pico: 1n }));
        events.push(pricedEvent("big", { pico: 123_456_789_012_345_678n }));
        await ledger.ingest(A, events, none);
        expect(await ledger.providerTotal(A, "openai", MARCH)).toBe("123456.789012345978");
      });

      it("daily rollups are per day, provider, model and tag set", async () => {
        await ledger.ingest(
          A,
          [
            pricedEvent("1", { pico: 2_000_000_000n, tags: { team: "ml" } }),
            pricedEvent("2", { pico: 3_000_000_000n, tags: { team: "ml" } }),
            pricedEvent("3", { pico: 4_000_000_000n, tags: { team: "ml", app: "bot" } }),
            pricedEvent("4", { pico: 5_000_000_000n, provider: "google", model: "gemini-2.5-flash", day: "2026-03-03" }),
            pricedEvent("5", { pico: 6_000_000_000n, day: "2026-02-28" }),
          ],
          none,
        );
        const r = await ledger.dailyRollups(A, { start: "2026-03-01", end: "2026-03-03" });
        expect(r.map((x) => [x.day, x.provider, x.model, x.tags, x.events, x.costUsd])).toEqual([
          ["2026-03-02", "openai", "gpt-4o-mini", { app: "bot", team: "ml" }, 1, "0.004"],
          ["2026-03-02", "openai", "gpt-4o-mini", { team: "ml" }, 2, "0.005"],
          ["2026-03-03", "google", "gemini-2.5-flash", {}, 1, "0.005"],
        ]);
      });

      it("reconciliation lists flagged events by provider, model and cause, with both costs", async () => {
        await ledger.ingest(
          A,
          [
            pricedEvent("1", { pico: 1_000_000_000_000n, flag: "price-difference", clientCostUsd: "1.5" }),
            pricedEvent("2", { pico: 2_000_000_000_000n, flag: "price-difference", clientCostUsd: "2.5" }),
            pricedEvent("3", { pico: 0n, model: "mystery", flag: "unknown-model", clientCostUsd: "0.25", priceSource: "client" }),
            pricedEvent("4", { pico: 9n }),
          ],
          none,
        );
        expect(await ledger.reconciliation(A, MARCH)).toEqual([
          { provider: "openai", model: "gpt-4o-mini", cause: "price-difference", events: 2, costUsd: "3", clientCostUsd: "4" },
          { provider: "openai", model: "mystery", cause: "unknown-model", events: 1, costUsd: "0", clientCostUsd: "0.25" },
        ]);
      });

      it("refuses a malformed window with invalid-argument", async () => {
        await expect(ledger.usage(A, { window: { start: "2026-03-31", end: "2026-03-01" }, groupBy: [], limit: 10 })).rejects.toBeInstanceOf(AppError);
        await expect(ledger.providerTotal(A, "openai", { start: "March", end: "2026-03-01" })).rejects.toMatchObject({ code: "invalid-argument" });
      });
    });

    describe("budget running totals", () => {
      it("a total that does not exist yet starts from its period's events in scope, once", async () => {
        // Prepare: events before any budget existed; two in the team's scope.
        await ledger.ingest(
          A,
          [
            pricedEvent("1", { pico: 10n, tags: { team: "ml" } }),
            pricedEvent("2", { pico: 20n, tags: { team: "ml" }, provider: "anthropic", model: "claude-sonnet-4-5" }),
            pricedEvent("3", { pico: 40n, tags: { team: "search" } }),
            pricedEvent("4", { pico: 80n, tags: { team: "ml" }, day: "2026-02-27" }),
          ],
          none,
        );
        const team = monthly("team-ml", { tags: { team: "ml" } });
        const openaiOnly = monthly("openai-ml", { providers: ["openai"], tags: { team: "ml" } });
        const notOpenai = monthly("not-openai", { excludeProviders: ["openai"], tags: {} });
        const model = monthly("model", { models: ["claude-sonnet-4-5", "other"], tags: {} });
        // Act
        const first = await ledger.budgetTotals(A, [team, openaiOnly, notOpenai, model]);
        // The next event in scope adds to the started total rather than starting it again.
        const r = await ledger.ingest(A, [pricedEvent("5", { pico: 100n, tags: { team: "ml" } })], toBudget(team));
        // Assess
        expect(first.map((t) => [t.budgetId, t.pico])).toEqual([
          ["team-ml", 30n],
          ["openai-ml", 10n],
          ["not-openai", 20n],
          ["model", 20n],
        ]);
        expect(r.totals).toEqual([{ budgetId: "team-ml", periodKey: "2026-03", pico: 130n }]);
        expect((await ledger.budgetTotals(A, [team]))[0]?.pico).toBe(130n);
      });

      it("an ingest that meets a total not started yet starts it from the events, its own included, without adding them twice", async () => {
        await ledger.ingest(A, [pricedEvent("old", { pico: 5n })], none);
        const b = monthly("fresh");
        const r = await ledger.ingest(A, [pricedEvent("new", { pico: 7n })], toBudget(b));
        expect(r.totals).toEqual([{ budgetId: "fresh", periodKey: "2026-03", pico: 12n }]);
        expect(await ledger.budgetTotals(A, [b])).toEqual([{ budgetId: "fresh", periodKey: "2026-03", pico: 12n }]);
      });

      it("replaceBudgetTotals sets totals to the given values, which later increments add to", async () => {
        const b = monthly("all");
        await ledger.ingest(A, [pricedEvent("1", { pico: 5n })], toBudget(b));
        await ledger.replaceBudgetTotals(A, [{ budgetId: "all", periodKey: "2026-03", pico: 1000n }]);
        expect(await ledger.budgetTotals(A, [b])).toEqual([{ budgetId: "all", periodKey: "2026-03", pico: 1000n }]);
        const r = await ledger.ingest(A, [pricedEvent("2", { pico: 1n })], toBudget(b));
        expect(r.totals[0]?.pico).toBe(1001n);
        // Totals are per tenant.
        expect(await ledger.budgetTotals(B, [b])).toEqual([{ budgetId: "all", periodKey: "2026-03", pico: 0n }]);
      });
    });
  });
}
