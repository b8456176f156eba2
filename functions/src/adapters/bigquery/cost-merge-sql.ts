import type { WindowScope } from "#domain/billing/ports.js";
import type { DayWindow } from "#kernel/days.js";
import { type Statement, StatementParams } from "./statement.js";
import { type ColumnSpec, DAILY_COSTS } from "./table-schemas.js";

/**
 * The ledger's write statements, built from DAILY_COSTS so that a new column reaches the MERGE
 * without anyone editing SQL. Both prune partitions: the target is filtered on tenant_id and on
 * charge_period_start within the window, in the ON clause and again in the NOT MATCHED BY SOURCE
 * condition (BigQuery prunes the target of a MERGE only from such constant conditions).
 *
 * @example
 *   mergeStatement({ target: "`p.cost_analytics.daily_costs`", staging: "`p.stg.s1`", tenantId: "acme",
 *                    window: { start: "2026-03-01", end: "2026-03-03" } });
 */

/** Columns that identify a row and never change in an update (the key includes the day). */
const KEY_COLUMNS = new Set(["tenant_id", "record_key", "charge_period_start"]);
/** Lineage that changes on every pull; a row that differs only here is "unchanged". */
const IGNORED_IN_COMPARISON = new Set(["ingested_at"]);

const NAMES = DAILY_COSTS.columns.map((c) => c.name);

/** Equal by value: money by number (1.5 = 1.500), nullable with NULL = NULL, tags by their JSON. */
function sameValue(c: ColumnSpec): string {
  if (c.mode === "REPEATED" || c.type === "RECORD") return `TO_JSON_STRING(T.${c.name}) = TO_JSON_STRING(S.${c.name})`;
  if (c.mode === "NULLABLE") return `T.${c.name} IS NOT DISTINCT FROM S.${c.name}`;
  return `T.${c.name} = S.${c.name}`;
}

const COMPARED = DAILY_COSTS.columns.filter((c) => !KEY_COLUMNS.has(c.name) && !IGNORED_IN_COMPARISON.has(c.name));
const UPDATED = NAMES.filter((n) => !KEY_COLUMNS.has(n));

export interface MergeInput {
  /** Back-quoted table paths (bigquery-names.ts). */
  target: string;
  staging: string;
  tenantId: string;
  /** The days the staged rows cover (upsert) or the window being replaced (replaceWindow). */
  window: DayWindow;
  /** replaceWindow: rows of this scope in the window that the staging table lacks are deleted. */
  replace?: WindowScope;
}

/** The scope's rows inside the window, as conditions on `prefix` (T. or nothing). */
function scopeConditions(p: StatementParams, scope: WindowScope, prefix: string): string[] {
  const conds = [`${prefix}provider = ${p.add("provider", scope.provider, "STRING")}`, `${prefix}source = ${p.add("source", scope.source, "STRING")}`];
  if (scope.subAccountIds) conds.push(`${prefix}sub_account_id IN UNNEST(${p.add("sub_account_ids", scope.subAccountIds, ["STRING"])})`);
  if (scope.billingAccountIds) conds.push(`${prefix}billing_account_id IN UNNEST(${p.add("billing_account_ids", scope.billingAccountIds, ["STRING"])})`);
  return conds;
}

/**
 * One MERGE from the staging table on (tenant_id, record_key, charge_period_start): inserts new
 * keys, updates rows that differ in anything but ingested_at, leaves equal rows alone (so the DML
 * statistics count them as neither), and for replaceWindow deletes the scope's vanished rows.
 */
export function mergeStatement(input: MergeInput): Statement {
  const p = new StatementParams();
  const tenant = p.add("tenant_id", input.tenantId, "STRING");
  const window = `${p.add("window_start", input.window.start, "DATE")} AND ${p.add("window_end", input.window.end, "DATE")}`;
  const clauses = [
    `MERGE ${input.target} AS T`,
    `USING ${input.staging} AS S`,
    `ON T.tenant_id = ${tenant}`,
    `  AND T.charge_period_start BETWEEN ${window}`,
    "  AND T.tenant_id = S.tenant_id",
    "  AND T.record_key = S.record_key",
    "  AND T.charge_period_start = S.charge_period_start",
    "WHEN MATCHED AND NOT (",
    `    ${COMPARED.map(sameValue).join("\n    AND ")}`,
    ") THEN",
    `  UPDATE SET ${UPDATED.map((n) => `${n} = S.${n}`).join(", ")}`,
    `WHEN NOT MATCHED BY TARGET AND S.tenant_id = ${tenant} THEN`,
    `  INSERT (${NAMES.join(", ")})`,
    `  VALUES (${NAMES.map((n) => `S.${n}`).join(", ")})`,
  ];
  if (input.replace) {
    const scope = scopeConditions(p, input.replace, "T.");
    clauses.push(
      "WHEN NOT MATCHED BY SOURCE",
      `  AND T.tenant_id = ${tenant}`,
      `  AND T.charge_period_start BETWEEN ${window}`,
      ...scope.map((c) => `  AND ${c}`),
      "THEN DELETE",
    );
  }
  return { kind: "merge", sql: clauses.join("\n"), ...p.build() };
}

/** replaceWindow with no records: every row of the scope in the window goes; nothing to stage. */
export function deleteWindowStatement(target: string, scope: WindowScope, window: DayWindow): Statement {
  const p = new StatementParams();
  const conds = [
    `tenant_id = ${p.add("tenant_id", scope.tenantId, "STRING")}`,
    `charge_period_start BETWEEN ${p.add("window_start", window.start, "DATE")} AND ${p.add("window_end", window.end, "DATE")}`,
    ...scopeConditions(p, scope, ""),
  ];
  return { kind: "delete", sql: `DELETE FROM ${target}\nWHERE ${conds.join("\n  AND ")}`, ...p.build() };
}
