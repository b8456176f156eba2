import { DuckDbLlmLedger } from "#adapters/local/duckdb-llm-ledger.js";
import type { LlmUsageEvent } from "#domain/llm-usage/event.js";
import { LlmUsageEventSchema } from "#domain/llm-usage/event.js";
import type { LlmLedger } from "#domain/llm-usage/ledger-port.js";
import { compileOverrides, createPricer, type PriceCatalog, type PriceOverride } from "#domain/llm-usage/price-catalog.js";
import { flat, type RateCard, rateFromDecimal } from "#domain/llm-usage/rates.js";
import { createLlmUsageService } from "#domain/llm-usage/service.js";
import type { Clock } from "#kernel/ports.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

/** A small price catalog with known rates, so expected costs are worked out by hand in the tests. */
export const TEST_RATES: Record<string, { input: string; output: string; cacheRead?: string; cacheWrite?: string }> = {
  "openai/gpt-4o-mini": { input: "0.15", output: "0.60", cacheRead: "0.075" },
  "anthropic/claude-sonnet-4-5": { input: "3", output: "15", cacheRead: "0.30", cacheWrite: "3.75" },
  "google/gemini-2.5-flash": { input: "0.30", output: "2.50", cacheRead: "0.03" },
};

export function fixedCatalog(rates = TEST_RATES): PriceCatalog {
  return {
    source: "test-prices",
    version: "t1",
    lookup(provider, model) {
      const r = rates[`${provider}/${model}`];
      if (!r) return null;
      const card: RateCard = { source: "test-prices", version: "t1", ref: `${provider}/${model}`, input: flat(rateFromDecimal(r.input)), output: flat(rateFromDecimal(r.output)), tierPriced: true };
      if (r.cacheRead) card.cacheRead = flat(rateFromDecimal(r.cacheRead));
      if (r.cacheWrite) card.cacheWrite = flat(rateFromDecimal(r.cacheWrite));
      return card;
    },
  };
}

export function override(o: Partial<PriceOverride> & Pick<PriceOverride, "provider" | "model" | "input_mtok" | "output_mtok">): PriceOverride {
  return { tenant: "*", service_tier: "any", effective_from: "2020-01-01", effective_to: "", label: "test-override", cache_read_mtok: "", cache_write_mtok: "", audio_input_mtok: "", audio_output_mtok: "", ...o };
}

export function event(over: Partial<Record<keyof LlmUsageEvent, unknown>> = {}): LlmUsageEvent {
  return LlmUsageEventSchema.parse({
    eventId: "e1",
    provider: "openai",
    model: "gpt-4o-mini",
    inputTokens: 1_000_000,
    outputTokens: 1_000_000,
    requestedAt: "2026-03-01T10:00:00Z",
    ...over,
  });
}

export class FixedClock implements Clock {
  constructor(public t = Date.parse("2026-03-01T12:00:00Z")) {}
  now(): Date {
    return new Date(this.t);
  }
}

export async function testService(opts: { overrides?: PriceOverride[]; ledger?: LlmLedger } = {}) {
  const clock = new FixedClock();
  const ledger = opts.ledger ?? (await DuckDbLlmLedger.open({ file: ":memory:" }, () => clock.now()));
  const documents = new MemoryDocumentStore();
  const ratesFor = createPricer(fixedCatalog(), compileOverrides(opts.overrides ?? []));
  const service = createLlmUsageService({ ledger: async () => ledger, pricer: async () => ratesFor, documents, clock, budgetCacheTtlMs: 0, maxAgeDays: 35, dashboardUrl: "https://costs.example.com" });
  return { clock, ledger, documents, service, ratesFor };
}
