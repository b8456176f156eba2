import type { LlmScopeFilter, UsageDimension, UsageQuery } from "#domain/llm-usage/ledger-port.js";
import type { DayWindow } from "#kernel/days.js";
import { type Statement, StatementParams } from "./statement.js";

/**
 * The reads of the LLM event table (`llm_usage.events`, LLM_USAGE_EVENTS) in GoogleSQL. Every one
 * starts from the same CTE: the tenant's rows in the window's partitions, one row per event id.
 * The streaming insert de-duplicates re-sent rows on insertId only on a best-effort basis
 * (BigQuery docs, "Streaming data into BigQuery": "Best effort de-duplication"), and the ledger
 * re-sends rows it cannot prove were stored; a re-sent row is identical to the first, so keeping
 * any one of them (the QUALIFY) is exact.
 *
 * Every aggregate is cast to STRING: token sums and BIGNUMERIC money come back as text and are
 * decoded exactly (no float, no INT64 range check in the client). Values travel as parameters
 * only; the column names come from the fixed maps below.
 *
 * @example
 *   const stmt = usageStatement("`p.llm_usage.events`", "acme", { window, groupBy: ["model"], limit: 50 });
 *   const rows = await jobs.select(stmt);
 */

/** The column behind each usage dimension. */
export const DIM_COLUMN: Record<UsageDimension, string> = {
  day: "CAST(usage_date AS STRING)",
  provider: "provider",
  model: "model",
  serviceTier: "service_tier",
  app: "app",
  team: "team",
  user: "user_id",
  key: "api_key",
};

const TAG_COLUMN = { app: "app", team: "team", user: "user_id", key: "api_key" } as const;

/** The sums every read returns, named as usageTotals (llm-ledger-rows.ts) decodes them. */
export const SUMS = [
  "CAST(COUNT(*) AS STRING) AS events",
  ...["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "audio_input_tokens", "audio_output_tokens"].map(
    (c) => `CAST(COALESCE(SUM(${c}), 0) AS STRING) AS ${c}`,
  ),
  "CAST(COALESCE(SUM(cost_usd), 0) AS STRING) AS cost_usd",
].join(",\n  ");

/**
 * Ascending with NULL last, spelled so that every SQL dialect reads it alike (a BOOL sorts false
 * first): a missing tag sorts after every value, as the DuckDB ledger sorts it.
 */
const nullsLast = (col: string) => `${col} IS NULL, ${col}`;

/** The tenant's events in the window, one row per event id. */
function events(table: string, p: StatementParams, tenantId: string, window: DayWindow): string {
  return [
    "WITH e AS (",
    `  SELECT * FROM ${table}`,
    `  WHERE tenant_id = ${p.add("tenant_id", tenantId, "STRING")}`,
    `    AND usage_date BETWEEN ${p.add("window_start", window.start, "DATE")} AND ${p.add("window_end", window.end, "DATE")}`,
    "  QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY ingested_at) = 1",
    ")",
  ].join("\n");
}

function filterWhere(p: StatementParams, filter: UsageQuery["filter"]): string {
  const conds = (Object.entries(filter ?? {}) as [UsageDimension, string][]).map(([dim, value]) => `${DIM_COLUMN[dim]} = ${p.add(`f_${dim.toLowerCase()}`, value, "STRING")}`);
  return conds.length ? `WHERE ${conds.join(" AND ")}` : "";
}

/** Totals over the window and filter (no grouping). */
export function usageTotalsStatement(table: string, tenantId: string, q: UsageQuery): Statement {
  const p = new StatementParams();
  const sql = [events(table, p, tenantId, q.window), `SELECT\n  ${SUMS}\nFROM e`, filterWhere(p, q.filter)].filter(Boolean).join("\n");
  return { kind: "llm-usage", sql, ...p.build() };
}

/**
 * Rows grouped by `q.groupBy` (as k0, k1, ...), largest cost first, then the keys ascending with
 * missing tags last; at most `limit` rows (1 to 10,000).
 */
export function usageRowsStatement(table: string, tenantId: string, q: UsageQuery): Statement {
  const p = new StatementParams();
  const keys = q.groupBy.map((d, i) => `${DIM_COLUMN[d]} AS k${i}`);
  const limit = Math.max(1, Math.min(10_000, Math.trunc(q.limit)));
  const sql = [
    events(table, p, tenantId, q.window),
    `SELECT\n  ${[...keys, SUMS, "SUM(cost_usd) AS cost_order"].join(",\n  ")}\nFROM e`,
    filterWhere(p, q.filter),
    `GROUP BY ${q.groupBy.map((_, i) => i + 1).join(", ")}`,
    `ORDER BY cost_order DESC, ${q.groupBy.map((_, i) => nullsLast(`k${i}`)).join(", ")}`,
    `LIMIT ${limit}`,
  ]
    .filter(Boolean)
    .join("\n");
  return { kind: "llm-usage", sql, ...p.build() };
}

/** Per day, provider, model and tag set: what becomes ledger CostRecords. */
export function rollupsStatement(table: string, tenantId: string, window: DayWindow): Statement {
  const p = new StatementParams();
  const sql = [
    events(table, p, tenantId, window),
    `SELECT\n  CAST(usage_date AS STRING) AS usage_day, provider, model, app, team, user_id, api_key,\n  ${SUMS}\nFROM e`,
    "GROUP BY 1, 2, 3, 4, 5, 6, 7",
    `ORDER BY usage_day, provider, model, ${["app", "team", "user_id", "api_key"].map(nullsLast).join(", ")}`,
  ].join("\n");
  return { kind: "llm-rollups", sql, ...p.build() };
}

/** The flagged events per provider, model and cause. */
export function reconciliationStatement(table: string, tenantId: string, window: DayWindow): Statement {
  const p = new StatementParams();
  const sql = [
    events(table, p, tenantId, window),
    "SELECT\n  provider, model, flag, CAST(COUNT(*) AS STRING) AS events, CAST(SUM(cost_usd) AS STRING) AS cost_usd,",
    "  CAST(COALESCE(SUM(client_cost_usd), 0) AS STRING) AS client_cost_usd",
    "FROM e",
    "WHERE flag IS NOT NULL",
    "GROUP BY 1, 2, 3",
    "ORDER BY provider, model, flag",
  ].join("\n");
  return { kind: "llm-reconciliation", sql, ...p.build() };
}

/** Our total for one provider over the window (invoice comparison). */
export function providerTotalStatement(table: string, tenantId: string, provider: string, window: DayWindow): Statement {
  const p = new StatementParams();
  const sql = [
    events(table, p, tenantId, window),
    "SELECT CAST(COALESCE(SUM(cost_usd), 0) AS STRING) AS cost_usd",
    "FROM e",
    `WHERE provider = ${p.add("provider", provider, "STRING")}`,
  ].join("\n");
  return { kind: "llm-provider-total", sql, ...p.build() };
}

/** The cost of the window's events in a budget's scope: where a running total starts. */
export function scopeSumStatement(table: string, tenantId: string, window: DayWindow, f: LlmScopeFilter): Statement {
  const p = new StatementParams();
  const conds: string[] = [];
  if (f.providers) conds.push(`provider IN UNNEST(${p.add("providers", f.providers, ["STRING"])})`);
  if (f.excludeProviders) conds.push(`NOT (provider IN UNNEST(${p.add("exclude_providers", f.excludeProviders, ["STRING"])}))`);
  if (f.models) conds.push(`model IN UNNEST(${p.add("models", f.models, ["STRING"])})`);
  for (const [k, v] of Object.entries(f.tags) as [keyof typeof TAG_COLUMN, string][]) conds.push(`${TAG_COLUMN[k]} = ${p.add(`tag_${k}`, v, "STRING")}`);
  const sql = [
    events(table, p, tenantId, window),
    "SELECT CAST(COALESCE(SUM(cost_usd), 0) AS STRING) AS cost_usd",
    "FROM e",
    conds.length ? `WHERE ${conds.join(" AND ")}` : "",
  ]
    .filter(Boolean)
    .join("\n");
  return { kind: "llm-scope-sum", sql, ...p.build() };
}
