import { DuckDBInstance, LIST, listValue, VARCHAR } from "@duckdb/node-api";
import type { ColumnSpec, TableSpec } from "#adapters/bigquery/table-schemas.js";
import type { InsertAllBody, JobAnswer, SeenJob } from "./bigquery-jobs-server.js";

/**
 * An executing stand-in for BigQuery behind the REST replay (bigquery-jobs-server.ts): the history
 * tables exist as DuckDB tables generated from their TableSpecs, insertAll stores rows into them,
 * and query jobs run on DuckDB. No BigQuery emulator runs here (PyPI, where the emulators are
 * published, is unreachable), so this is what lets an adapter's reads be tested for behaviour.
 *
 * What it does to the GoogleSQL it receives is small and written out here, so a test can judge
 * it: a table path `\`project.dataset.table\`` becomes `dataset.table`; a parameter `@p` becomes
 * `$p` (cast to DATE where the job typed it DATE, a list where it is an ARRAY); `x IN UNNEST(@p)`
 * becomes `list_contains($p, x)`; `AS STRING` becomes `AS VARCHAR`. Everything else (QUALIFY,
 * window functions, GROUP BY ordinals, NULLS LAST, CAST, COALESCE) is taken as DuckDB reads it,
 * which for the statements under test is also what BigQuery means. That the same text is valid
 * GoogleSQL is checked separately, by parsing it in the BigQuery dialect (sql-parser-cst).
 *
 * Like BigQuery without its best-effort de-duplication, insertAll keeps every row it is sent,
 * re-sent insertIds included: readers must cope with duplicates.
 *
 * Results come back as the REST API sends them: every cell as text, NULL as null.
 */
export interface BigQueryDuckDbEngine {
  /** The replay's `answer`: runs a query job. */
  answer(job: SeenJob): Promise<JobAnswer>;
  /** The replay's `onInsert`: stores insertAll rows in `dataset.table`. */
  insert(table: string, rows: InsertAllBody["rows"]): Promise<void>;
  /** Rows stored in `dataset.table`, duplicates included. */
  count(table: string): Promise<number>;
  close(): void;
}

function duckType(c: ColumnSpec): string {
  switch (c.type) {
    case "BIGNUMERIC":
      return `DECIMAL(${c.precision ?? 38}, ${c.scale ?? 0})`;
    case "INT64":
      return "BIGINT";
    case "FLOAT64":
      return "DOUBLE";
    case "BOOL":
      return "BOOLEAN";
    case "DATE":
      return "DATE";
    // ISO-8601 text sorts as the instants do; the adapters under test never do arithmetic on them.
    case "TIMESTAMP":
    case "STRING":
    case "JSON":
      return "VARCHAR";
    case "RECORD":
      throw new Error(`RECORD column ${c.name} is not supported by the DuckDB engine`);
  }
}

/** The GoogleSQL text as DuckDB reads it (see the header). */
export function toDuckSql(sql: string, params: SeenJob["params"] = {}): string {
  return sql
    .replace(/`[^`.]+\.([^`.]+)\.([^`.]+)`/g, '"$1"."$2"')
    .replace(/([\w.]+) IN UNNEST\(@(\w+)\)/g, "list_contains($$$2, $1)")
    .replace(/@(\w+)/g, (_, name: string) => (params[name]?.type === "DATE" ? `CAST($${name} AS DATE)` : `$${name}`))
    .replace(/\bAS STRING\)/g, "AS VARCHAR)");
}

export async function createBigQueryDuckDbEngine(tables: readonly TableSpec[]): Promise<BigQueryDuckDbEngine> {
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  const specs = new Map(tables.map((t) => [`${t.dataset}.${t.table}`, t]));
  for (const t of tables) {
    await db.run(`CREATE SCHEMA IF NOT EXISTS "${t.dataset}"`);
    await db.run(`CREATE TABLE "${t.dataset}"."${t.table}" (${t.columns.map((c) => `"${c.name}" ${duckType(c)}${c.mode === "REQUIRED" ? " NOT NULL" : ""}`).join(", ")})`);
  }
  return {
    async answer(job) {
      if (job.kind !== "query" || !job.sql) return {};
      const names = Object.keys(job.params ?? {});
      const values: Record<string, unknown> = {};
      const types: Record<string, typeof VARCHAR | ReturnType<typeof LIST>> = {};
      for (const n of names) {
        const p = job.params?.[n];
        const array = Array.isArray(p?.value);
        values[n] = array ? listValue((p?.value as string[]) ?? []) : (p?.value ?? null);
        types[n] = array ? LIST(VARCHAR) : VARCHAR;
      }
      try {
        const reader = await db.runAndReadAll(toDuckSql(job.sql, job.params), values as never, types as never);
        const fields = reader.columnNames().map((name) => ({ name, type: "STRING" }));
        const rows = reader.getRows().map((r) => r.map((v) => (v === null || v === undefined ? null : String(v))));
        return { rows: { fields, values: rows } };
      } catch (err) {
        return { error: { reason: "invalidQuery", message: String(err) } };
      }
    },
    async insert(table, rows) {
      const spec = specs.get(table);
      if (!spec) throw new Error(`no table ${table}`);
      if (!rows.length) return;
      const cols = spec.columns;
      const params: (string | null)[] = [];
      const tuples = rows.map((r) => {
        const unknown = Object.keys(r.json).filter((k) => !cols.some((c) => c.name === k));
        if (unknown.length) throw new Error(`unknown columns ${unknown.join(", ")}`);
        return `(${cols
          .map((c) => {
            const v = r.json[c.name];
            params.push(v === null || v === undefined ? null : String(v));
            return `CAST($${params.length} AS ${duckType(c)})`;
          })
          .join(", ")})`;
      });
      await db.run(`INSERT INTO "${spec.dataset}"."${spec.table}" VALUES ${tuples.join(", ")}`, params);
    },
    async count(table) {
      const reader = await db.runAndReadAll(`SELECT COUNT(*) FROM ${table.split(".").map((p) => `"${p}"`).join(".")}`);
      return Number(reader.getRows()[0]?.[0] ?? 0);
    },
    close() {
      db.closeSync();
      instance.closeSync();
    },
  };
}
