import { describe, expect, it } from "vitest";
import { RecordLlmUsageInput } from "#domain/llm-usage/event.js";
import { GetLlmReconciliationInput, getLlmReconciliation, monthWindow, RecordLlmInvoiceInput, recordLlmInvoice } from "#domain/llm-usage/reconciliation.js";
import { testService } from "./support.js";

const T = "t-recon";
const NOW = new Date("2026-03-01T12:00:00Z");

/** Test rates: gpt-4o-mini 0.15 / 0.60, cached 0.075; claude-sonnet-4-5 3 / 15, cache read 0.30, write 3.75. */
const ev = (eventId: string, over: Record<string, unknown> = {}) => ({ eventId, provider: "openai", model: "gpt-4o-mini", inputTokens: 1_000_000, outputTokens: 0, requestedAt: "2026-03-01T10:00:00Z", ...over });

async function seeded() {
  const s = await testService();
  await s.service.record(
    T,
    RecordLlmUsageInput.parse({
      events: [
        // ours 0.15; the caller's within 1%: not flagged
        ev("ok", { clientCostUsd: "0.1510" }),
        // ours 0.15 with no cache tokens; the caller paid half: cached tokens left out
        ev("c1", { clientCostUsd: "0.075" }),
        ev("c2", { clientCostUsd: "0.075" }),
        // a tier the price source does not price: standard rates, flagged
        ev("t1", { serviceTier: "priority", clientCostUsd: "0.30" }),
        // nobody prices it: kept at the caller's cost
        ev("u1", { model: "in-house-7b", clientCostUsd: "0.02" }),
        // ours 3; the caller's 3.5 with cache tokens present: a price difference
        ev("p1", { provider: "anthropic", model: "claude-sonnet-4-5", cacheReadTokens: 1000, clientCostUsd: "3.5" }),
        // another month: outside March's window
        ev("feb", { requestedAt: "2026-02-27T10:00:00Z", clientCostUsd: "0.01" }),
      ],
    }),
  );
  return s;
}

describe("LLM reconciliation", () => {
  it("lists the month's flags by provider, model and cause, with both costs and their difference", async () => {
    // Prepare
    const { ledger, documents } = await seeded();
    // Act
    const r = await getLlmReconciliation(ledger, documents, T, GetLlmReconciliationInput.parse({ month: "2026-03" }));
    // Assess
    expect(r.window).toEqual({ start: "2026-03-01", end: "2026-03-31" });
    expect(r.flags.map((f) => [f.provider, f.model, f.cause, f.events, f.costUsd, f.clientCostUsd, f.differenceUsd])).toEqual([
      ["anthropic", "claude-sonnet-4-5", "price-difference", 1, "2.9973", "3.5", "0.5027"],
      ["openai", "gpt-4o-mini", "cache-tokens-missing", 2, "0.3", "0.15", "-0.15"],
      ["openai", "gpt-4o-mini", "tier", 1, "0.15", "0.3", "0.15"],
      ["openai", "in-house-7b", "unknown-model", 1, "0.02", "0.02", "0"],
    ]);
    expect(r.flaggedEvents).toEqual({ "unknown-model": 1, "cache-tokens-missing": 2, tier: 1, "price-difference": 1 });
  });

  it("compares an entered invoice with the ledger's total of the provider and month", async () => {
    const { ledger, documents } = await seeded();
    // openai in March: 0.15 × 4 + 0.02 (unknown model at the caller's cost) = 0.62; anthropic 2.9973
    await recordLlmInvoice(documents, T, RecordLlmInvoiceInput.parse({ provider: "openai", month: "2026-03", amountUsd: "0.625", reference: "INV-0042" }), "user:ann", NOW);
    await recordLlmInvoice(documents, T, RecordLlmInvoiceInput.parse({ provider: "anthropic", month: "2026-03", amountUsd: "3.10" }), "user:ann", NOW);
    // An invoice of another month is not this month's.
    await recordLlmInvoice(documents, T, RecordLlmInvoiceInput.parse({ provider: "openai", month: "2026-02", amountUsd: "99" }), "user:ann", NOW);
    const r = await getLlmReconciliation(ledger, documents, T, GetLlmReconciliationInput.parse({ month: "2026-03" }));
    expect(r.providers).toEqual([
      // 0.1027 of 3.10 is 3.31%: apart
      { provider: "anthropic", ledgerUsd: "2.9973", invoiceUsd: "3.10", reference: null, differenceUsd: "0.1027", differencePct: "3.31", matches: false },
      // 0.005 of 0.625 is 0.8%: within 1%
      { provider: "openai", ledgerUsd: "0.62", invoiceUsd: "0.625", reference: "INV-0042", differenceUsd: "0.005", differencePct: "0.80", matches: true },
    ]);
    // Entering the invoice again replaces it.
    await recordLlmInvoice(documents, T, RecordLlmInvoiceInput.parse({ provider: "anthropic", month: "2026-03", amountUsd: "2.9973" }), "user:bob", NOW);
    const again = await getLlmReconciliation(ledger, documents, T, GetLlmReconciliationInput.parse({ month: "2026-03", provider: "anthropic" }));
    expect(again.providers).toEqual([{ provider: "anthropic", ledgerUsd: "2.9973", invoiceUsd: "2.9973", reference: null, differenceUsd: "0", differencePct: "0.00", matches: true }]);
    expect(again.flags.every((f) => f.provider === "anthropic")).toBe(true);
  });

  it("shows a provider with spend and no invoice, and an invoice with no spend", async () => {
    const { ledger, documents } = await seeded();
    await recordLlmInvoice(documents, T, RecordLlmInvoiceInput.parse({ provider: "google", month: "2026-03", amountUsd: "5" }), "user:ann", NOW);
    const r = await getLlmReconciliation(ledger, documents, T, GetLlmReconciliationInput.parse({ month: "2026-03" }));
    expect(r.providers.find((p) => p.provider === "openai")).toMatchObject({ ledgerUsd: "0.62", invoiceUsd: null, matches: null });
    expect(r.providers.find((p) => p.provider === "google")).toMatchObject({ ledgerUsd: "0", invoiceUsd: "5", differenceUsd: "5", differencePct: "100.00", matches: false });
  });

  it("keeps each tenant's invoices and flags to itself", async () => {
    const { ledger, documents } = await seeded();
    await recordLlmInvoice(documents, T, RecordLlmInvoiceInput.parse({ provider: "openai", month: "2026-03", amountUsd: "1" }), "user:ann", NOW);
    const other = await getLlmReconciliation(ledger, documents, "t-other", GetLlmReconciliationInput.parse({ month: "2026-03" }));
    expect(other).toMatchObject({ flags: [], providers: [] });
  });

  it("refuses a month that is not YYYY-MM, a negative invoice and a control character in the reference", () => {
    expect(GetLlmReconciliationInput.safeParse({ month: "2026-13" }).success).toBe(false);
    expect(GetLlmReconciliationInput.safeParse({ month: "2026-3" }).success).toBe(false);
    expect(RecordLlmInvoiceInput.safeParse({ provider: "openai", month: "2026-03", amountUsd: "-1" }).success).toBe(false);
    expect(RecordLlmInvoiceInput.safeParse({ provider: "openai", month: "2026-03", amountUsd: "1", reference: "a\u0007b" }).success).toBe(false);
    expect(monthWindow("2028-02")).toEqual({ start: "2028-02-01", end: "2028-02-29" });
  });
});
