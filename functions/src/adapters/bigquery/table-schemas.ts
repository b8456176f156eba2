import { AppError } from "#kernel/errors.js";

/**
 * The BigQuery history tables (DESIGN.md §4) as plain data: the one source that the adapter's SQL,
 * the load jobs' schema, the CREATE TABLE DDL (table-ddl.ts) and, later, Terraform are built from
 * or checked against. Every table is partitioned by day and clustered by tenant_id first.
 *
 * Money is BIGNUMERIC(38, 12): NUMERIC keeps only 9 decimal places and the ledger keeps 12
 * (warehouse-input.ts); 38 digits leave the same 26 integer digits as DuckDB's DECIMAL(38,12).
 * Column names avoid BigQuery's reserved words (AT, HASH, ...), which the DDL test parses for.
 *
 * @example
 *   for (const t of HISTORY_TABLES) console.log(`${t.dataset}.${t.table}`, t.partitioning.field, t.clustering);
 *   // cost_analytics.daily_costs charge_period_start [ 'tenant_id', 'provider', 'source' ]
 */

export type ColumnType = "STRING" | "DATE" | "TIMESTAMP" | "BIGNUMERIC" | "INT64" | "FLOAT64" | "BOOL" | "JSON" | "RECORD";
export type ColumnMode = "REQUIRED" | "NULLABLE" | "REPEATED";

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly mode: ColumnMode;
  /** BIGNUMERIC only: total digits and digits after the point. */
  readonly precision?: number;
  readonly scale?: number;
  /** RECORD only: the nested fields. */
  readonly fields?: readonly ColumnSpec[];
  readonly description: string;
}

/** The datasets by role; deployments may rename them (the adapter's `datasets` option). */
export type DatasetRole = "cost_analytics" | "llm_usage" | "audit_logs" | "staging";

export interface DatasetSpec {
  readonly role: DatasetRole;
  /** Default dataset id. */
  readonly id: string;
  readonly description: string;
  /** Tables in it expire this long after creation, unless deleted first (staging only). */
  readonly defaultTableExpirationMs?: number;
}

export interface TableSpec {
  readonly dataset: Exclude<DatasetRole, "staging">;
  readonly table: string;
  readonly description: string;
  readonly columns: readonly ColumnSpec[];
  /** Daily partitions on a DATE column, or on the UTC day of a TIMESTAMP column. */
  readonly partitioning: { readonly type: "DAY"; readonly field: string };
  /** At most four columns, tenant_id first. */
  readonly clustering: readonly string[];
}

const MONEY = { type: "BIGNUMERIC", precision: 38, scale: 12 } as const;

const col = (name: string, type: ColumnType, mode: ColumnMode, description: string): ColumnSpec => ({ name, type, mode, description });
const money = (name: string, mode: ColumnMode, description: string): ColumnSpec => ({ name, ...MONEY, mode, description });
const tenant = col("tenant_id", "STRING", "REQUIRED", "Tenant that owns the row; every query filters on it.");

export const DATASETS: readonly DatasetSpec[] = [
  { role: "cost_analytics", id: "cost_analytics", description: "Cost ledger and analysis history, per tenant." },
  { role: "llm_usage", id: "llm_usage", description: "LLM usage events, per tenant." },
  { role: "audit_logs", id: "audit_logs", description: "Append-only, hash-chained audit events." },
  {
    role: "staging",
    id: "cost_analytics_staging",
    description: "Per-call staging tables of the ledger upsert; each is deleted after its MERGE.",
    // A staging table left behind by a crashed instance is gone a day later.
    defaultTableExpirationMs: 86_400_000,
  },
];

/** The ledger: one row per tenant, day and dimension combination (domain/billing/cost-record.ts). */
export const DAILY_COSTS: TableSpec = {
  dataset: "cost_analytics",
  table: "daily_costs",
  description: "Daily cost ledger in FOCUS 1.2 names; upserted by record_key.",
  columns: [
    tenant,
    col("record_key", "STRING", "REQUIRED", "Deterministic hash of the identity columns and the day; the upsert key."),
    col("provider", "STRING", "REQUIRED", "gcp, aws, azure, oci or other."),
    col("billing_account_id", "STRING", "REQUIRED", "Billing account (FOCUS BillingAccountId)."),
    col("sub_account_id", "STRING", "REQUIRED", "Project, account or subscription (FOCUS SubAccountId)."),
    col("service_name", "STRING", "REQUIRED", "FOCUS ServiceName."),
    col("service_category", "STRING", "REQUIRED", "FOCUS ServiceCategory."),
    col("region_id", "STRING", "REQUIRED", "FOCUS RegionId."),
    col("resource_id", "STRING", "REQUIRED", "FOCUS ResourceId; empty when the source has none."),
    col("charge_category", "STRING", "REQUIRED", "Usage, Purchase, Tax, Credit or Adjustment."),
    col("charge_period_start", "DATE", "REQUIRED", "UTC day of the charge; the partition column."),
    col("charge_period_end", "DATE", "REQUIRED", "UTC day after the charge (exclusive end)."),
    money("billed_cost", "REQUIRED", "FOCUS BilledCost in billing_currency."),
    money("effective_cost", "REQUIRED", "FOCUS EffectiveCost in billing_currency."),
    money("list_cost", "REQUIRED", "FOCUS ListCost in billing_currency."),
    col("billing_currency", "STRING", "REQUIRED", "ISO 4217 code."),
    money("pricing_quantity", "NULLABLE", "FOCUS PricingQuantity, when the source reports one."),
    col("pricing_unit", "STRING", "REQUIRED", "FOCUS PricingUnit."),
    {
      name: "tags",
      type: "RECORD",
      mode: "REPEATED",
      description: "Tags as key/value pairs, sorted by key (the billing export's labels shape).",
      fields: [col("key", "STRING", "REQUIRED", "Tag key."), col("value", "STRING", "REQUIRED", "Tag value.")],
    },
    col("source", "STRING", "REQUIRED", "Lineage: which collector or import wrote the row; replaceWindow scopes by it."),
    col("ingested_at", "STRING", "REQUIRED", "Lineage: when the row was pulled (ISO-8601 text, as the record carries it)."),
  ],
  partitioning: { type: "DAY", field: "charge_period_start" },
  clustering: ["tenant_id", "provider", "source"],
};

/** One row per anomaly per analysis run: what the nightly knew on `run_date`. */
export const ANOMALIES: TableSpec = {
  dataset: "cost_analytics",
  table: "anomalies",
  description: "Anomaly history: each run's view of each open or updated anomaly.",
  columns: [
    tenant,
    col("run_date", "DATE", "REQUIRED", "Day the analysis ran for; the partition column."),
    col("anomaly_id", "STRING", "REQUIRED", "Id of the anomaly document."),
    col("series_key", "STRING", "REQUIRED", "Series the anomaly was found on."),
    col("provider", "STRING", "NULLABLE", "Provider of the series, when it has one."),
    col("account_id", "STRING", "NULLABLE", "Sub account of the series, when it has one."),
    col("service", "STRING", "NULLABLE", "Service of the series, when it has one."),
    col("start_date", "DATE", "REQUIRED", "First anomalous day."),
    col("end_date", "DATE", "REQUIRED", "Last anomalous day."),
    col("direction", "STRING", "REQUIRED", "increase or decrease."),
    money("expected", "REQUIRED", "Expected spend, in currency."),
    money("actual", "REQUIRED", "Actual spend, in currency."),
    money("impact", "REQUIRED", "Actual minus expected, in currency."),
    col("currency", "STRING", "REQUIRED", "ISO 4217 code of every amount in the row (the series' billing currency); rows in two currencies are never added."),
    col("score", "FLOAT64", "REQUIRED", "Statistical surprise."),
    col("severity", "STRING", "REQUIRED", "Severity as routed to alerts."),
    col("status", "STRING", "REQUIRED", "open, acknowledged or resolved."),
    col("feedback", "STRING", "NULLABLE", "expected, unexpected or planned, once given."),
    {
      name: "root_causes",
      type: "RECORD",
      mode: "REPEATED",
      description: "Child dimensions and what each contributed.",
      fields: [
        col("dimension", "STRING", "REQUIRED", "Dimension name."),
        col("value", "STRING", "REQUIRED", "Dimension value."),
        money("contribution", "REQUIRED", "Contribution to the impact, in the row's currency."),
      ],
    },
    col("recorded_at", "TIMESTAMP", "REQUIRED", "When the row was appended."),
  ],
  partitioning: { type: "DAY", field: "run_date" },
  clustering: ["tenant_id", "series_key"],
};

/** One row per series and forecast day per run. */
export const FORECASTS: TableSpec = {
  dataset: "cost_analytics",
  table: "forecasts",
  description: "Forecast history: each run's daily forecast with 80% and 95% intervals.",
  columns: [
    tenant,
    col("as_of", "DATE", "REQUIRED", "Last day of data the forecast used; the partition column."),
    col("series_key", "STRING", "REQUIRED", "Series forecast."),
    col("forecast_date", "DATE", "REQUIRED", "Day forecast."),
    money("mean", "REQUIRED", "Point forecast."),
    money("lower80", "REQUIRED", "Lower bound of the 80% interval."),
    money("upper80", "REQUIRED", "Upper bound of the 80% interval."),
    money("lower95", "REQUIRED", "Lower bound of the 95% interval."),
    money("upper95", "REQUIRED", "Upper bound of the 95% interval."),
    col("recorded_at", "TIMESTAMP", "REQUIRED", "When the row was appended."),
  ],
  partitioning: { type: "DAY", field: "as_of" },
  clustering: ["tenant_id", "series_key"],
};

/**
 * One row per LLM call, priced and explained (domain/llm-usage/ledger-port.ts, PricedLlmEvent).
 * Appended by the streaming insert with the event id as insertId; a re-sent event is an identical
 * row, and every read keeps one row per event id (llm-ledger-sql.ts), since insertId
 * de-duplication is best effort.
 */
export const LLM_USAGE_EVENTS: TableSpec = {
  dataset: "llm_usage",
  table: "events",
  description: "LLM usage events, priced, with the price source and version that priced each one.",
  columns: [
    tenant,
    col("event_id", "STRING", "REQUIRED", "The caller's id of the call; a retried event carries the same id and counts once."),
    col("usage_date", "DATE", "REQUIRED", "UTC day of requested_at; the partition column."),
    col("requested_at", "TIMESTAMP", "REQUIRED", "When the request was made; prices in force then applied."),
    col("provider", "STRING", "REQUIRED", "Price-database provider id (openai, anthropic, google, aws, azure...)."),
    col("model", "STRING", "REQUIRED", "Model name as the caller spelled it."),
    col("service_tier", "STRING", "REQUIRED", "standard, batch, flex or priority."),
    col("input_tokens", "INT64", "REQUIRED", "Every prompt token, cache and audio included."),
    col("output_tokens", "INT64", "REQUIRED", "Every completion token, reasoning and audio included."),
    col("cache_read_tokens", "INT64", "REQUIRED", "Prompt tokens read from the cache."),
    col("cache_write_tokens", "INT64", "REQUIRED", "Prompt tokens written to the cache."),
    col("reasoning_tokens", "INT64", "REQUIRED", "Completion tokens spent on reasoning."),
    col("audio_input_tokens", "INT64", "REQUIRED", "Prompt audio tokens."),
    col("audio_output_tokens", "INT64", "REQUIRED", "Completion audio tokens."),
    money("cost_usd", "REQUIRED", "Our cost in USD (exact to the pico-dollar)."),
    money("client_cost_usd", "NULLABLE", "The cost the caller computed, kept for reconciliation."),
    col("price_source", "STRING", "REQUIRED", "genai-prices, override, or client when only the caller's cost was known."),
    col("price_version", "STRING", "REQUIRED", "Version of the price source."),
    col("price_ref", "STRING", "REQUIRED", "The price entry used, provider/model as the source names it."),
    col("flag", "STRING", "NULLABLE", "Reconciliation flag: unknown-model, cache-tokens-missing, tier or price-difference."),
    col("app", "STRING", "NULLABLE", "Tag: application."),
    col("team", "STRING", "NULLABLE", "Tag: team."),
    col("user_id", "STRING", "NULLABLE", "Tag: user."),
    col("api_key", "STRING", "NULLABLE", "Tag: the caller's name for the credential (never the secret)."),
    col("ingested_at", "TIMESTAMP", "REQUIRED", "When the ledger recorded the event."),
  ],
  partitioning: { type: "DAY", field: "usage_date" },
  clustering: ["tenant_id", "provider", "model"],
};

/** The F4 audit log, one row per chained record (foundation/secops/audit-log.ts). */
export const AUDIT_EVENTS: TableSpec = {
  dataset: "audit_logs",
  table: "events",
  description: "Append-only audit events, each hash-chained to the previous record of its stream.",
  columns: [
    tenant,
    col("stream", "STRING", "REQUIRED", "Chain the record belongs to (tenant:{id} or platform)."),
    col("seq", "INT64", "REQUIRED", "Position in the stream, from 1."),
    col("occurred_at", "TIMESTAMP", "REQUIRED", "Time of the append; partitioned by its UTC day."),
    col("actor", "STRING", "REQUIRED", "Who acted."),
    col("action", "STRING", "REQUIRED", "What was attempted."),
    col("resource", "STRING", "NULLABLE", "What it was attempted on."),
    col("decision", "STRING", "REQUIRED", "allow or deny."),
    col("outcome", "STRING", "REQUIRED", "success or failure."),
    col("details", "JSON", "NULLABLE", "Reason codes and other details (never payloads or secrets)."),
    col("prev_hash", "STRING", "REQUIRED", "Hash of the previous record of the stream."),
    col("record_hash", "STRING", "REQUIRED", "SHA-256 of this record's canonical JSON."),
  ],
  partitioning: { type: "DAY", field: "occurred_at" },
  clustering: ["tenant_id", "stream"],
};

export const HISTORY_TABLES: readonly TableSpec[] = [DAILY_COSTS, ANOMALIES, FORECASTS, LLM_USAGE_EVENTS, AUDIT_EVENTS];

/** The column of `table` named `name`; throws when a builder asks for a column the table lacks. */
export function columnOf(table: TableSpec, name: string): ColumnSpec {
  const c = table.columns.find((x) => x.name === name);
  if (!c) throw new AppError("internal", `${table.dataset}.${table.table} has no column ${name}`);
  return c;
}
