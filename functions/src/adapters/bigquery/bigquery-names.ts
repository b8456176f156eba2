import { z } from "zod";
import { ConfigError } from "#foundation/config/config-error.js";

/**
 * Names that end up inside SQL text (project, dataset and table ids), so they are checked against
 * BigQuery's own rules before any statement is built: a config value can never become SQL.
 * Values never go into SQL text at all; they travel as named query parameters.
 *
 * @example
 *   tablePath({ projectId: "costmon-prod", datasetId: "cost_analytics" }, "daily_costs");
 *   // "`costmon-prod.cost_analytics.daily_costs`"
 */

/** Project ids, optionally domain-scoped ("example.com:my-project"). */
export const ProjectId = z
  .string()
  .regex(/^(?:[a-z][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "not a Google Cloud project id");
/** Dataset and table ids: letters, digits and underscores. */
export const DatasetId = z.string().regex(/^[A-Za-z0-9_]{1,1024}$/, "dataset ids are letters, digits and underscores");
export const TableId = z.string().regex(/^[A-Za-z0-9_]{1,1024}$/, "table ids are letters, digits and underscores");

export interface DatasetRef {
  projectId: string;
  datasetId: string;
}

/** The value if it passes `schema`; a ConfigError naming `what` (names come from config) if not. */
function checked(schema: z.ZodString, value: string, what: string): string {
  const r = schema.safeParse(value);
  if (!r.success) throw new ConfigError([`${what} ${JSON.stringify(value)}: ${r.error.issues[0]?.message ?? "invalid"}`]);
  return r.data;
}

/** A fully qualified, back-quoted table path for SQL text. */
export function tablePath(ds: DatasetRef, tableId: string): string {
  return `\`${datasetName(ds)}.${checked(TableId, tableId, "table id")}\``;
}

/** A back-quoted dataset path for SQL text. */
export function datasetPath(ds: DatasetRef): string {
  return `\`${datasetName(ds)}\``;
}

function datasetName(ds: DatasetRef): string {
  return `${checked(ProjectId, ds.projectId, "project id")}.${checked(DatasetId, ds.datasetId, "dataset id")}`;
}
