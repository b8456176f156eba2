import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { BigQuery, type BigQueryDate, type Job, type JobMetadata } from "@google-cloud/bigquery";
import { AppError } from "#kernel/errors.js";
import { backoffRetry } from "#kernel/retry.js";
import { bigQueryCall, type CallOptions, type CallSettings } from "./bigquery-call.js";
import { fromApiError, fromJobError, httpStatusOf, TransientJobFailure } from "./bigquery-errors.js";
import type { Statement } from "./statement.js";
import type { RestField } from "./table-ddl.js";

/**
 * The three things the warehouse asks of BigQuery, each as one job: a SELECT read page by page, a
 * DML statement whose statistics say what it changed, and a load of NDJSON into a staging table.
 *
 * Retries, in three layers, each with the budget of {@link JobSettings} (`maxAttempts` tries per
 * HTTP call and per job, the first included):
 * - an HTTP call that is throttled (429, 403 rateLimitExceeded) or fails with a 5xx is retried by
 *   the client itself; the load's upload is the exception (the client sends it once), so it is
 *   retried here;
 * - a call that hangs is cut off after `callTimeoutMs` (the client's own timeout never reaches
 *   node-fetch) and tried again;
 * - a job that ran and failed for a transient reason is run again as a new job
 *   ({@link TransientJobFailure}); every statement the warehouse sends is idempotent.
 * Job ids are chosen here, so that a retried insert or upload whose first attempt did reach
 * BigQuery meets "409 Already Exists" and adopts that job instead of starting a second one.
 *
 * @example
 *   const jobs = new BigQueryJobs(bq, settings);
 *   const rows = await jobs.select(daysStatement(table, "acme"));
 *   const stats = await jobs.dml(mergeStatement({ ... }));
 */
export interface JobSettings extends CallSettings {
  location?: string;
  /** BigQuery cancels a job that runs longer (configuration.jobTimeoutMs); polling gives up then too. */
  jobTimeoutMs: number;
  /** First and longest wait between two polls of a running job. */
  pollInitialMs: number;
  pollMaxMs: number;
  /** Rows per getQueryResults page. */
  pageSize: number;
  /** Labels on every job, for billing reports. */
  labels: Record<string, string>;
}

export interface DmlCounts {
  inserted: number;
  updated: number;
  deleted: number;
}

export interface TableRef {
  datasetId: string;
  tableId: string;
}

/**
 * Parameter values as the client must receive them: it sends a DATE parameter's `value` property,
 * so a plain "2026-03-01" would go out as an empty (NULL) value; a BigQueryDate carries it.
 */
function clientParams(stmt: Statement): Record<string, string | string[] | BigQueryDate> {
  return Object.fromEntries(Object.entries(stmt.params).map(([k, v]) => [k, stmt.types[k] === "DATE" && typeof v === "string" ? BigQuery.date(v) : v]));
}

/** The longest a single long poll is held; BigQuery's own default for getQueryResults is 10 s. */
const LONG_POLL_MS = 10_000;

const newJobId = (kind: string) => `costmon_${kind.replace(/-/g, "_")}_${randomUUID().replace(/-/g, "")}`;

const Count = (v: unknown) => {
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : typeof v === "number" ? v : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new AppError("internal", "BigQuery returned a malformed row count", { retryable: false });
  return n;
};

/**
 * What a finished DML job changed. `dmlStats` has the split (a count left out, as JSON may for zero, is 0);
 * a job without it but with numDmlAffectedRows 0 changed nothing. Anything else cannot be split
 * into inserts, updates and deletes, and is reported as a failure rather than guessed at.
 */
export function dmlCounts(meta: JobMetadata): DmlCounts {
  const q = meta.statistics?.query;
  const s = q?.dmlStats;
  if (s) return { inserted: Count(s.insertedRowCount ?? "0"), updated: Count(s.updatedRowCount ?? "0"), deleted: Count(s.deletedRowCount ?? "0") };
  if ((q?.numDmlAffectedRows ?? "0") === "0") return { inserted: 0, updated: 0, deleted: 0 };
  throw new AppError("internal", "BigQuery reported DML changes without dmlStats; the counts cannot be split", { retryable: false });
}

export class BigQueryJobs {
  constructor(
    private readonly bq: BigQuery,
    private readonly s: JobSettings,
  ) {}

  /** Runs a SELECT and returns all its rows, as objects keyed by column name. */
  async select(stmt: Statement): Promise<Record<string, unknown>[]> {
    return this.rerunning(stmt.kind, async () => {
      const job = await this.insertQuery(stmt);
      await this.finished(job, stmt.kind, "query");
      return this.readAll(job, stmt.kind);
    });
  }

  /** Runs a DML statement (or DDL) and returns what it changed. */
  async dml(stmt: Statement): Promise<DmlCounts> {
    return this.rerunning(stmt.kind, async () => {
      const job = await this.insertQuery(stmt);
      return dmlCounts(await this.finished(job, stmt.kind, "query"));
    });
  }

  /**
   * Loads NDJSON into `table`, creating it with `fields` if needed; "replace" empties it first,
   * "append" adds. A load job is atomic, so re-running a failed one cannot load rows twice.
   */
  async loadNdjson(table: TableRef, fields: RestField[], ndjson: string, mode: "replace" | "append"): Promise<void> {
    await this.rerunning("load", async () => {
      const jobId = newJobId("load");
      const job = await this.call("load upload", () => this.upload(table, fields, ndjson, jobId, mode), {
        retryTransient: true,
        adopt: () => this.jobRef(jobId),
      });
      await this.finished(job, "load", "load");
    });
  }

  /** Deletes a table; one that is already gone is fine. */
  async dropTable(table: TableRef): Promise<void> {
    try {
      await this.call("tables.delete", () => this.table(table).delete());
    } catch (err) {
      if (err instanceof AppError && httpStatusOf(err.cause) === 404) return;
      throw err;
    }
  }

  private table(t: TableRef) {
    const where = this.s.location ? { location: this.s.location } : {};
    return this.bq.dataset(t.datasetId, where).table(t.tableId, where);
  }

  private jobRef(jobId: string): Job {
    return this.bq.job(jobId, this.s.location ? { location: this.s.location } : {});
  }

  /** Re-runs the whole job while it fails transiently, with backoff. */
  private rerunning<T>(what: string, run: () => Promise<T>): Promise<T> {
    const policy = backoffRetry({
      attempts: this.s.maxAttempts,
      baseMs: this.s.baseDelayMs,
      maxMs: this.s.maxDelayMs,
      retryOn: (e) => e instanceof TransientJobFailure,
    });
    return policy.execute(run).catch((err: unknown) => {
      throw err instanceof AppError ? err : fromApiError(what, err);
    });
  }

  private call<T>(what: string, fn: () => Promise<T>, opts: CallOptions<T> = {}): Promise<T> {
    return bigQueryCall(this.s, what, fn, opts);
  }

  private insertQuery(stmt: Statement): Promise<Job> {
    const jobId = newJobId(stmt.kind);
    return this.call(
      `${stmt.kind} jobs.insert`,
      async () => {
        const [job] = await this.bq.createQueryJob({
          query: stmt.sql,
          params: clientParams(stmt),
          types: stmt.types,
          parameterMode: "named",
          useLegacySql: false,
          jobId,
          jobTimeoutMs: this.s.jobTimeoutMs,
          labels: { ...this.s.labels, statement: stmt.kind },
          ...(this.s.location ? { location: this.s.location } : {}),
        });
        return job;
      },
      { adopt: () => this.jobRef(jobId) },
    );
  }

  private upload(table: TableRef, fields: RestField[], ndjson: string, jobId: string, mode: "replace" | "append"): Promise<Job> {
    return new Promise<Job>((resolve, reject) => {
      const stream = this.table(table).createWriteStream_({
        sourceFormat: "NEWLINE_DELIMITED_JSON",
        schema: { fields },
        createDisposition: "CREATE_IF_NEEDED",
        writeDisposition: mode === "replace" ? "WRITE_TRUNCATE" : "WRITE_APPEND",
        ignoreUnknownValues: false,
        maxBadRecords: 0,
        jobId,
      });
      stream.once("job", (job: Job | null) =>
        job ? resolve(job) : reject(new AppError("internal", "BigQuery accepted a load job without a job reference", { retryable: true })),
      );
      stream.once("error", reject);
      stream.end(ndjson);
    });
  }

  /**
   * Waits until the job is DONE; a failed job becomes an AppError (transient ones re-run).
   *
   * A query job is waited on with getQueryResults' `timeoutMs`: BigQuery holds that call open
   * until the query completes or the timeout passes (REST reference, jobs.getQueryResults:
   * "timeoutMs ... how long to wait for the query to complete"), so a short query is seen as done
   * as soon as it is, not after a fixed sleep. Once the wait says complete, jobs.get reads the
   * status, errors and statistics at once, so a failed query is classified the same way as a
   * failed load. A wait that ended without completion (or failed) is followed by jobs.get too,
   * after a backoff sleep when the server answered sooner than that sleep: a server that does not
   * hold the call is not asked in a tight loop. A load job is polled with jobs.get and backoff
   * sleeps (jobs.get cannot be held).
   */
  private async finished(job: Job, what: string, kind: "query" | "load"): Promise<JobMetadata> {
    let meta = job.metadata as JobMetadata | undefined;
    let wait = this.s.pollInitialMs;
    const deadline = Date.now() + this.s.jobTimeoutMs + this.s.callTimeoutMs;
    while (meta?.status?.state !== "DONE") {
      // A job adopted after a 409 has no status yet: ask at once; a running one is asked again later.
      if (meta?.status) {
        if (Date.now() > deadline) {
          throw new AppError("deadline-exceeded", `BigQuery ${what} job still running after ${this.s.jobTimeoutMs} ms`, { retryable: true });
        }
        const waited = kind === "query" ? await this.waitForQuery(job, Math.min(LONG_POLL_MS, Math.max(0, deadline - Date.now()))) : { complete: false, heldMs: 0 };
        if (!waited.complete && waited.heldMs < wait) {
          await sleep(wait - waited.heldMs);
          wait = Math.min(wait * 2, this.s.pollMaxMs);
        }
      }
      const [next] = await this.call(`${what} jobs.get`, () => job.getMetadata());
      meta = next as JobMetadata;
    }
    const status = meta.status;
    if (status.errorResult) throw fromJobError(what, status.errorResult, status.errors);
    return meta;
  }

  /**
   * Asks BigQuery to hold the answer until the query completes or `timeoutMs` passes (no rows
   * asked for). Returns whether the query completed and how long the call was held. The client
   * answers a `jobComplete: false` with an error when given `timeoutMs`; that and any other
   * failure (a failed job answers with its error) are left to the jobs.get that follows.
   */
  private async waitForQuery(job: Job, timeoutMs: number): Promise<{ complete: boolean; heldMs: number }> {
    const started = Date.now();
    let complete = false;
    try {
      // Held open up to timeoutMs by design, so the call's own cut-off is that much longer; tried once.
      const held = { ...this.s, maxAttempts: 1, callTimeoutMs: timeoutMs + this.s.callTimeoutMs };
      await bigQueryCall(held, "query wait getQueryResults", () => job.getQueryResults({ autoPaginate: false, maxResults: 0, timeoutMs }));
      complete = true;
    } catch {
      // jobs.get reads the job's status and error next, and classifies them.
    }
    return { complete, heldMs: Date.now() - started };
  }

  /** Reads every page of a finished query job. */
  private async readAll(job: Job, what: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    let expected: string | undefined;
    const deadline = Date.now() + this.s.jobTimeoutMs;
    for (;;) {
      const options = { autoPaginate: false, maxResults: this.s.pageSize, ...(pageToken ? { pageToken } : {}) };
      // With autoPaginate off the client answers [rows, nextQuery, apiResponse]; its typings omit the third.
      const [page, , raw] = (await this.call(`${what} getQueryResults`, () => job.getQueryResults(options))) as unknown as [
        Record<string, unknown>[],
        unknown,
        { jobComplete?: boolean; pageToken?: string; totalRows?: string } | undefined,
      ];
      if (raw?.jobComplete === false) {
        if (Date.now() > deadline) throw new TransientJobFailure(what, "results never became ready");
        await sleep(this.s.pollInitialMs);
        continue;
      }
      rows.push(...page);
      expected = raw?.totalRows ?? expected;
      if (!raw?.pageToken) break;
      if (seen.has(raw.pageToken)) throw new TransientJobFailure(what, "pageToken repeated");
      seen.add(raw.pageToken);
      pageToken = raw.pageToken;
    }
    if (expected !== undefined && Number(expected) !== rows.length) {
      throw new TransientJobFailure(what, `read ${rows.length} of ${expected} rows`);
    }
    return rows;
  }
}
