import { readFileSync } from "node:fs";
import { calcPrice } from "@pydantic/genai-prices";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createGenaiPricesCatalog, GENAI_PRICES_VERSION } from "#adapters/prices/genai-prices-catalog.js";
import { costPico, picoToDecimal } from "#domain/llm-usage/rates.js";

const catalog = createGenaiPricesCatalog();
const AT = new Date("2026-11-20T12:00:00Z");

/** Models across the providers the docs compare, as gateways name them (snapshots included). */
const MODELS: [string, string][] = [
  ["openai", "gpt-4o"],
  ["openai", "gpt-4o-mini-2024-07-18"],
  ["openai", "o3-mini"],
  ["anthropic", "claude-sonnet-4-5-20250929"],
  ["anthropic", "claude-3-5-haiku-20241022"],
  ["google", "gemini-2.5-pro"],
  ["google", "gemini-2.5-flash"],
  ["aws", "anthropic.claude-3-5-sonnet-20240620-v1:0"],
  ["aws", "amazon.nova-pro-v1:0"],
  ["azure", "gpt-4o"],
];

describe("the genai-prices catalog", () => {
  it("is the version package.json pins exactly", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["@pydantic/genai-prices"]).toBe(GENAI_PRICES_VERSION);
  });

  it.each(MODELS)("knows %s %s", (provider, model) => {
    const card = catalog.lookup(provider, model, AT);
    expect(card?.source).toBe("genai-prices");
    expect(card?.version).toBe(GENAI_PRICES_VERSION);
  });

  it("reads published rates exactly: gpt-4o at 2.50 input, 1.25 cached, 10.00 output per million", () => {
    const card = catalog.lookup("openai", "gpt-4o", AT);
    expect(card).toMatchObject({ input: { base: 2_500_000n }, cacheRead: { base: 1_250_000n }, output: { base: 10_000_000n } });
  });

  it("prices a long prompt at the long-context tier: gemini-2.5-pro past 200k input tokens", () => {
    const card = catalog.lookup("google", "gemini-2.5-pro", AT);
    if (!card) throw new Error("no card");
    const usage = { inputTokens: 300_000, outputTokens: 1000, cacheReadTokens: 0, cacheWriteTokens: 0, audioInputTokens: 0, audioOutputTokens: 0 };
    // 300k × 2.50 + 1k × 15.00 per million, where short prompts pay 1.25 and 10.00.
    expect(picoToDecimal(costPico(usage, card))).toBe("0.765");
    expect(picoToDecimal(costPico({ ...usage, inputTokens: 100_000 }, card))).toBe("0.135");
  });

  it("answers null for a model it does not know, and for a provider it does not know", () => {
    expect(catalog.lookup("openai", "no-such-model-xyz", AT)).toBeNull();
    expect(catalog.lookup("constructor", "gpt-4o", AT)).toBeNull();
  });

  it("agrees with the library's own (float) totals on random usage, to a millionth of a cent", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODELS),
        fc.integer({ min: 0, max: 400_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        ([provider, model], input, output, readPct, writePct) => {
          const cacheRead = Math.floor((input * readPct) / 200);
          const cacheWrite = Math.floor((input * writePct) / 200);
          const card = catalog.lookup(provider, model, AT);
          if (!card) return false;
          const ours = Number(picoToDecimal(costPico({ inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, audioInputTokens: 0, audioOutputTokens: 0 }, card)));
          const theirs = calcPrice({ input_tokens: input, output_tokens: output, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite }, model, { providerId: provider, timestamp: AT });
          return theirs !== null && Math.abs(ours - theirs.total_price) < 1e-8;
        },
      ),
      { numRuns: 500, seed: 23 },
    );
  });
});
