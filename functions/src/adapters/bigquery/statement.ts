import { AppError } from "#kernel/errors.js";

/**
 * One SQL statement with its named parameters, as the warehouse hands it to a query job. Values
 * only ever travel in `params` (BigQuery named parameters, `@name` in the text); `types` is given
 * for every parameter, so that an empty array still has a type and no value is typed by guessing.
 *
 * @example
 *   const p = new StatementParams();
 *   const sql = `SELECT 1 FROM t WHERE tenant_id = ${p.add("tenant_id", "acme", "STRING")}`;
 *   const stmt: Statement = { kind: "days", sql, ...p.build() };
 */
export type ParamType = "STRING" | "DATE" | ["STRING"];
export type ParamValue = string | string[];

export type StatementKind = "merge" | "delete" | "query-daily" | "totals" | "days" | "ddl" | "llm-usage" | "llm-rollups" | "llm-reconciliation" | "llm-provider-total" | "llm-scope-sum";

export interface Statement {
  /** What the statement does: names the job in errors and in its labels. */
  kind: StatementKind;
  sql: string;
  params: Record<string, ParamValue>;
  types: Record<string, ParamType>;
}

/** Collects named parameters; each name once. */
export class StatementParams {
  private readonly params: Record<string, ParamValue> = {};
  private readonly types: Record<string, ParamType> = {};

  /** Adds a parameter and returns its placeholder (`@name`). */
  add(name: string, value: ParamValue, type: ParamType): string {
    if (!/^[a-z_][a-z0-9_]*$/.test(name) || name in this.params) throw new AppError("internal", `parameter name ${name} is invalid or taken`);
    this.params[name] = value;
    this.types[name] = type;
    return `@${name}`;
  }

  build(): Pick<Statement, "params" | "types"> {
    return { params: { ...this.params }, types: { ...this.types } };
  }
}
