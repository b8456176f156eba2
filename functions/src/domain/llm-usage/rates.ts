import Big from "big.js";
import type { LlmUsageEvent } from "./event.js";

/**
 * Exact token pricing. A rate is a whole number of micro-dollars per million tokens, which is the
 * same number as pico-dollars (1e-12 USD) per token, so every cost is an integer of pico-dollars:
 * BigInt arithmetic with no rounding at all, and a result that fits the ledger's DECIMAL(38,12)
 * exactly. Price pages quote at most four decimal places per million tokens; six are kept.
 */
export const RATE_DECIMALS = 6;
const PICO_DIGITS = 12;

/** A rate, optionally stepped by the request's prompt size (long-context tiers). */
export interface Rate {
  /** Micro-dollars per million tokens. */
  base: bigint;
  /** Applies when the request's `inputTokens` exceed `start`; the highest such tier wins. */
  tiers: readonly { start: number; price: bigint }[];
}

/** The rates that price one model at one moment, and where they came from. */
export interface RateCard {
  /** "genai-prices" or "override". */
  source: string;
  /** The price database's version, or the override's label. */
  version: string;
  /** Which entry priced it: `provider/model` as the source names them. */
  ref: string;
  input: Rate;
  output: Rate;
  cacheRead?: Rate;
  cacheWrite?: Rate;
  audioInput?: Rate;
  audioOutput?: Rate;
  /** False when the card is the standard tier's and the event asked for another tier the source does not price. */
  tierPriced: boolean;
}

/** Micro-dollars per million tokens from a decimal string ("2.5" → 2500000n); throws past 6 places. */
export function rateFromDecimal(text: string): bigint {
  const b = new Big(text);
  if (b.lt(0)) throw new RangeError(`a rate is never negative: ${text}`);
  const scaled = b.times(1_000_000);
  if (!scaled.round(0).eq(scaled)) throw new RangeError(`a rate has at most ${RATE_DECIMALS} decimal places per million tokens: ${text}`);
  return BigInt(scaled.toFixed(0));
}

/** A flat rate. */
export const flat = (microPerMtok: bigint): Rate => ({ base: microPerMtok, tiers: [] });

function rateAt(rate: Rate, promptTokens: number): bigint {
  let price = rate.base;
  for (const t of rate.tiers) if (promptTokens > t.start) price = t.price;
  return price;
}

/** Scales a rate exactly by num/den, rounding half-even to the rate grid (batch discounts). */
export function scaleRate(rate: Rate, num: bigint, den: bigint): Rate {
  const s = (p: bigint) => {
    const q = p * num;
    const whole = q / den;
    const rem = q % den;
    const twice = rem * 2n;
    return twice > den || (twice === den && whole % 2n === 1n) ? whole + 1n : whole;
  };
  return { base: s(rate.base), tiers: rate.tiers.map((t) => ({ start: t.start, price: s(t.price) })) };
}

/**
 * The event's cost in pico-dollars. Prompt tokens split into plain text, cache reads, cache
 * writes and audio; completion tokens into text (reasoning included, which every provider bills
 * as output) and audio. A part the card has no rate for is billed at its parent's rate (input or
 * output), as the providers do for models without a cache or audio price.
 */
export function costPico(e: Pick<LlmUsageEvent, "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "audioInputTokens" | "audioOutputTokens">, card: RateCard): bigint {
  const prompt = e.inputTokens;
  const input = rateAt(card.input, prompt);
  const output = rateAt(card.output, prompt);
  const at = (r: Rate | undefined, parent: bigint) => (r ? rateAt(r, prompt) : parent);
  const textIn = BigInt(prompt - e.cacheReadTokens - e.cacheWriteTokens - e.audioInputTokens);
  const textOut = BigInt(e.outputTokens - e.audioOutputTokens);
  return (
    textIn * input +
    BigInt(e.cacheReadTokens) * at(card.cacheRead, input) +
    BigInt(e.cacheWriteTokens) * at(card.cacheWrite, input) +
    BigInt(e.audioInputTokens) * at(card.audioInput, input) +
    textOut * output +
    BigInt(e.audioOutputTokens) * at(card.audioOutput, output)
  );
}

/** Pico-dollars as a plain decimal string of dollars ("1500000000000" → "1.5"). */
export function picoToDecimal(pico: bigint): string {
  const negative = pico < 0n;
  const digits = (negative ? -pico : pico).toString().padStart(PICO_DIGITS + 1, "0");
  const whole = digits.slice(0, -PICO_DIGITS);
  const frac = digits.slice(-PICO_DIGITS).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** A decimal amount of dollars as pico-dollars, rounded half-even past the twelfth place. */
export function decimalToPico(text: string): bigint {
  return BigInt(new Big(text).times("1e12").round(0, Big.roundHalfEven).toFixed(0));
}
