import { describe, expect, it } from "vitest";
import { createGenaiPricesCatalog } from "#adapters/prices/genai-prices-catalog.js";
import { rateFromDecimal } from "#domain/llm-usage/rates.js";

/**
 * The hand check of docs/llm-usage.md ("Price accuracy"): ten models across OpenAI, Anthropic,
 * Google and AWS Bedrock, each with the rates (USD per million tokens, prompts up to 200k tokens)
 * read off the provider's published page, or, where that page could not be read, off a dated
 * page quoting it (the doc names each source). A pinned version whose rates drift from these fails
 * here, so a price update is a reviewed change of this table and the doc together.
 * `null` marks a rate the page does not publish for the model.
 */
const PUBLISHED: { provider: string; model: string; input: string; cacheRead: string | null; cacheWrite: string | null; output: string }[] = [
  { provider: "openai", model: "gpt-4o", input: "2.50", cacheRead: "1.25", cacheWrite: null, output: "10.00" },
  { provider: "openai", model: "gpt-4o-mini", input: "0.15", cacheRead: "0.075", cacheWrite: null, output: "0.60" },
  { provider: "openai", model: "gpt-4.1", input: "2.00", cacheRead: "0.50", cacheWrite: null, output: "8.00" },
  { provider: "anthropic", model: "claude-sonnet-4-5", input: "3", cacheRead: "0.30", cacheWrite: "3.75", output: "15" },
  { provider: "anthropic", model: "claude-opus-4-1", input: "15", cacheRead: "1.50", cacheWrite: "18.75", output: "75" },
  { provider: "anthropic", model: "claude-haiku-4-5", input: "1", cacheRead: "0.10", cacheWrite: "1.25", output: "5" },
  { provider: "google", model: "gemini-2.5-pro", input: "1.25", cacheRead: "0.125", cacheWrite: null, output: "10.00" },
  { provider: "google", model: "gemini-2.5-flash", input: "0.30", cacheRead: "0.03", cacheWrite: null, output: "2.50" },
  { provider: "aws", model: "amazon.nova-pro-v1:0", input: "0.80", cacheRead: "0.20", cacheWrite: null, output: "3.20" },
  // Regional (in-Region) Bedrock endpoint: Anthropic's list price plus the 10% regional premium.
  { provider: "aws", model: "anthropic.claude-sonnet-4-5-20250929-v1:0", input: "3.30", cacheRead: "0.33", cacheWrite: "4.125", output: "16.50" },
];

describe("pinned prices against the providers' published rates", () => {
  const catalog = createGenaiPricesCatalog();
  it.each(PUBLISHED)("$provider $model", (p) => {
    const card = catalog.lookup(p.provider, p.model, new Date("2026-12-01T00:00:00Z"));
    expect(card?.input.base).toBe(rateFromDecimal(p.input));
    expect(card?.output.base).toBe(rateFromDecimal(p.output));
    expect(card?.cacheRead?.base ?? null).toBe(p.cacheRead === null ? null : rateFromDecimal(p.cacheRead));
    expect(card?.cacheWrite?.base ?? null).toBe(p.cacheWrite === null ? null : rateFromDecimal(p.cacheWrite));
  });
});
