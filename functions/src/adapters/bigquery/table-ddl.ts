import { type DatasetRef, datasetPath, tablePath } from "./bigquery-names.js";
import type { ColumnSpec, DatasetSpec, TableSpec } from "./table-schemas.js";

/**
 * DDL and REST schemas generated from table-schemas.ts, so that what a bootstrap creates, what a
 * load job declares and what Terraform provisions cannot drift apart.
 *
 * @example
 *   createTableDdl(DAILY_COSTS, { projectId: "costmon-prod", datasetId: "cost_analytics" });
 *   // CREATE TABLE IF NOT EXISTS `costmon-prod.cost_analytics.daily_costs` (...)
 *   // PARTITION BY charge_period_start CLUSTER BY tenant_id, provider, source OPTIONS (...)
 */

/** A GoogleSQL string literal; descriptions are constants, escaped all the same. */
function literal(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function scalarType(c: ColumnSpec): string {
  if (c.type === "BIGNUMERIC" && c.precision !== undefined) return `BIGNUMERIC(${c.precision}, ${c.scale ?? 0})`;
  if (c.type === "RECORD") return `STRUCT<${(c.fields ?? []).map(columnDdl).join(", ")}>`;
  return c.type;
}

function columnDdl(c: ColumnSpec): string {
  const options = ` OPTIONS (description = ${literal(c.description)})`;
  if (c.mode === "REPEATED") return `${c.name} ARRAY<${scalarType(c)}>${options}`;
  return `${c.name} ${scalarType(c)}${c.mode === "REQUIRED" ? " NOT NULL" : ""}${options}`;
}

function partitionExpression(spec: TableSpec): string {
  const field = spec.columns.find((c) => c.name === spec.partitioning.field);
  return field?.type === "TIMESTAMP" ? `TIMESTAMP_TRUNC(${spec.partitioning.field}, DAY)` : spec.partitioning.field;
}

/** `CREATE TABLE IF NOT EXISTS` for one table, partitioned by day and clustered as specified. */
export function createTableDdl(spec: TableSpec, ds: DatasetRef): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${tablePath(ds, spec.table)} (`,
    spec.columns.map((c) => `  ${columnDdl(c)}`).join(",\n"),
    ")",
    `PARTITION BY ${partitionExpression(spec)}`,
    `CLUSTER BY ${spec.clustering.join(", ")}`,
    `OPTIONS (description = ${literal(spec.description)})`,
  ].join("\n");
}

/** `CREATE SCHEMA IF NOT EXISTS` for one dataset, in `location`. */
export function createDatasetDdl(spec: DatasetSpec, ds: DatasetRef, location: string): string {
  const options = [`location = ${literal(location)}`, `description = ${literal(spec.description)}`];
  if (spec.defaultTableExpirationMs !== undefined) {
    options.push(`default_table_expiration_days = ${spec.defaultTableExpirationMs / 86_400_000}`);
  }
  return `CREATE SCHEMA IF NOT EXISTS ${datasetPath(ds)}\nOPTIONS (${options.join(", ")})`;
}

/** BigQuery REST TableFieldSchema (what load jobs and tables.insert take). */
export interface RestField {
  name: string;
  type: string;
  mode: string;
  description: string;
  precision?: string;
  scale?: string;
  fields?: RestField[];
}

function restField(c: ColumnSpec): RestField {
  return {
    name: c.name,
    type: c.type,
    mode: c.mode,
    description: c.description,
    ...(c.precision !== undefined ? { precision: String(c.precision), scale: String(c.scale ?? 0) } : {}),
    ...(c.fields ? { fields: c.fields.map(restField) } : {}),
  };
}

/** The table's schema in the REST shape, for load jobs. */
export function restSchema(spec: TableSpec): { fields: RestField[] } {
  return { fields: spec.columns.map(restField) };
}
