import { z } from "zod";
import { type DayWindow, addDays, nextUtcDay } from "#kernel/days.js";
import { readRetryPolicy, UnreadableBodyError } from "../read-retry.js";

/**
 * BigQuery billing-export queries. Every value a tenant or provider controls (project ids,
 * label key and value, dates) travels as a named query parameter; only the table name is part
 * of the text, and it is validated against BigQuery's naming rules before it gets there.
 * test/domain/billing/providers/gcp/query-injection.test.ts proves the SQL text does not change.
 */

/** Standard usage cost, detailed (resource-level) usage cost, or the FOCUS export (gcp_billing_export_focus_*). */
export const EXPORT_KINDS = ["standard", "detailed", "focus"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

// Project ids: 6-30 of [a-z0-9-] (optionally "domain:" prefixed); datasets and tables: letters,
// digits and underscores (BigQuery "Naming tables" and "Creating datasets" docs).
export const TableRefSchema = z
  .string()
  .regex(
    /^(?:[a-z][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_]{1,1024}$/,
    "expected project.dataset.table",
  );

export interface LabelFilter {
  key: string;
  value: string;
}

export interface CostQueryOptions {
  table: string;
  kind: ExportKind;
  window: DayWindow;
  projects: readonly string[];
  labelFilter?: LabelFilter;
  /**
   * Export partitions are by load time (_PARTITIONTIME): a usage day keeps arriving for a few
   * days after it ends. The partition range runs from the day before the window to this many
   * days after it, so late rows are read while older partitions are never scanned.
   */
  lateDays?: number;
}

export interface BuiltQuery {
  query: string;
  params: Record<string, string | string[]>;
  types: Record<string, string | string[]>;
}

const LABEL_CLAUSE =
  "\n    AND EXISTS (SELECT 1 FROM UNNEST(labels) AS l WHERE l.key = @label_key AND l.value = @label_value)";

/** A label array as canonical JSON text, sorted, so that equal label sets group together. */
const labelsJson = (column: string) =>
  `TO_JSON_STRING(ARRAY(SELECT AS STRUCT l.key, l.value FROM UNNEST(${column}) AS l ORDER BY l.key, l.value))`;

function exportSql(table: string, withLabels: boolean): string {
  // FLOAT64 money is cast to NUMERIC row by row before SUM, so the sum is exact decimal math.
  // The label sets (resource, project and system labels) and the SKU are part of the grain:
  // rows that differ in them stay apart (docs/ledger.md). Arrays cannot be grouped, so each set
  // is grouped as its sorted JSON text, worked out in the CTE.
  return `WITH usage_rows AS (
  SELECT
    DATE(usage_start_time) AS usage_date,
    billing_account_id,
    project.id AS project_id,
    IFNULL(service.description, '') AS service_name,
    IFNULL(sku.id, '') AS sku_id,
    IFNULL(location.region, IFNULL(location.location, '')) AS region,
    IFNULL(usage.pricing_unit, '') AS pricing_unit,
    IFNULL(cost_type, 'regular') AS cost_type,
    currency,
    ${labelsJson("labels")} AS labels_json,
    ${labelsJson("project.labels")} AS project_labels_json,
    ${labelsJson("system_labels")} AS system_labels_json,
    CAST(cost AS NUMERIC) AS cost,
    CAST(IFNULL(cost_at_list, cost) AS NUMERIC) AS cost_at_list,
    CAST(IFNULL(usage.amount_in_pricing_units, 0) AS NUMERIC) AS pricing_quantity,
    (SELECT IFNULL(SUM(CAST(c.amount AS NUMERIC)), 0) FROM UNNEST(credits) AS c) AS credits
  FROM \`${table}\`
  WHERE _PARTITIONTIME >= TIMESTAMP(@partition_start)
    AND _PARTITIONTIME < TIMESTAMP(@partition_end)
    AND usage_start_time >= TIMESTAMP(@usage_start)
    AND usage_start_time < TIMESTAMP(@usage_end)
    AND project.id IN UNNEST(@authorized_projects)${withLabels ? LABEL_CLAUSE : ""}
)
SELECT
  usage_date, billing_account_id, project_id, service_name, sku_id, region, pricing_unit, cost_type, currency,
  labels_json, project_labels_json, system_labels_json,
  SUM(cost) AS cost,
  SUM(cost_at_list) AS cost_at_list,
  SUM(pricing_quantity) AS pricing_quantity,
  SUM(credits) AS credits
FROM usage_rows
GROUP BY usage_date, billing_account_id, project_id, service_name, sku_id, region, pricing_unit, cost_type, currency,
  labels_json, project_labels_json, system_labels_json
ORDER BY usage_date, project_id, service_name, sku_id, region, pricing_unit, cost_type, labels_json, project_labels_json, system_labels_json`;
}

function focusSql(table: string, withLabels: boolean): string {
  // The FOCUS export is not assumed to be ingestion-time partitioned: ChargePeriodStart bounds the scan.
  const labels = withLabels
    ? "\n    AND EXISTS (SELECT 1 FROM UNNEST(Tags) AS t WHERE t.key = @label_key AND t.value = @label_value)"
    : "";
  return `WITH usage_rows AS (
  SELECT
    DATE(ChargePeriodStart) AS usage_date,
    BillingAccountId AS billing_account_id,
    SubAccountId AS project_id,
    IFNULL(ServiceName, '') AS service_name,
    IFNULL(SkuId, '') AS sku_id,
    IFNULL(RegionId, '') AS region,
    IFNULL(PricingUnit, '') AS pricing_unit,
    ChargeCategory AS charge_category,
    BillingCurrency AS currency,
    ${labelsJson("Tags")} AS labels_json,
    CAST(BilledCost AS NUMERIC) AS cost,
    CAST(EffectiveCost AS NUMERIC) AS effective_cost,
    CAST(ListCost AS NUMERIC) AS cost_at_list,
    CAST(IFNULL(PricingQuantity, 0) AS NUMERIC) AS pricing_quantity
  FROM \`${table}\`
  WHERE ChargePeriodStart >= TIMESTAMP(@usage_start)
    AND ChargePeriodStart < TIMESTAMP(@usage_end)
    AND SubAccountId IN UNNEST(@authorized_projects)${labels}
)
SELECT
  usage_date, billing_account_id, project_id, service_name, sku_id, region, pricing_unit, charge_category, currency, labels_json,
  SUM(cost) AS cost,
  SUM(effective_cost) AS effective_cost,
  SUM(cost_at_list) AS cost_at_list,
  SUM(pricing_quantity) AS pricing_quantity
FROM usage_rows
GROUP BY usage_date, billing_account_id, project_id, service_name, sku_id, region, pricing_unit, charge_category, currency, labels_json
ORDER BY usage_date, project_id, service_name, sku_id, region, pricing_unit, charge_category, labels_json`;
}

/** Builds the daily-sum query for one window and the tenant's authorized projects. */
export function buildCostQuery(opts: CostQueryOptions): BuiltQuery {
  const table = TableRefSchema.parse(opts.table);
  const withLabels = opts.labelFilter !== undefined;
  const query = opts.kind === "focus" ? focusSql(table, withLabels) : exportSql(table, withLabels);
  const params: Record<string, string | string[]> = {
    usage_start: opts.window.start,
    usage_end: nextUtcDay(opts.window.end),
    authorized_projects: [...opts.projects],
  };
  const types: Record<string, string | string[]> = {
    usage_start: "STRING",
    usage_end: "STRING",
    authorized_projects: ["STRING"],
  };
  if (opts.kind !== "focus") {
    params.partition_start = addDays(opts.window.start, -1);
    params.partition_end = addDays(opts.window.end, 1 + (opts.lateDays ?? 10));
    types.partition_start = "STRING";
    types.partition_end = "STRING";
  }
  if (opts.labelFilter) {
    params.label_key = opts.labelFilter.key;
    params.label_value = opts.labelFilter.value;
    types.label_key = "STRING";
    types.label_value = "STRING";
  }
  return { query, params, types };
}

/** One page request for Job#getQueryResults with manual paging. */
export interface PageRequest {
  autoPaginate: false;
  maxResults?: number;
  pageToken?: string;
}

/** The part of a BigQuery Job the collector uses. */
export interface QueryJobApi {
  getQueryResults(opts: PageRequest): Promise<[unknown[], PageRequest | null | undefined, unknown?]>;
}

/** The part of the BigQuery client the collector uses (adapters/billing wraps the real one). */
export interface BigQueryApi {
  createQueryJob(q: {
    query: string;
    params: Record<string, string | string[]>;
    types: Record<string, string | string[]>;
    location?: string;
    labels?: Record<string, string>;
  }): Promise<QueryJobApi>;
}

const ResultsResponse = z.object({
  jobComplete: z.boolean(),
  totalRows: z.union([z.string(), z.number()]).optional(),
  pageToken: z.string().optional(),
});

export interface FetchOptions {
  pageSize?: number;
  /** jobComplete:false answers tolerated before giving up (each one already waited server-side). */
  maxPolls?: number;
  location?: string;
}

/**
 * Runs the query as a job and reads every page of results. A page is trusted only when the
 * response says the job is complete; the row count must equal the job's totalRows at the end,
 * so a truncated or malformed page fails the whole pull instead of passing as complete.
 */
export async function fetchAllRows(
  api: BigQueryApi,
  built: BuiltQuery,
  opts: FetchOptions = {},
): Promise<{ rows: unknown[]; requests: number }> {
  const job = await api.createQueryJob({ ...built, location: opts.location, labels: { app: "costmon", kind: "billing-collect" } });
  let requests = 1;
  const rows: unknown[] = [];
  let request: PageRequest | null | undefined = { autoPaginate: false, maxResults: opts.pageSize ?? 10_000 };
  let expected: number | undefined;
  let polls = 0;
  const tokens = new Set<string>();
  const reads = readRetryPolicy();
  while (request) {
    const current: PageRequest = request;
    const { pageRows, next, resp } = await reads.execute(async () => {
      requests += 1;
      const [pageRows, next, raw] = await job.getQueryResults(current);
      const resp = ResultsResponse.safeParse(raw);
      if (!resp.success) throw new UnreadableBodyError("getQueryResults answered something that is not a query result");
      return { pageRows, next, resp };
    });
    if (!resp.data.jobComplete) {
      polls += 1;
      if (polls > (opts.maxPolls ?? 30)) throw new Error(`query did not complete after ${polls} polls`);
      request = next ?? request;
      continue;
    }
    if (resp.data.totalRows !== undefined) expected = Number(resp.data.totalRows);
    rows.push(...pageRows);
    if (next?.pageToken) {
      if (tokens.has(next.pageToken)) throw new TypeError("getQueryResults returned a pageToken twice");
      tokens.add(next.pageToken);
    }
    request = next?.pageToken ? next : null;
  }
  if (expected === undefined || expected !== rows.length) {
    throw new TypeError(`query returned ${rows.length} rows but the job reports ${String(expected)}`);
  }
  return { rows, requests };
}
