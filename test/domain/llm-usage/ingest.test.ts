import { describe, expect, it } from "vitest";
import { eventsOf, RecordLlmUsageInput } from "#domain/llm-usage/event.js";
import type { LlmLedger } from "#domain/llm-usage/ledger-port.js";
import { testService } from "./support.js";

const T = "t-llm";
const base = { provider: "openai", model: "gpt-4o-mini", inputTokens: 1_000_000, outputTokens: 1_000_000, requestedAt: "2026-03-01T10:00:00Z" };
const batch = (ids: string[]) => RecordLlmUsageInput.parse({ events: ids.map((eventId) => ({ ...base, eventId })) });
const totalCost = async (ledger: LlmLedger) => (await ledger.usage(T, { window: { start: "2026-03-01", end: "2026-03-01" }, groupBy: [], limit: 1 })).totals;

describe("recordLlmUsage ingestion", () => {
  it("prices one event exactly: 1M input at 0.15 and 1M output at 0.60 USD per million", async () => {
    // Prepare
    const { service, ledger } = await testService();
    // Act
    const r = await service.record(T, RecordLlmUsageInput.parse({ ...base, eventId: "one" }));
    // Assess
    expect(r).toMatchObject({ accepted: 1, duplicates: [], costUsd: "0.75" });
    expect(r.events[0]).toMatchObject({ priceSource: "test-prices", priceVersion: "t1", flag: null });
    expect((await totalCost(ledger)).costUsd).toBe("0.75");
  });

  it("counts a retried batch once, and stores only the new events of a partly retried one", async () => {
    const { service, ledger } = await testService();
    await service.record(T, batch(["a", "b", "c"]));
    const retry = await service.record(T, batch(["a", "b", "c"]));
    expect(retry).toMatchObject({ accepted: 0, costUsd: "0" });
    expect(retry.duplicates.sort()).toEqual(["a", "b", "c"]);
    const mixed = await service.record(T, batch(["c", "d"]));
    expect(mixed).toMatchObject({ accepted: 1, duplicates: ["c"] });
    const totals = await totalCost(ledger);
    expect(totals).toMatchObject({ events: 4, inputTokens: 4_000_000, costUsd: "3" });
  });

  it("counts an id repeated inside one batch once", async () => {
    const { service, ledger } = await testService();
    const r = await service.record(T, batch(["x", "x", "y"]));
    expect(r).toMatchObject({ accepted: 2, duplicates: ["x"] });
    expect((await totalCost(ledger)).events).toBe(2);
  });

  it("keeps event ids apart per tenant: the same id in another tenant is a new event", async () => {
    const { service, ledger } = await testService();
    await service.record(T, batch(["same"]));
    const other = await service.record("t-other", batch(["same"]));
    expect(other.accepted).toBe(1);
    expect((await totalCost(ledger)).events).toBe(1);
  });

  it("counts concurrent retries of one batch once", async () => {
    const { service, ledger } = await testService();
    const results = await Promise.all([1, 2, 3, 4].map(() => service.record(T, batch(["p", "q"]))));
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(2);
    expect((await totalCost(ledger)).costUsd).toBe("1.5");
  });

  it("stores nothing of a batch whose budget step fails: events and totals commit together", async () => {
    const { ledger } = await testService();
    const { priceEvents } = await import("#domain/llm-usage/price-events.js");
    const { ratesFor } = await testService();
    const priced = priceEvents(T, eventsOf(batch(["r1", "r2"])), ratesFor);
    await expect(
      ledger.ingest(T, priced, () => {
        throw new Error("budget step failed");
      }),
    ).rejects.toThrow(/budget step failed/);
    expect((await totalCost(ledger)).events).toBe(0);
    const again = await ledger.ingest(T, priced, () => []);
    expect(again.inserted.map((e) => e.eventId)).toEqual(["r1", "r2"]);
  });

  it.each([
    [{ events: [] }, /events/],
    [{ events: Array.from({ length: 1001 }, (_, i) => ({ ...base, eventId: `e${i}` })) }, /events/],
    [{ ...base, eventId: "bad id!" }, /eventId/],
    [{ ...base, eventId: "e", tenantId: "someone-else" }, /tenantId|Unrecognized/],
    [{ ...base, eventId: "e", cacheReadTokens: 900_000, audioInputTokens: 200_000 }, /inputTokens/],
    [{ ...base, eventId: "e", reasoningTokens: 1_000_001 }, /outputTokens/],
    [{ ...base, eventId: "e", requestedAt: "yesterday" }, /requestedAt/],
    [{ ...base, eventId: "e", tags: { team: "x".repeat(129) } }, /team/],
  ])("refuses input %#", (input, message) => {
    const r = RecordLlmUsageInput.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });

  it("refuses a request day far outside today's window", async () => {
    const { service } = await testService();
    await expect(service.record(T, RecordLlmUsageInput.parse({ ...base, eventId: "old", requestedAt: "2025-01-01T00:00:00Z" }))).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(service.record(T, RecordLlmUsageInput.parse({ ...base, eventId: "future", requestedAt: "2026-03-04T00:00:00Z" }))).rejects.toMatchObject({ code: "invalid-argument" });
  });

  it("refuses a whole batch with a model nobody prices and no client cost, naming the event", async () => {
    const { service, ledger } = await testService();
    const input = RecordLlmUsageInput.parse({ events: [{ ...base, eventId: "ok" }, { ...base, eventId: "mystery", model: "my-private-model" }] });
    await expect(service.record(T, input)).rejects.toMatchObject({ code: "invalid-argument", message: expect.stringMatching(/mystery \(openai\/my-private-model\)/) });
    expect((await totalCost(ledger)).events).toBe(0);
  });

  it("keeps an unpriced model at the caller's cost, flagged unknown-model", async () => {
    const { service, ledger } = await testService();
    const r = await service.record(T, RecordLlmUsageInput.parse({ ...base, eventId: "m", model: "my-private-model", clientCostUsd: "0.42" }));
    expect(r.events[0]).toMatchObject({ costUsd: "0.42", priceSource: "client", flag: "unknown-model" });
    expect(await ledger.reconciliation(T, { start: "2026-03-01", end: "2026-03-01" })).toEqual([
      { provider: "openai", model: "my-private-model", cause: "unknown-model", events: 1, costUsd: "0.42", clientCostUsd: "0.42" },
    ]);
  });
});
