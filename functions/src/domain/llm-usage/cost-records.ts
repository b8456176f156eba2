import { createHash } from "node:crypto";
import { type AiVendor, type CostIdentity, type CostRecord, recordKey } from "../billing/cost-record.js";
import type { CostWarehouse, UpsertStats } from "../billing/ports.js";
import { nextUtcDay, type DayWindow } from "#kernel/days.js";
import { LLM_TAG_KEYS, type LlmTags } from "./event.js";
import type { DailyRollup, LlmLedger } from "./ledger-port.js";

/** The lineage `source` of every ledger row made from LLM usage events. */
export const LLM_SOURCE = "llm-usage";

/** Price-database provider ids as the ledger's AI vendors; a provider not listed is "other-ai". */
const VENDORS: Readonly<Record<string, AiVendor>> = {
  openai: "openai",
  anthropic: "anthropic",
  google: "google-ai",
  aws: "bedrock",
  azure: "azure-openai",
  mistral: "mistral",
  "x-ai": "x-ai",
  deepseek: "deepseek",
  groq: "groq",
  cohere: "cohere",
  together: "together",
  fireworks: "fireworks",
  openrouter: "openrouter",
  perplexity: "perplexity",
};

/** The price-database providers with a vendor of their own; every other one is "other-ai". */
export const KNOWN_PROVIDERS: readonly string[] = Object.keys(VENDORS);

export function vendorOf(provider: string): AiVendor {
  return Object.hasOwn(VENDORS, provider) ? (VENDORS[provider] as AiVendor) : "other-ai";
}

/**
 * The ledger dimensions of an LLM event: provider is the AI vendor and service the model, so the
 * anomaly root cause, budgets scoped on service_name and the cost reports name the model. The
 * account is the price-database provider (two vendors' spend through one reseller stays apart).
 */
export function ledgerDims(provider: string, model: string) {
  return { provider: vendorOf(provider), sub_account_id: `llm:${provider}`, service_name: model, region_id: "global" } as const;
}

/** The tag set as ledger tags: only the keys the event had. */
export function ledgerTags(tags: LlmTags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of LLM_TAG_KEYS) if (tags[k] !== undefined) out[k] = tags[k] as string;
  return out;
}

/**
 * A row per day, provider, model and tag set. The record key covers identity columns only, so
 * the tag set is folded into `resource_id` as a digest: two tag sets are two rows, and a re-sync
 * of the same day upserts the same keys.
 */
export function rollupToCostRecord(tenantId: string, r: DailyRollup, ingestedAt: string): CostRecord {
  const dims = ledgerDims(r.provider, r.model);
  const tags = ledgerTags(r.tags);
  const digest = createHash("sha256").update(JSON.stringify(LLM_TAG_KEYS.map((k) => tags[k] ?? null))).digest("hex").slice(0, 16);
  const identity: CostIdentity = {
    tenant_id: tenantId,
    provider: dims.provider,
    billing_account_id: dims.sub_account_id,
    sub_account_id: dims.sub_account_id,
    service_name: dims.service_name,
    service_category: "AI and Machine Learning",
    region_id: dims.region_id,
    resource_id: `llm-tags:${digest}`,
    charge_category: "Usage",
    charge_period_start: r.day,
  };
  return {
    ...identity,
    charge_period_end: nextUtcDay(r.day),
    billed_cost: r.costUsd,
    effective_cost: r.costUsd,
    list_cost: r.costUsd,
    billing_currency: "USD",
    pricing_quantity: String(r.inputTokens + r.outputTokens),
    pricing_unit: "Tokens",
    tags,
    source: LLM_SOURCE,
    ingested_at: ingestedAt,
    record_key: recordKey({ ...identity, tags, pricing_unit: "Tokens" }),
  };
}

/**
 * Writes the window's LLM spend into the cost ledger as CostRecords, so anomaly detection,
 * forecasts, budgets and reports see it as any other spend. Event rows are immutable, so a day's
 * rows only grow: upserting the recomputed rows by key is idempotent and never leaves a stale row.
 */
export async function syncLlmCostRecords(ledger: LlmLedger, warehouse: CostWarehouse, tenantId: string, window: DayWindow, now: Date): Promise<UpsertStats & { records: number }> {
  const rollups = await ledger.dailyRollups(tenantId, window);
  const records = rollups.map((r) => rollupToCostRecord(tenantId, r, now.toISOString()));
  if (!records.length) return { inserted: 0, updated: 0, unchanged: 0, deleted: 0, records: 0 };
  const stats = await warehouse.upsert(tenantId, records);
  return { ...stats, records: records.length };
}
