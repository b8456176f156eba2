import type { BigQuery } from "@google-cloud/bigquery";
import { z } from "zod";
import { AppError, InputError } from "#kernel/errors.js";
import { validateTenantId } from "../warehouse/warehouse-input.js";
import { bigQueryCall } from "./bigquery-call.js";
import { fromApiError } from "./bigquery-errors.js";
import { rowSchema } from "./table-row-schema.js";
import { ANOMALIES, AUDIT_EVENTS, FORECASTS, LLM_USAGE_EVENTS, type TableSpec } from "./table-schemas.js";
import { createWarehouseClient } from "./warehouse-client.js";
import { type BigQueryWarehouseOptions, type ResolvedOptions, resolveOptions } from "./warehouse-options.js";

/**
 * Appends rows to the append-only history tables (analysis history, LLM usage events, audit
 * events) with the streaming insert (tabledata.insertAll). These tables are never updated or
 * deleted by DML, so the streaming buffer's limits on DML do not apply, and streaming has no
 * per-table daily job quota, which one load job per tenant per night would soon meet.
 *
 * Each row carries the caller's insertId, a natural key (audit: `stream:seq`; anomaly history:
 * `tenant:anomaly:run_date`), so that a retried request is de-duplicated by BigQuery; that
 * de-duplication is best effort, so readers that must not double count group by the same key.
 * Rows are checked against the table's schema first (table-row-schema.ts) and must belong to the
 * tenant named in the call.
 *
 * @example
 *   const history = BigQueryHistoryWriter.create({ projectId: "costmon-prod", location: "EU" });
 *   await history.append("audit_events", "acme", [{ insertId: "tenant:acme:41", values: { tenant_id: "acme", ... } }]);
 */
export type HistoryTableName = "anomalies" | "forecasts" | "llm_usage_events" | "audit_events";

export const HISTORY_TABLE_SPECS: Record<HistoryTableName, TableSpec> = {
  anomalies: ANOMALIES,
  forecasts: FORECASTS,
  llm_usage_events: LLM_USAGE_EVENTS,
  audit_events: AUDIT_EVENTS,
};

export interface HistoryRow {
  /** De-duplication key of the row: the same row re-sent carries the same id. */
  insertId: string;
  values: Record<string, unknown>;
}

/** The small interface the analysis, LLM usage and audit code can append through. */
export interface HistoryAppender {
  /** Appends the rows; returns how many were sent. */
  append(table: HistoryTableName, tenantId: string, rows: readonly HistoryRow[]): Promise<number>;
}

/** BigQuery's recommended batch for one insertAll request. */
const ROWS_PER_REQUEST = 500;

const InsertId = z.string().min(1).max(128);

interface PartialFailure {
  errors?: { errors?: { reason?: string }[] }[];
}

export class BigQueryHistoryWriter implements HistoryAppender {
  private readonly schemas = new Map<HistoryTableName, z.ZodType<Record<string, unknown>>>();

  private constructor(
    private readonly o: ResolvedOptions,
    private readonly bq: BigQuery,
  ) {}

  static create(options: BigQueryWarehouseOptions): BigQueryHistoryWriter {
    const o = resolveOptions(options);
    return new BigQueryHistoryWriter(o, createWarehouseClient(o));
  }

  async append(table: HistoryTableName, tenantId: string, rows: readonly HistoryRow[]): Promise<number> {
    validateTenantId(tenantId);
    const spec = HISTORY_TABLE_SPECS[table];
    if (!spec) throw new InputError(`unknown history table ${JSON.stringify(table)}`, [{ path: "table", message: "unknown table" }]);
    const encoded = this.encode(table, spec, tenantId, rows);
    for (let i = 0; i < encoded.length; i += ROWS_PER_REQUEST) {
      await this.insert(spec, encoded.slice(i, i + ROWS_PER_REQUEST));
    }
    return encoded.length;
  }

  private schema(table: HistoryTableName, spec: TableSpec): z.ZodType<Record<string, unknown>> {
    let s = this.schemas.get(table);
    if (!s) {
      s = rowSchema(spec);
      this.schemas.set(table, s);
    }
    return s;
  }

  /** Validates every row before anything is sent: a batch is refused whole, never in part. */
  private encode(table: HistoryTableName, spec: TableSpec, tenantId: string, rows: readonly HistoryRow[]) {
    const schema = this.schema(table, spec);
    const ids = new Set<string>();
    return rows.map((row, i) => {
      const id = InsertId.safeParse(row?.insertId);
      if (!id.success || ids.has(id.data)) {
        throw new InputError(`history row at index ${i}: insertId must be 1-128 characters and unique in the batch`, [
          { path: `rows.${i}.insertId`, message: "missing or repeated" },
        ]);
      }
      ids.add(id.data);
      const r = schema.safeParse(row.values);
      if (!r.success) {
        throw new InputError(`invalid ${table} row at index ${i}: ${z.prettifyError(r.error)}`, [
          { path: `rows.${i}`, message: "does not match the table's schema" },
        ]);
      }
      if (r.data.tenant_id !== tenantId) {
        throw new InputError(`${table} row at index ${i} belongs to another tenant`, [{ path: `rows.${i}.tenant_id`, message: "another tenant" }]);
      }
      return { insertId: id.data, json: r.data };
    });
  }

  private async insert(spec: TableSpec, rows: { insertId: string; json: Record<string, unknown> }[]): Promise<void> {
    const where = this.o.location ? { location: this.o.location } : {};
    const table = this.bq.dataset(this.o.datasets[spec.dataset], where).table(spec.table, where);
    try {
      await bigQueryCall(this.o, `${spec.dataset}.${spec.table} insertAll`, () =>
        // The client resends the rows BigQuery reports as failed, keeping their insertIds.
        table.insert(rows, { raw: true, skipInvalidRows: false, ignoreUnknownValues: false, partialRetries: this.o.maxAttempts - 1 }),
      );
    } catch (err) {
      const cause = err instanceof AppError ? err.cause : err;
      if (cause instanceof Error && cause.name === "PartialFailureError") {
        const reasons = ((cause as PartialFailure).errors ?? []).flatMap((e) => (e.errors ?? []).map((x) => x.reason ?? "unknown"));
        // "invalid" rows fail however often they are sent; "stopped" rows were fine but waited on them.
        const invalid = reasons.includes("invalid");
        throw new AppError(invalid ? "internal" : "unavailable", `BigQuery ${spec.table} insertAll refused rows (${[...new Set(reasons)].join(", ")})`, {
          cause,
          retryable: !invalid,
        });
      }
      throw err instanceof AppError ? err : fromApiError(`${spec.table} insertAll`, err);
    }
  }
}
