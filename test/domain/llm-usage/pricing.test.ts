import { describe, expect, it } from "vitest";
import { LlmPriceOverrideSchema } from "#foundation/config/config-schema.js";
import { compileOverrides, createPricer } from "#domain/llm-usage/price-catalog.js";
import { priceEvents } from "#domain/llm-usage/price-events.js";
import { costPico, flat, picoToDecimal, type RateCard, rateFromDecimal, scaleRate } from "#domain/llm-usage/rates.js";
import { event, fixedCatalog, override } from "./support.js";

const T = "t-price";
const card = (o: Partial<RateCard> = {}): RateCard => ({ source: "s", version: "v", ref: "r", input: flat(3_000_000n), output: flat(15_000_000n), tierPriced: true, ...o });
const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, audioInputTokens: 0, audioOutputTokens: 0 };

describe("exact token pricing", () => {
  it.each([
    ["plain input and output", { inputTokens: 1000, outputTokens: 500 }, "0.0105"],
    ["cache reads and writes at their own rates, out of the prompt total", { inputTokens: 10_000, cacheReadTokens: 6000, cacheWriteTokens: 2000 }, "0.0153"],
    ["one token of a small rate, with no float residue", { inputTokens: 1 }, "0.000003"],
    ["reasoning inside output, billed as output", { outputTokens: 100 }, "0.0015"],
  ])("%s", (_name, u, expected) => {
    const c = card({ cacheRead: flat(300_000n), cacheWrite: flat(3_750_000n) });
    // Cached case: 2000 plain × 3 + 6000 × 0.30 + 2000 × 3.75 per million = 0.006 + 0.0018 + 0.0075
    expect(picoToDecimal(costPico({ ...usage, ...u }, c))).toBe(expected);
  });

  it("bills a part without its own rate at its parent's: cache reads at input, audio output at output", () => {
    expect(picoToDecimal(costPico({ ...usage, inputTokens: 1000, cacheReadTokens: 1000, outputTokens: 10, audioOutputTokens: 10 }, card()))).toBe("0.00315");
  });

  it("sums a million events of a third of a micro-cent without drift", () => {
    const one = costPico({ ...usage, inputTokens: 1 }, card({ input: flat(rateFromDecimal("0.075")) }));
    let sum = 0n;
    for (let i = 0; i < 1_000_000; i++) sum += one;
    expect(picoToDecimal(sum)).toBe("0.075");
  });

  it("refuses a rate finer than six decimal places, and halves odd rates half-even", () => {
    expect(() => rateFromDecimal("0.0000001")).toThrow(/6 decimal/);
    expect(scaleRate(flat(3n), 1n, 2n).base).toBe(2n);
    expect(scaleRate(flat(5n), 1n, 2n).base).toBe(2n);
    expect(scaleRate(flat(150_000n), 1n, 2n).base).toBe(75_000n);
  });
});

describe("price overrides and service tiers", () => {
  const at = (day: string) => new Date(`${day}T12:00:00Z`);
  const req = { tenantId: T, provider: "openai", model: "gpt-4o-mini", serviceTier: "standard" as const, at: at("2026-03-01") };

  it("prefers the tenant's own override, then a platform-wide one, then the database", () => {
    const ratesFor = createPricer(
      fixedCatalog(),
      compileOverrides([
        override({ provider: "openai", model: "gpt-4o-mini", input_mtok: "0.10", output_mtok: "0.40", label: "platform" }),
        override({ tenant: T, provider: "openai", model: "GPT-4o-Mini", input_mtok: "0.12", output_mtok: "0.48", label: "acme-msa" }),
      ]),
    );
    expect(ratesFor(req)).toMatchObject({ source: "override", version: "acme-msa", input: { base: 120_000n } });
    expect(ratesFor({ ...req, tenantId: "someone-else" })).toMatchObject({ version: "platform" });
    expect(ratesFor({ ...req, model: "gpt-4o" })).toBeNull();
  });

  it("applies an override only inside its effective days, the latest start winning", () => {
    const ratesFor = createPricer(
      fixedCatalog(),
      compileOverrides([
        override({ tenant: T, provider: "openai", model: "gpt-4o-mini", input_mtok: "0.14", output_mtok: "0.56", label: "2026-h1", effective_from: "2026-01-01", effective_to: "2026-07-01" }),
        override({ tenant: T, provider: "openai", model: "gpt-4o-mini", input_mtok: "0.13", output_mtok: "0.52", label: "2026-q2", effective_from: "2026-04-01", effective_to: "2026-07-01" }),
      ]),
    );
    expect(ratesFor({ ...req, at: at("2025-12-31") })).toMatchObject({ source: "test-prices" });
    expect(ratesFor({ ...req, at: at("2026-03-31") })).toMatchObject({ version: "2026-h1" });
    expect(ratesFor({ ...req, at: at("2026-04-01") })).toMatchObject({ version: "2026-q2" });
    expect(ratesFor({ ...req, at: at("2026-07-01") })).toMatchObject({ source: "test-prices" });
  });

  it("halves the published tiers the providers discount by half, and flags a tier nobody prices", () => {
    const ratesFor = createPricer(fixedCatalog(), []);
    expect(ratesFor({ ...req, serviceTier: "batch" })).toMatchObject({ input: { base: 75_000n }, output: { base: 300_000n }, cacheRead: { base: 37_500n }, tierPriced: true });
    expect(ratesFor({ ...req, serviceTier: "flex" })).toMatchObject({ input: { base: 75_000n }, tierPriced: true });
    expect(ratesFor({ ...req, serviceTier: "priority" })).toMatchObject({ input: { base: 150_000n }, tierPriced: false });
    expect(ratesFor({ ...req, provider: "anthropic", model: "claude-sonnet-4-5", serviceTier: "flex" })).toMatchObject({ tierPriced: false });
  });

  it("lets an override price a tier exactly, ahead of an 'any' override", () => {
    const ratesFor = createPricer(
      fixedCatalog(),
      compileOverrides([
        override({ provider: "openai", model: "gpt-4o-mini", input_mtok: "1", output_mtok: "1", label: "any" }),
        override({ provider: "openai", model: "gpt-4o-mini", service_tier: "priority", input_mtok: "0.25", output_mtok: "1", label: "priority" }),
      ]),
    );
    expect(ratesFor({ ...req, serviceTier: "priority" })).toMatchObject({ version: "priority", tierPriced: true });
    expect(ratesFor(req)).toMatchObject({ version: "any" });
  });

  it.each([
    [{ input_mtok: "1.1234567" }, /6 decimal/],
    [{ effective_from: "2026-02-30" }, /calendar/],
    [{ effective_from: "2026-05-01", effective_to: "2026-04-01" }, /before/],
    [{ tenant: "../other" }, /tenant/],
    [{ service_tier: "gold" }, /service_tier/],
  ])("the config schema refuses override row %#", (bad, message) => {
    const row = { tenant: T, provider: "openai", model: "m", effective_from: "2026-01-01", label: "x", input_mtok: "1", output_mtok: "2", ...bad };
    const r = LlmPriceOverrideSchema.safeParse(row);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });
});

describe("every priced event records its price source and reconciles the caller's cost", () => {
  const ratesFor = createPricer(fixedCatalog(), []);
  const price = (over: Parameters<typeof event>[0]) => priceEvents(T, [event(over)], ratesFor)[0];

  it("records source, version and entry", () => {
    expect(price({})).toMatchObject({ priceSource: "test-prices", priceVersion: "t1", priceRef: "openai/gpt-4o-mini", costUsd: "0.75", flag: null, day: "2026-03-01" });
  });

  it.each([
    ["within 1%", { clientCostUsd: "0.7540" }, null],
    ["over 1%, no cache tokens, caller lower", { clientCostUsd: "0.70" }, "cache-tokens-missing"],
    ["over 1%, caller higher", { clientCostUsd: "0.80" }, "price-difference"],
    ["over 1%, with cache tokens", { clientCostUsd: "0.50", cacheReadTokens: 10 }, "price-difference"],
    ["over 1% on a batch request", { clientCostUsd: "0.75", serviceTier: "batch" }, "tier"],
    ["a tier the source does not price, without a caller's cost", { serviceTier: "priority" }, "tier"],
  ])("%s", (_name, over, flag) => {
    expect(price(over)?.flag).toBe(flag);
  });

  it("keeps the caller's cost beside ours", () => {
    expect(price({ clientCostUsd: "0.80" })).toMatchObject({ costUsd: "0.75", clientCostUsd: "0.8" });
  });
});
