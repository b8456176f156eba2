import type { DayWindow } from "#kernel/days.js";
import type { LlmTagKey, LlmTags, ServiceTier } from "./event.js";

/** Why our cost and the caller's differ by more than 1%, or why an event could not be priced by us. */
export const RECONCILE_CAUSES = ["unknown-model", "cache-tokens-missing", "tier", "price-difference"] as const;
export type ReconcileCause = (typeof RECONCILE_CAUSES)[number];

/** An event as the ledger stores it: validated, priced, and explained. */
export interface PricedLlmEvent {
  eventId: string;
  provider: string;
  model: string;
  serviceTier: ServiceTier;
  requestedAt: string;
  /** UTC day of `requestedAt`: the ledger day. */
  day: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  audioInputTokens: number;
  audioOutputTokens: number;
  /** Our cost in pico-dollars (1e-12 USD); `costUsd` is the same amount as decimal text. */
  costPico: bigint;
  costUsd: string;
  clientCostUsd: string | null;
  /** "genai-prices", "override", or "client" when only the caller's cost was known. */
  priceSource: string;
  priceVersion: string;
  /** The price entry used, `provider/model` as the source names it. */
  priceRef: string;
  /** Set when reconciliation flags the event. */
  flag: ReconcileCause | null;
  tags: LlmTags;
}

/**
 * A budget scope as the events table can filter it: price-database providers (in or not in a
 * list), models, and tag values. Every listed condition must hold.
 */
export interface LlmScopeFilter {
  providers?: string[];
  excludeProviders?: string[];
  models?: string[];
  tags: Partial<Record<LlmTagKey, string>>;
}

/**
 * One budget period's running total, with what it takes to start it: a total that does not exist
 * yet (a budget created mid-period) starts at the sum of the period's events in scope, once.
 */
export interface BudgetKey {
  budgetId: string;
  periodKey: string;
  start: string;
  end: string;
  filter: LlmScopeFilter;
}

/** Money added to one budget's running total for its current period. */
export interface BudgetIncrement extends BudgetKey {
  pico: bigint;
}

export interface BudgetTotal {
  budgetId: string;
  periodKey: string;
  pico: bigint;
}

export interface IngestResult {
  /** Events stored by this call. */
  inserted: PricedLlmEvent[];
  /** Event ids the ledger already held (a retry), or that appeared twice in the call. */
  duplicates: string[];
  /** Running totals after this call, of every budget an increment touched. */
  totals: BudgetTotal[];
}

export const USAGE_DIMENSIONS = ["day", "provider", "model", "serviceTier", "app", "team", "user", "key"] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

export interface UsageQuery {
  window: DayWindow;
  groupBy: readonly UsageDimension[];
  /** Exact-match filters; every one must hold. */
  filter?: Partial<Record<UsageDimension, string>>;
  /** At most this many rows, largest cost first. */
  limit: number;
}

export interface UsageTotals {
  events: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  audioInputTokens: number;
  audioOutputTokens: number;
  costUsd: string;
}

export interface UsageRow extends UsageTotals {
  /** The grouped values; a missing tag is null. */
  keys: Partial<Record<UsageDimension, string | null>>;
}

/** One day, provider, model and tag set: what becomes a ledger CostRecord. */
export interface DailyRollup extends UsageTotals {
  day: string;
  provider: string;
  model: string;
  tags: LlmTags;
}

export interface ReconciliationRow {
  provider: string;
  model: string;
  cause: ReconcileCause;
  events: number;
  costUsd: string;
  clientCostUsd: string;
}

/**
 * The event-level LLM ledger (`llm_usage.events`): one row per event id and tenant. `ingest` is
 * one atomic step: the new events, and the running totals of the budgets they count towards,
 * are stored together or not at all, and an event id already present is skipped, so a retried
 * batch counts once. Every read is scoped to one tenant.
 */
export interface LlmLedger {
  /**
   * Stores the events whose ids are new; `increments` is called, inside the same step, with
   * exactly those events and returns what to add to budget running totals.
   */
  ingest(tenantId: string, events: readonly PricedLlmEvent[], increments: (inserted: readonly PricedLlmEvent[]) => BudgetIncrement[]): Promise<IngestResult>;
  usage(tenantId: string, query: UsageQuery): Promise<{ rows: UsageRow[]; totals: UsageTotals }>;
  /** Per day, provider, model and tag set, for the days of `window`. */
  dailyRollups(tenantId: string, window: DayWindow): Promise<DailyRollup[]>;
  /** Running totals of the keys; one that does not exist yet is started from the events first. */
  budgetTotals(tenantId: string, keys: readonly BudgetKey[]): Promise<BudgetTotal[]>;
  /** Sets running totals to recomputed values (the nightly reconciliation against the events). */
  replaceBudgetTotals(tenantId: string, totals: readonly BudgetTotal[]): Promise<void>;
  reconciliation(tenantId: string, window: DayWindow): Promise<ReconciliationRow[]>;
  /** Our total per provider over a window (invoice comparison). */
  providerTotal(tenantId: string, provider: string, window: DayWindow): Promise<string>;
  close(): Promise<void>;
}
