import { ALLOCATION_VIEW, VIEW_TAG } from "#domain/billing/ledger-view.js";
import { DuckDBDataChunk, LIST, listValue, VARCHAR } from "@duckdb/node-api";
import stringify from "safe-stable-stringify";
import type { CostRecord } from "#domain/billing/cost-record.js";
import type { CostQuery, CostRow, CostTotals, CostWarehouse, UpsertStats, WindowScope } from "#domain/billing/ports.js";
import type { DayWindow } from "#kernel/days.js";
import { type DuckDbHandle, type DuckDbLocation, openDuckDb } from "./duckdb-open.js";
import { DuckDbStore } from "./duckdb-store.js";
import {
  canonicalMoney,
  checkRecordsInScope,
  prepareRecords,
  validateCostQuery,
  validateScope,
  validateTenantId,
  validateWindow,
} from "../warehouse/warehouse-input.js";

/** Column order of daily_costs and of the staging table; money is exact DECIMAL(38,12). */
const COLUMNS = [
  ["tenant_id", "VARCHAR NOT NULL"],
  ["record_key", "VARCHAR NOT NULL"],
  ["provider", "VARCHAR NOT NULL"],
  ["billing_account_id", "VARCHAR NOT NULL"],
  ["sub_account_id", "VARCHAR NOT NULL"],
  ["service_name", "VARCHAR NOT NULL"],
  ["service_category", "VARCHAR NOT NULL"],
  ["region_id", "VARCHAR NOT NULL"],
  ["resource_id", "VARCHAR NOT NULL"],
  ["charge_category", "VARCHAR NOT NULL"],
  ["charge_period_start", "DATE NOT NULL"],
  ["charge_period_end", "DATE NOT NULL"],
  ["billed_cost", "DECIMAL(38,12) NOT NULL"],
  ["effective_cost", "DECIMAL(38,12) NOT NULL"],
  ["list_cost", "DECIMAL(38,12) NOT NULL"],
  ["billing_currency", "VARCHAR NOT NULL"],
  ["pricing_quantity", "DECIMAL(38,12)"],
  ["pricing_unit", "VARCHAR NOT NULL"],
  ["tags", "VARCHAR NOT NULL"],
  ["source", "VARCHAR NOT NULL"],
  ["ingested_at", "VARCHAR NOT NULL"],
] as const;

type ColumnName = (typeof COLUMNS)[number][0];
const NAMES: readonly ColumnName[] = COLUMNS.map(([n]) => n);
const KEY: readonly ColumnName[] = ["tenant_id", "record_key"];
/** Columns compared to tell "unchanged" from "updated": everything but the key and ingested_at. */
const COMPARED = NAMES.filter((n) => !KEY.includes(n) && n !== "ingested_at");

const SCHEMA = `
CREATE TABLE IF NOT EXISTS daily_costs (
  ${COLUMNS.map(([n, t]) => `${n} ${t}`).join(",\n  ")},
  PRIMARY KEY (tenant_id, record_key)
)`;

/** DuckDB's vector size: one appended chunk per 2048 rows. */
const CHUNK_ROWS = 2048;

function cell(r: CostRecord, c: ColumnName): string | null {
  if (c === "tags") return stringify(r.tags);
  return r[c];
}

/**
 * CostWarehouse on a DuckDB file (default .data/warehouse.duckdb) or `:memory:`.
 * Writes follow ENVIRONMENT.md: stage the batch with the appender (de-duplicated first, since
 * within one statement DuckDB keeps the first of duplicate keys), classify each staged row
 * against the table, then one INSERT ... SELECT ... ON CONFLICT DO UPDATE, all in one transaction.
 * Every query is parameterized and filtered by tenant. Operations run one at a time (SerialQueue).
 */
export class DuckDbCostWarehouse extends DuckDbStore implements CostWarehouse {
  private constructor(db: DuckDbHandle) {
    super(db, "DuckDbCostWarehouse");
  }

  static async open(loc: DuckDbLocation = {}): Promise<DuckDbCostWarehouse> {
    const db = await openDuckDb(loc, "warehouse.duckdb");
    await db.connection.run(SCHEMA);
    return new DuckDbCostWarehouse(db);
  }

  async upsert(tenantId: string, records: CostRecord[]): Promise<UpsertStats> {
    const rows = prepareRecords(tenantId, records);
    return this.exec(() => this.write(rows, null));
  }

  async replaceWindow(scope: WindowScope, window: DayWindow, records: CostRecord[]): Promise<UpsertStats> {
    const s = validateScope(scope);
    const w = validateWindow(window);
    const rows = prepareRecords(s.tenantId, records);
    checkRecordsInScope(s, w, rows);
    return this.exec(() => this.write(rows, { scope: s, window: w }));
  }

  async queryDaily(tenantId: string, query: CostQuery): Promise<CostRow[]> {
    validateTenantId(tenantId);
    const q = validateCostQuery(query);
    const params: unknown[] = [tenantId, q.window.start, q.window.end];
    const conds = ["tenant_id = $1", "charge_period_start BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)"];
    // Column names come from the validated enums only; values are always parameters.
    for (const [col, values] of Object.entries(q.filter ?? {})) {
      params.push(values);
      conds.push(`list_contains($${params.length}, ${col})`);
    }
    for (const [key, value] of Object.entries(q.tags ?? {})) {
      params.push(`$."${key}"`, value);
      conds.push(`json_extract_string(tags, $${params.length - 1}) = $${params.length}`);
    }
    // One view of the ledger only (domain/billing/ledger-view.ts): allocation rows repeat billed money.
    params.push(`$."${VIEW_TAG}"`, ALLOCATION_VIEW);
    conds.push(`(COALESCE(json_extract_string(tags, $${params.length - 1}), '') = $${params.length}) = ${q.view === ALLOCATION_VIEW ? "TRUE" : "FALSE"}`);
    // Tag values are extracted in a subquery, so that the outer GROUP BY sees plain columns.
    const tagKeys = q.groupByTags ?? [];
    const tagCols = tagKeys.map((key, i) => {
      params.push(`$."${key}"`);
      return `json_extract_string(tags, $${params.length}) AS tag_${i}`;
    });
    const dims = q.groupBy;
    const groupCols = [...dims, ...tagKeys.map((_, i) => `tag_${i}`)];
    const sql = `
      SELECT CAST(charge_period_start AS VARCHAR) AS day,
             ${groupCols.map((c) => `${c},`).join(" ")}
             CAST(SUM(billed_cost) AS VARCHAR) AS billed,
             CAST(SUM(effective_cost) AS VARCHAR) AS effective
      FROM (SELECT *${tagCols.map((c) => `, ${c}`).join("")} FROM daily_costs WHERE ${conds.join(" AND ")})
      GROUP BY ALL
      ORDER BY day${groupCols.map((c) => `, ${c} ASC NULLS LAST`).join("")}`;
    const types = params.map((p) => (Array.isArray(p) ? LIST(VARCHAR) : VARCHAR));
    return this.exec(async () => {
      const reader = await this.db.connection.runAndReadAll(
        sql,
        params.map((p) => (Array.isArray(p) ? listValue(p as string[]) : (p as string))),
        types,
      );
      return reader.getRowsJS().map((row) => {
        const dimValues: CostRow["dims"] = {};
        dims.forEach((d, i) => {
          dimValues[d] = String(row[i + 1]);
        });
        const out: CostRow = {
          date: String(row[0]),
          dims: dimValues,
          billed_cost: canonicalMoney(String(row[groupCols.length + 1])),
          effective_cost: canonicalMoney(String(row[groupCols.length + 2])),
        };
        if (q.groupByTags) {
          // fromEntries defines own properties, so even a key like "__proto__" stays plain data.
          out.tags = Object.fromEntries(
            tagKeys.flatMap((key, i) => {
              const v = row[dims.length + 1 + i];
              return v === null || v === undefined ? [] : [[key, String(v)]];
            }),
          );
        }
        return out;
      });
    });
  }

  async totals(tenantId: string, window?: DayWindow): Promise<CostTotals> {
    validateTenantId(tenantId);
    const w = window ? validateWindow(window) : null;
    const sql = `
      SELECT COUNT(*) AS n,
             CAST(COALESCE(SUM(billed_cost), 0) AS VARCHAR),
             CAST(COALESCE(SUM(effective_cost), 0) AS VARCHAR)
      FROM daily_costs
      WHERE tenant_id = $1
        ${w ? "AND charge_period_start BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)" : ""}`;
    const params = w ? [tenantId, w.start, w.end] : [tenantId];
    return this.exec(async () => {
      const reader = await this.db.connection.runAndReadAll(sql, params);
      const [n, billed, effective] = reader.getRowsJS()[0] ?? [0, "0", "0"];
      return {
        rows: Number(n),
        billed_cost: canonicalMoney(String(billed)),
        effective_cost: canonicalMoney(String(effective)),
      };
    });
  }

  async days(tenantId: string): Promise<string[]> {
    validateTenantId(tenantId);
    return this.exec(async () => {
      const reader = await this.db.connection.runAndReadAll(
        "SELECT DISTINCT CAST(charge_period_start AS VARCHAR) AS d FROM daily_costs WHERE tenant_id = $1 ORDER BY d",
        [tenantId],
      );
      return reader.getRowsJS().map(([d]) => String(d));
    });
  }

  /** Stages `rows` (unique keys), upserts them and, for replaceWindow, deletes what vanished. */
  private async write(
    rows: CostRecord[],
    replace: { scope: WindowScope; window: DayWindow } | null,
  ): Promise<UpsertStats> {
    const c = this.db.connection;
    await this.stage(rows);
    await c.run("BEGIN TRANSACTION");
    try {
      const same = COMPARED.map((n) => `s.${n} IS NOT DISTINCT FROM d.${n}`).join(" AND ");
      await c.run(`
        CREATE OR REPLACE TEMP TABLE stage_typed AS
        SELECT ${NAMES.map((n) => `s.${n}`).join(", ")},
               CASE WHEN d.record_key IS NULL THEN 'inserted' WHEN ${same} THEN 'unchanged' ELSE 'updated' END AS change
        FROM (SELECT ${COLUMNS.map(([n, t]) => `CAST(${n} AS ${t.replace(" NOT NULL", "")}) AS ${n}`).join(", ")}
              FROM stage_raw) s
        LEFT JOIN daily_costs d ON d.tenant_id = s.tenant_id AND d.record_key = s.record_key`);
      const counts = await c.runAndReadAll("SELECT change, COUNT(*) FROM stage_typed GROUP BY change");
      const stats: UpsertStats = { inserted: 0, updated: 0, unchanged: 0, deleted: 0 };
      for (const [change, n] of counts.getRowsJS()) stats[change as "inserted" | "updated" | "unchanged"] = Number(n);

      const updates = NAMES.filter((n) => !KEY.includes(n)).map((n) => `${n} = excluded.${n}`);
      await c.run(`
        INSERT INTO daily_costs (${NAMES.join(", ")})
        SELECT ${NAMES.join(", ")} FROM stage_typed WHERE change <> 'unchanged'
        ON CONFLICT (tenant_id, record_key) DO UPDATE SET ${updates.join(", ")}`);

      if (replace) stats.deleted = await this.deleteVanished(replace.scope, replace.window);
      await c.run("COMMIT");
      return stats;
    } catch (err) {
      await c.run("ROLLBACK");
      throw err;
    } finally {
      await c.run("DROP TABLE IF EXISTS stage_typed");
      await c.run("DROP TABLE IF EXISTS stage_raw");
    }
  }

  private async stage(rows: CostRecord[]): Promise<void> {
    const c = this.db.connection;
    await c.run(`CREATE OR REPLACE TEMP TABLE stage_raw (${NAMES.map((n) => `${n} VARCHAR`).join(", ")})`);
    const appender = await c.createAppender("stage_raw");
    try {
      const types = NAMES.map(() => VARCHAR);
      for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
        const slice = rows.slice(i, i + CHUNK_ROWS);
        const chunk = DuckDBDataChunk.create(types, slice.length);
        chunk.setColumns(NAMES.map((n) => slice.map((r) => cell(r, n))));
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Deletes rows of the scope inside the window whose keys the new pull no longer has. */
  private async deleteVanished(scope: WindowScope, window: DayWindow): Promise<number> {
    const params: (string | ReturnType<typeof listValue>)[] = [scope.tenantId, scope.provider, scope.source, window.start, window.end];
    let subs = "";
    if (scope.subAccountIds) {
      params.push(listValue(scope.subAccountIds));
      subs = `AND list_contains($${params.length}, sub_account_id)`;
    }
    if (scope.billingAccountIds) {
      params.push(listValue(scope.billingAccountIds));
      subs += ` AND list_contains($${params.length}, billing_account_id)`;
    }
    const r = await this.db.connection.run(
      `DELETE FROM daily_costs
       WHERE tenant_id = $1 AND provider = $2 AND source = $3
         AND charge_period_start BETWEEN CAST($4 AS DATE) AND CAST($5 AS DATE)
         ${subs}
         AND record_key NOT IN (SELECT record_key FROM stage_typed)`,
      params,
      params.map((p) => (typeof p === "string" ? VARCHAR : LIST(VARCHAR))),
    );
    return r.rowsChanged;
  }
}
