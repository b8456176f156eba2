import { AppError } from "#kernel/errors.js";
import type { LlmUsageEvent } from "./event.js";
import type { PricedLlmEvent, ReconcileCause } from "./ledger-port.js";
import type { Pricer } from "./price-catalog.js";
import { costPico, decimalToPico, picoToDecimal, type RateCard } from "./rates.js";

/** Our cost and the caller's may differ by this share of ours before the event is flagged. */
const TOLERANCE_NUM = 1n;
const TOLERANCE_DEN = 100n;

/**
 * Why the caller's cost differs from ours by more than 1%, or null when it does not. A tier the
 * source does not price explains it first; then a caller that paid less than we computed for an
 * event without cache tokens most likely left the cache counts out.
 */
export function reconcileCause(e: LlmUsageEvent, card: RateCard, ours: bigint, client: bigint): ReconcileCause | null {
  const diff = ours > client ? ours - client : client - ours;
  if (diff * TOLERANCE_DEN <= ours * TOLERANCE_NUM && !(ours === 0n && client > 0n)) return null;
  if (!card.tierPriced || e.serviceTier !== "standard") return "tier";
  if (e.cacheReadTokens === 0 && e.cacheWriteTokens === 0 && client < ours) return "cache-tokens-missing";
  return "price-difference";
}

/**
 * Prices every event with the rates in force at its request time. An event of a model no source
 * prices is kept at the caller's cost and flagged `unknown-model`; without a caller's cost the whole
 * call is refused, naming the events, since a ledger row without a cost would understate spend.
 */
export function priceEvents(tenantId: string, events: readonly LlmUsageEvent[], ratesFor: Pricer, days?: { earliest: string; latest: string }): PricedLlmEvent[] {
  const unpriced: string[] = [];
  const out: PricedLlmEvent[] = [];
  for (const e of events) {
    const at = new Date(e.requestedAt);
    const iso = at.toISOString();
    const day = iso.slice(0, 10);
    // A day past tomorrow is a clock bug; one older than the window would rewrite closed periods.
    if (days && (day > days.latest || day < days.earliest)) throw new AppError("invalid-argument", `requestedAt of event ${e.eventId} is outside ${days.earliest}..${days.latest}`);
    const card = ratesFor({ tenantId, provider: e.provider, model: e.model, serviceTier: e.serviceTier, at });
    const client = e.clientCostUsd === undefined ? null : decimalToPico(e.clientCostUsd);
    let pico: bigint;
    let source: { priceSource: string; priceVersion: string; priceRef: string };
    let flag: ReconcileCause | null;
    if (card) {
      pico = costPico(e, card);
      source = { priceSource: card.source, priceVersion: card.version, priceRef: card.ref };
      flag = client === null ? (card.tierPriced ? null : "tier") : reconcileCause(e, card, pico, client);
    } else if (client !== null) {
      pico = client;
      source = { priceSource: "client", priceVersion: "", priceRef: "" };
      flag = "unknown-model";
    } else {
      unpriced.push(`${e.eventId} (${e.provider}/${e.model})`);
      continue;
    }
    out.push({
      eventId: e.eventId,
      provider: e.provider,
      model: e.model,
      serviceTier: e.serviceTier,
      requestedAt: iso,
      day,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      cacheReadTokens: e.cacheReadTokens,
      cacheWriteTokens: e.cacheWriteTokens,
      reasoningTokens: e.reasoningTokens,
      audioInputTokens: e.audioInputTokens,
      audioOutputTokens: e.audioOutputTokens,
      costPico: pico,
      costUsd: picoToDecimal(pico),
      clientCostUsd: client === null ? null : picoToDecimal(client),
      ...source,
      flag,
      tags: e.tags,
    });
  }
  if (unpriced.length) {
    const shown = unpriced.slice(0, 5).join(", ");
    throw new AppError("invalid-argument", `no price for ${unpriced.length} event(s): ${shown}${unpriced.length > 5 ? ", …" : ""}; send clientCostUsd or add a price override`, {
      details: { unpriced: unpriced.slice(0, 50) },
    });
  }
  return out;
}
