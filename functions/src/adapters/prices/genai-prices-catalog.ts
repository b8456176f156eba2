import { calcPrice, type ModelInfo, type ModelPrice, type TieredPrices } from "@pydantic/genai-prices";
import Big from "big.js";
import type { PriceCatalog } from "#domain/llm-usage/price-catalog.js";
import { flat, RATE_DECIMALS, type Rate, type RateCard } from "#domain/llm-usage/rates.js";

/**
 * The pinned version of `@pydantic/genai-prices` (package.json pins it exactly; a test checks the
 * two agree). Its price data is bundled in the package and read from memory: this adapter never
 * calls `updatePrices`, so nothing is fetched at run time and a price changes only when a new
 * version is pinned and deployed.
 */
export const GENAI_PRICES_VERSION = "0.1.8";

/**
 * The database's numbers are JavaScript floats; each is read as its shortest decimal form and
 * kept to six decimal places per million tokens, which removes float residue such as
 * 0.18000000000000002 (a handful of reseller entries) and changes no published price.
 */
function micro(v: number): bigint {
  return BigInt(new Big(String(v)).round(RATE_DECIMALS, Big.roundHalfEven).times(1_000_000).toFixed(0));
}

function rate(v: number | TieredPrices | undefined): Rate | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "number") return flat(micro(v));
  return { base: micro(v.base), tiers: [...v.tiers].sort((a, b) => a.start - b.start).map((t) => ({ start: t.start, price: micro(t.price) })) };
}

function cardOf(provider: string, model: ModelInfo, p: ModelPrice): RateCard | null {
  const input = rate(p.input_mtok);
  const output = rate(p.output_mtok);
  // A model priced per request or per second only is not a token model: the ledger cannot price it.
  if (!input && !output) return null;
  const card: RateCard = {
    source: "genai-prices",
    version: GENAI_PRICES_VERSION,
    ref: `${provider}/${model.id}`,
    input: input ?? flat(0n),
    output: output ?? flat(0n),
    tierPriced: true,
  };
  const extras = { cacheRead: rate(p.cache_read_mtok), cacheWrite: rate(p.cache_write_mtok), audioInput: rate(p.input_audio_mtok), audioOutput: rate(p.output_audio_mtok) };
  for (const [k, v] of Object.entries(extras)) if (v) (card as unknown as Record<string, Rate>)[k] = v;
  return card;
}

interface Resolved {
  provider: string;
  model: ModelInfo;
  /** One card when the model's price never changes; otherwise cards by start day, for day-dated prices. */
  fixed?: RateCard | null;
  dated?: { start: number; card: RateCard | null }[];
  /** A time-of-day price (off-peak discounts): asked of the database at each call. */
  byTimeOfDay?: true;
}

/**
 * PriceCatalog over the bundled `@pydantic/genai-prices` data. The database matches model names
 * (dated snapshots, prefixes, aliases) and picks the price in force at the request time; the
 * match is cached per provider and model, so each distinct model is matched once per instance.
 */
export function createGenaiPricesCatalog(): PriceCatalog {
  const cache = new Map<string, Resolved | null>();

  function resolve(provider: string, model: string): Resolved | null {
    const key = `${provider}\u0000${model}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    // An empty usage matches and dates the model without pricing anything.
    const found = calcPrice({}, model, { providerId: provider, timestamp: new Date(0) });
    let r: Resolved | null = null;
    if (found) {
      const m = found.model;
      const pid = found.provider.id;
      if (!Array.isArray(m.prices)) r = { provider: pid, model: m, fixed: cardOf(pid, m, m.prices) };
      else if (m.prices.some((c) => c.constraint?.type === "time_of_date")) r = { provider: pid, model: m, byTimeOfDay: true };
      else {
        r = {
          provider: pid,
          model: m,
          dated: m.prices.map((c) => ({
            start: c.constraint?.type === "start_date" ? Date.parse(c.constraint.start_date) : Number.NEGATIVE_INFINITY,
            card: cardOf(pid, m, c.prices),
          })),
        };
      }
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, r);
    return r;
  }

  return {
    source: "genai-prices",
    version: GENAI_PRICES_VERSION,
    lookup(provider, model, at) {
      const r = resolve(provider, model);
      if (!r) return null;
      if (r.fixed !== undefined) return r.fixed;
      if (r.dated) {
        // As the database does: the last entry whose start has passed, else the first.
        const t = at.getTime();
        for (let i = r.dated.length - 1; i >= 0; i--) {
          const d = r.dated[i] as { start: number; card: RateCard | null };
          if (t >= d.start) return d.card;
        }
        return r.dated[0]?.card ?? null;
      }
      const found = calcPrice({}, model, { providerId: provider, timestamp: at });
      return found ? cardOf(r.provider, r.model, found.model_price) : null;
    },
  };
}
