import type { ServiceTier } from "./event.js";
import { flat, type Rate, type RateCard, rateFromDecimal, scaleRate } from "./rates.js";

/**
 * Where prices come from: a maintained price database behind a port (the adapter wraps
 * `@pydantic/genai-prices`), with a tenant's negotiated prices and private models in front of it.
 */
export interface PriceCatalog {
  /** Name and pinned version of the database, recorded on every event it prices. */
  readonly source: string;
  readonly version: string;
  /** Standard-tier rates of `model` at `provider` in force at `at`, or null when the database does not know the model. */
  lookup(provider: string, model: string, at: Date): RateCard | null;
}

/**
 * One row of the effective-dated override table (config `llm_usage.price_overrides`, validated
 * there). Money is decimal text per million tokens; the window is [effective_from, effective_to).
 */
export interface PriceOverride {
  /** A tenant id, or "*" for every tenant (a private model the platform prices for all). */
  tenant: string;
  provider: string;
  /** Matched case-insensitively and exactly. */
  model: string;
  /** "any" prices every service tier alike. */
  service_tier: ServiceTier | "any";
  effective_from: string;
  /** Exclusive end day; "" for open-ended. */
  effective_to: string;
  /** Recorded as the price version of every event it prices, e.g. "acme-msa-2026". */
  label: string;
  input_mtok: string;
  output_mtok: string;
  cache_read_mtok: string;
  cache_write_mtok: string;
  audio_input_mtok: string;
  audio_output_mtok: string;
}

/**
 * Service tiers the providers publish as a plain discount on the standard price: OpenAI's Batch
 * API and Flex processing, Anthropic's Message Batches, the Gemini API's Batch Mode and Azure
 * OpenAI's Global Batch are each half price. The price database holds standard prices only; any
 * other tier (priority, Bedrock batch) is priced at standard rates and flagged, unless an override
 * prices it.
 */
const HALF_PRICE_TIERS: Readonly<Record<string, readonly ServiceTier[]>> = {
  openai: ["batch", "flex"],
  anthropic: ["batch"],
  google: ["batch"],
  azure: ["batch"],
};

interface CompiledOverride {
  row: PriceOverride;
  model: string;
  card: RateCard;
}

/** Override rows as rate cards, checked once when config loads. */
export function compileOverrides(rows: readonly PriceOverride[]): CompiledOverride[] {
  return rows.map((row) => {
    const opt = (v: string): Rate | undefined => (v === "" ? undefined : flat(rateFromDecimal(v)));
    const card: RateCard = {
      source: "override",
      version: row.label,
      ref: `${row.provider}/${row.model}`,
      input: flat(rateFromDecimal(row.input_mtok)),
      output: flat(rateFromDecimal(row.output_mtok)),
      tierPriced: true,
    };
    const extras = { cacheRead: opt(row.cache_read_mtok), cacheWrite: opt(row.cache_write_mtok), audioInput: opt(row.audio_input_mtok), audioOutput: opt(row.audio_output_mtok) };
    for (const [k, v] of Object.entries(extras)) if (v) (card as unknown as Record<string, Rate>)[k] = v;
    return { row, model: row.model.toLowerCase(), card };
  });
}

export interface PriceRequest {
  tenantId: string;
  provider: string;
  model: string;
  serviceTier: ServiceTier;
  at: Date;
}

/**
 * The rates for one request: the tenant's own override, then a platform-wide ("*") one, then the
 * price database; among overrides of one rank, the latest `effective_from` in force wins, and one
 * for the exact tier beats one for "any".
 */
export function createPricer(catalog: PriceCatalog, overrides: readonly CompiledOverride[]) {
  const byKey = new Map<string, CompiledOverride[]>();
  for (const o of overrides) {
    const key = `${o.row.provider}\u0000${o.model}`;
    byKey.set(key, [...(byKey.get(key) ?? []), o]);
  }
  const rank = (o: CompiledOverride, r: PriceRequest) => (o.row.tenant === r.tenantId ? 2 : 0) + (o.row.service_tier === r.serviceTier ? 1 : 0);

  function override(r: PriceRequest): RateCard | null {
    const list = byKey.get(`${r.provider}\u0000${r.model.toLowerCase()}`);
    if (!list) return null;
    const day = r.at.toISOString().slice(0, 10);
    let best: CompiledOverride | null = null;
    for (const o of list) {
      if (o.row.tenant !== "*" && o.row.tenant !== r.tenantId) continue;
      if (o.row.service_tier !== "any" && o.row.service_tier !== r.serviceTier) continue;
      if (day < o.row.effective_from || (o.row.effective_to !== "" && day >= o.row.effective_to)) continue;
      if (!best || rank(o, r) > rank(best, r) || (rank(o, r) === rank(best, r) && o.row.effective_from > best.row.effective_from)) best = o;
    }
    return best?.card ?? null;
  }

  return function ratesFor(r: PriceRequest): RateCard | null {
    const own = override(r);
    if (own) return own;
    const standard = catalog.lookup(r.provider, r.model, r.at);
    if (!standard || r.serviceTier === "standard") return standard;
    // Own entries only: a provider named "constructor" must not find Object.prototype's.
    if (Object.hasOwn(HALF_PRICE_TIERS, r.provider) && HALF_PRICE_TIERS[r.provider]?.includes(r.serviceTier)) {
      const half = (rate: Rate | undefined) => (rate ? scaleRate(rate, 1n, 2n) : undefined);
      const card: RateCard = { ...standard, version: `${standard.version} ${r.serviceTier}×0.5`, input: scaleRate(standard.input, 1n, 2n), output: scaleRate(standard.output, 1n, 2n) };
      for (const k of ["cacheRead", "cacheWrite", "audioInput", "audioOutput"] as const) {
        const v = half(standard[k]);
        if (v) card[k] = v;
      }
      return card;
    }
    return { ...standard, tierPriced: false };
  };
}
export type Pricer = ReturnType<typeof createPricer>;
