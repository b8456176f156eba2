import { randomUUID } from "node:crypto";
import type { CostRecord } from "#domain/billing/cost-record.js";
import type { CostQuery, CostRow, CostTotals, CostWarehouse, UpsertStats, WindowScope } from "#domain/billing/ports.js";
import type { DayWindow } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";
import {
  checkRecordsInScope,
  prepareRecords,
  validateCostQuery,
  validateScope,
  validateTenantId,
  validateWindow,
} from "../warehouse/warehouse-input.js";
import { BigQueryJobs } from "./bigquery-jobs.js";
import { tablePath } from "./bigquery-names.js";
import { deleteWindowStatement, mergeStatement } from "./cost-merge-sql.js";
import { daysStatement, queryDailyStatement, totalsStatement } from "./cost-read-sql.js";
import { decodeCostRows, decodeDays, decodeTotals } from "./cost-row-decoding.js";
import { ndjsonChunks, recordSpan } from "./staging-rows.js";
import { createDatasetDdl, createTableDdl, restSchema } from "./table-ddl.js";
import { DAILY_COSTS, DATASETS, HISTORY_TABLES } from "./table-schemas.js";
import { type BigQueryWarehouseOptions, jobSettings, type ResolvedOptions, resolveOptions } from "./warehouse-options.js";
import { createWarehouseClient } from "./warehouse-client.js";

/**
 * CostWarehouse on BigQuery (`cost_analytics.daily_costs`), the production twin of
 * DuckDbCostWarehouse: the same input checks (warehouse-input.ts), the same conformance behaviour.
 *
 * A write is: validate and de-duplicate the batch; load it as NDJSON into a staging table of its
 * own (load jobs: free, atomic, no streaming buffer; docs/bigquery.md says why; one job per
 * `loadChunkBytes` of NDJSON); ONE MERGE on
 * (tenant_id, record_key, charge_period_start) with the window's partitions pruned; drop the
 * staging table. The MERGE's DML statistics give inserted, updated and deleted; unchanged is the
 * rest of the staged rows, since the MERGE updates only rows that differ. Concurrent writers are
 * serialized by BigQuery; one that loses a partition conflict re-runs its MERGE.
 *
 * @example
 *   const wh = BigQueryCostWarehouse.create({ projectId: "costmon-prod", location: "EU" });
 *   await wh.replaceWindow({ tenantId: "acme", provider: "gcp", source: "collect:gcp-1" }, window, records);
 *   const rows = await wh.queryDaily("acme", { window, groupBy: ["service_name"] });
 */
export class BigQueryCostWarehouse implements CostWarehouse {
  private closed = false;
  private readonly ledger: string;

  private constructor(
    private readonly o: ResolvedOptions,
    private readonly jobs: BigQueryJobs,
  ) {
    this.ledger = tablePath({ projectId: o.projectId, datasetId: o.datasets.cost_analytics }, DAILY_COSTS.table);
  }

  /** Checks the options and builds the client; opens no connection. */
  static create(options: BigQueryWarehouseOptions): BigQueryCostWarehouse {
    const o = resolveOptions(options);
    const jobs = new BigQueryJobs(createWarehouseClient(o), jobSettings(o));
    return new BigQueryCostWarehouse(o, jobs);
  }

  async upsert(tenantId: string, records: CostRecord[]): Promise<UpsertStats> {
    this.open();
    const rows = prepareRecords(tenantId, records);
    const span = recordSpan(rows);
    if (!span) return { inserted: 0, updated: 0, unchanged: 0, deleted: 0 };
    return this.merge(tenantId, rows, span);
  }

  async replaceWindow(scope: WindowScope, window: DayWindow, records: CostRecord[]): Promise<UpsertStats> {
    this.open();
    const s = validateScope(scope);
    const w = validateWindow(window);
    const rows = prepareRecords(s.tenantId, records);
    checkRecordsInScope(s, w, rows);
    if (rows.length === 0) {
      const { deleted } = await this.jobs.dml(deleteWindowStatement(this.ledger, s, w));
      return { inserted: 0, updated: 0, unchanged: 0, deleted };
    }
    return this.merge(s.tenantId, rows, w, s);
  }

  async queryDaily(tenantId: string, query: CostQuery): Promise<CostRow[]> {
    this.open();
    validateTenantId(tenantId);
    const q = validateCostQuery(query);
    return decodeCostRows(await this.jobs.select(queryDailyStatement(this.ledger, tenantId, q)), q);
  }

  async totals(tenantId: string, window?: DayWindow): Promise<CostTotals> {
    this.open();
    validateTenantId(tenantId);
    const w = window ? validateWindow(window) : undefined;
    return decodeTotals(await this.jobs.select(totalsStatement(this.ledger, tenantId, w)));
  }

  async days(tenantId: string): Promise<string[]> {
    this.open();
    validateTenantId(tenantId);
    return decodeDays(await this.jobs.select(daysStatement(this.ledger, tenantId)));
  }

  /** Nothing to release (HTTP only); later calls are refused, as with the other warehouses. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /** The synchronous close the composition root calls on SIGTERM; the same as close(). */
  closeNow(): void {
    this.closed = true;
  }

  /**
   * Creates the datasets and the history tables where missing, from table-schemas.ts. For a new
   * project or a test project; production provisions the same schemas through Terraform.
   */
  async ensureTables(): Promise<void> {
    this.open();
    const location = this.o.location ?? "US";
    for (const d of DATASETS) {
      const sql = createDatasetDdl(d, { projectId: this.o.projectId, datasetId: this.o.datasets[d.role] }, location);
      await this.jobs.dml({ kind: "ddl", sql, params: {}, types: {} });
    }
    for (const t of HISTORY_TABLES) {
      const sql = createTableDdl(t, { projectId: this.o.projectId, datasetId: this.o.datasets[t.dataset] });
      await this.jobs.dml({ kind: "ddl", sql, params: {}, types: {} });
    }
  }

  private open(): void {
    if (this.closed) throw new AppError("failed-precondition", "BigQueryCostWarehouse is closed", { expose: false });
  }

  /** Stages `rows` (unique keys, all of `tenantId`), MERGEs them, drops the staging table. */
  private async merge(tenantId: string, rows: CostRecord[], window: DayWindow, replace?: WindowScope): Promise<UpsertStats> {
    const staging = { datasetId: this.o.datasets.staging, tableId: `daily_costs_${randomUUID().replace(/-/g, "")}` };
    try {
      const fields = restSchema(DAILY_COSTS).fields;
      const chunks = ndjsonChunks(rows, this.o.loadChunkBytes);
      for (const [i, chunk] of chunks.entries()) await this.jobs.loadNdjson(staging, fields, chunk, i === 0 ? "replace" : "append");
      const stmt = mergeStatement({
        target: this.ledger,
        staging: tablePath({ projectId: this.o.projectId, datasetId: staging.datasetId }, staging.tableId),
        tenantId,
        window,
        ...(replace ? { replace } : {}),
      });
      const { inserted, updated, deleted } = await this.jobs.dml(stmt);
      const unchanged = rows.length - inserted - updated;
      if (unchanged < 0) throw new AppError("internal", `MERGE reported ${inserted + updated} rows written from ${rows.length} staged`, { retryable: false });
      return { inserted, updated, unchanged, deleted };
    } finally {
      // A staging table that cannot be dropped now expires with the dataset's default (one day).
      await this.jobs.dropTable(staging).catch(() => undefined);
    }
  }
}
