import { createHash } from "node:crypto";
import type { PricedLlmEvent, ReconcileCause, ReconciliationRow, UsageTotals } from "#domain/llm-usage/ledger-port.js";
import { decimalToPico, picoToDecimal } from "#domain/llm-usage/rates.js";
import { AppError } from "#kernel/errors.js";
import type { HistoryRow } from "./history-writer.js";

/**
 * LLM events as rows of `llm_usage.events` (LLM_USAGE_EVENTS), and the read statements' result
 * rows (llm-ledger-sql.ts) back as the port's types.
 *
 * @example
 *   const row = llmEventRow("acme", priced, "2026-03-01T12:00:00.000Z");
 *   await history.append("llm_usage_events", "acme", [row]);
 */

/**
 * The insertId of an event: BigQuery de-duplicates on it per table, across tenants, and event
 * ids are unique per tenant only, so the tenant is part of it; hashed to stay within
 * insertId's 128 characters whatever the two lengths.
 */
export function eventInsertId(tenantId: string, eventId: string): string {
  return createHash("sha256").update(`${tenantId}\u0000${eventId}`).digest("hex");
}

export function llmEventRow(tenantId: string, e: PricedLlmEvent, ingestedAt: string): HistoryRow {
  return {
    insertId: eventInsertId(tenantId, e.eventId),
    values: {
      tenant_id: tenantId,
      event_id: e.eventId,
      usage_date: e.day,
      requested_at: e.requestedAt,
      provider: e.provider,
      model: e.model,
      service_tier: e.serviceTier,
      input_tokens: e.inputTokens,
      output_tokens: e.outputTokens,
      cache_read_tokens: e.cacheReadTokens,
      cache_write_tokens: e.cacheWriteTokens,
      reasoning_tokens: e.reasoningTokens,
      audio_input_tokens: e.audioInputTokens,
      audio_output_tokens: e.audioOutputTokens,
      cost_usd: e.costUsd,
      client_cost_usd: e.clientCostUsd,
      price_source: e.priceSource,
      price_version: e.priceVersion,
      price_ref: e.priceRef,
      flag: e.flag,
      app: e.tags.app ?? null,
      team: e.tags.team ?? null,
      user_id: e.tags.user ?? null,
      api_key: e.tags.key ?? null,
      ingested_at: ingestedAt,
    },
  };
}

/** A count or token sum the statement cast to STRING. */
function count(v: unknown, what: string): number {
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new AppError("internal", `BigQuery returned a malformed ${what}`, { retryable: false });
  return n;
}

/** A money sum the statement cast to STRING, as pico-dollars (BIGNUMERIC(38,12) holds them exactly). */
export function moneyPico(v: unknown, what = "cost"): bigint {
  if (typeof v !== "string" || !/^-?\d+(\.\d+)?(E[+-]?\d+)?$/i.test(v)) throw new AppError("internal", `BigQuery returned a malformed ${what}`, { retryable: false });
  return decimalToPico(v);
}

export const moneyText = (v: unknown, what?: string) => picoToDecimal(moneyPico(v, what));

export function usageTotals(r: Record<string, unknown>): UsageTotals {
  return {
    events: count(r.events, "event count"),
    inputTokens: count(r.input_tokens, "token sum"),
    outputTokens: count(r.output_tokens, "token sum"),
    cacheReadTokens: count(r.cache_read_tokens, "token sum"),
    cacheWriteTokens: count(r.cache_write_tokens, "token sum"),
    reasoningTokens: count(r.reasoning_tokens, "token sum"),
    audioInputTokens: count(r.audio_input_tokens, "token sum"),
    audioOutputTokens: count(r.audio_output_tokens, "token sum"),
    costUsd: moneyText(r.cost_usd),
  };
}

/** A grouped key: a missing tag is null. */
export const keyText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function reconciliationRow(r: Record<string, unknown>): ReconciliationRow {
  return {
    provider: String(r.provider),
    model: String(r.model),
    cause: String(r.flag) as ReconcileCause,
    events: count(r.events, "event count"),
    costUsd: moneyText(r.cost_usd),
    clientCostUsd: moneyText(r.client_cost_usd),
  };
}
