import { ALLOCATION_VIEW, VIEW_TAG, viewOf } from "#domain/billing/ledger-view.js";
import type { CostColumn, CostQuery } from "#domain/billing/ports.js";
import type { DayWindow } from "#kernel/days.js";
import { type Statement, StatementParams } from "./statement.js";

/**
 * The ledger's read statements. Every one filters on tenant_id; those over a window also on the
 * partition column, so BigQuery reads only the window's partitions (and, through clustering, only
 * the tenant's blocks). Column names in the text come from validated enums only; tag keys and
 * every value are parameters. Results are cast to STRING in SQL, so money arrives as exact
 * decimal text whatever the client library does with BIGNUMERIC.
 *
 * @example
 *   queryDailyStatement("`p.cost_analytics.daily_costs`", "acme",
 *     { window: { start: "2026-04-01", end: "2026-04-30" }, groupBy: ["service_name"], groupByTags: ["team"] });
 */

/** Result column names the decoder reads (cost-row-decoding.ts). */
export const RESULT = { day: "day", billed: "billed_cost_sum", effective: "effective_cost_sum", rows: "row_count" } as const;

/** Name of the result column holding the value of the i-th grouped tag key. */
export const tagColumn = (i: number): string => `tag_${i}`;

function windowCondition(p: StatementParams, w: DayWindow): string {
  return `charge_period_start BETWEEN ${p.add("window_start", w.start, "DATE")} AND ${p.add("window_end", w.end, "DATE")}`;
}

/**
 * Daily sums grouped by the query's columns and tag keys. Order: day, the groupBy columns, then
 * the tag values with a missing tag (NULL) after every value; BigQuery orders STRING by code
 * point, as the port asks. `x IS NULL, x` spells NULLS LAST portably.
 */
export function queryDailyStatement(table: string, tenantId: string, q: CostQuery): Statement {
  const p = new StatementParams();
  const conds = [`tenant_id = ${p.add("tenant_id", tenantId, "STRING")}`, windowCondition(p, q.window)];
  for (const [col, values] of Object.entries(q.filter ?? {}) as [CostColumn, string[]][]) {
    conds.push(`${col} IN UNNEST(${p.add(`filter_${col}`, values, ["STRING"])})`);
  }
  Object.entries(q.tags ?? {}).forEach(([key, value], i) => {
    const k = p.add(`tag_key_${i}`, key, "STRING");
    const v = p.add(`tag_value_${i}`, value, "STRING");
    conds.push(`EXISTS (SELECT 1 FROM UNNEST(tags) AS kv WHERE kv.key = ${k} AND kv.value = ${v})`);
  });
  // One view of the ledger only (domain/billing/ledger-view.ts): allocation rows repeat billed money.
  const viewKey = p.add("view_key", VIEW_TAG, "STRING");
  const viewValue = p.add("view_value", ALLOCATION_VIEW, "STRING");
  conds.push(`${viewOf(q) === ALLOCATION_VIEW ? "" : "NOT "}EXISTS (SELECT 1 FROM UNNEST(tags) AS kv WHERE kv.key = ${viewKey} AND kv.value = ${viewValue})`);
  const tagKeys = q.groupByTags ?? [];
  // Keys are unique within a row's tags, so the subquery yields at most one value.
  const tagValues = tagKeys.map(
    (key, i) => `(SELECT kv.value FROM UNNEST(tags) AS kv WHERE kv.key = ${p.add(`group_tag_${i}`, key, "STRING")} LIMIT 1) AS ${tagColumn(i)}`,
  );
  const tagCols = tagKeys.map((_, i) => tagColumn(i));
  const inner = ["charge_period_start", ...q.groupBy, "billed_cost", "effective_cost", ...tagValues];
  const groups = ["charge_period_start", ...q.groupBy, ...tagCols];
  const order = ["charge_period_start", ...q.groupBy, ...tagCols.flatMap((c) => [`${c} IS NULL`, c])];
  const sql = [
    "SELECT",
    `  CAST(charge_period_start AS STRING) AS ${RESULT.day},`,
    ...[...q.groupBy, ...tagCols].map((c) => `  ${c},`),
    `  CAST(SUM(billed_cost) AS STRING) AS ${RESULT.billed},`,
    `  CAST(SUM(effective_cost) AS STRING) AS ${RESULT.effective}`,
    "FROM (",
    `  SELECT ${inner.join(", ")}`,
    `  FROM ${table}`,
    `  WHERE ${conds.join("\n    AND ")}`,
    ")",
    `GROUP BY ${groups.join(", ")}`,
    `ORDER BY ${order.join(", ")}`,
  ].join("\n");
  return { kind: "query-daily", sql, ...p.build() };
}

/** Row count and sums for the tenant, over a window when given. */
export function totalsStatement(table: string, tenantId: string, window?: DayWindow): Statement {
  const p = new StatementParams();
  const conds = [`tenant_id = ${p.add("tenant_id", tenantId, "STRING")}`];
  if (window) conds.push(windowCondition(p, window));
  const sql = [
    "SELECT",
    `  CAST(COUNT(*) AS STRING) AS ${RESULT.rows},`,
    `  CAST(COALESCE(SUM(billed_cost), 0) AS STRING) AS ${RESULT.billed},`,
    `  CAST(COALESCE(SUM(effective_cost), 0) AS STRING) AS ${RESULT.effective}`,
    `FROM ${table}`,
    `WHERE ${conds.join("\n  AND ")}`,
  ].join("\n");
  return { kind: "totals", sql, ...p.build() };
}

/** The tenant's distinct days, oldest first. Reads only the partition column of the tenant's blocks. */
export function daysStatement(table: string, tenantId: string): Statement {
  const p = new StatementParams();
  const sql = [
    `SELECT DISTINCT CAST(charge_period_start AS STRING) AS ${RESULT.day}`,
    `FROM ${table}`,
    `WHERE tenant_id = ${p.add("tenant_id", tenantId, "STRING")}`,
    `ORDER BY ${RESULT.day}`,
  ].join("\n");
  return { kind: "days", sql, ...p.build() };
}
