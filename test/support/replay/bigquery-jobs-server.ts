import type { ServerResponse } from "node:http";
import { z } from "zod";
import { type FaultPlan, noFaults } from "./faults.js";
import { answerFault, type ReplayServer, reset, sendJson, startReplayServer } from "./http-server.js";

/**
 * BigQuery REST v2 jobs as @google-cloud/bigquery 8.x speaks them, for the warehouse adapter:
 * - `POST /upload/bigquery/v2/projects/P/jobs?uploadType=multipart`: a load job, the job resource
 *   as the first (JSON) part and the data as the second;
 * - `POST /bigquery/v2/projects/P/jobs`: jobs.insert of a query job with named parameters;
 * - `GET /bigquery/v2/projects/P/jobs/J`: jobs.get (status, errorResult, statistics.query.dmlStats);
 * - `GET /bigquery/v2/projects/P/queries/J`: getQueryResults with `f`/`v` rows, pageToken, totalRows;
 *   asked about a query job that is still running, it answers `jobComplete: false` at once, as
 *   BigQuery does when the call's `timeoutMs` passes before the query completes;
 * - `DELETE /bigquery/v2/projects/P/datasets/D/tables/T`: tables.delete;
 * - `POST /bigquery/v2/projects/P/datasets/D/tables/T/insertAll`: the streaming insert, answered
 *   with the test's `insertErrors` (per row index, as BigQuery reports them).
 * A job id seen before is answered 409 `duplicate`, as BigQuery does. It cannot execute SQL: each
 * job's outcome comes from the test's `answer`, given the job as the server received it.
 */

export interface SeenParam {
  /** "STRING", "DATE", "ARRAY<STRING>", ... */
  type: string;
  value: string | string[] | null;
}

export interface SeenJob {
  jobId: string;
  kind: "query" | "load";
  /** The job resource as posted (configuration, jobReference). */
  body: { configuration: Record<string, unknown>; jobReference: Record<string, unknown> };
  sql?: string;
  params?: Record<string, SeenParam>;
  /** Load jobs: the uploaded data. */
  data?: string;
}

export interface JobAnswer {
  /** A finished query's result: column schema and rows of string (or null) cells. */
  rows?: { fields: { name: string; type: string; mode?: string }[]; values: (string | null)[][] };
  dmlStats?: { insertedRowCount?: string; updatedRowCount?: string; deletedRowCount?: string };
  /** The job ends DONE with this errorResult. */
  error?: { reason: string; message: string };
  /**
   * The job is still running for this many status checks, then DONE (default 0): jobs.get answers
   * RUNNING and getQueryResults `jobComplete: false` to each of them.
   */
  runningPolls?: number;
}

export interface BigQueryJobsReplayOptions {
  /** May be async: an executing fake (bigquery-duckdb-engine.ts) runs the query first. */
  answer?: (job: SeenJob) => JobAnswer | Promise<JobAnswer>;
  faults?: FaultPlan;
  rowsPerPage?: number;
  hangMs?: number;
  /** For these request indexes, a request that creates a job creates it and then drops the connection. */
  loseResponse?: (requestIndex: number) => boolean;
  /** insertAll: the rows to report as failed, given the request body and the how-manyth insertAll it is. */
  insertErrors?: (body: InsertAllBody, attempt: number) => { index: number; errors: { reason: string; message: string }[] }[];
  /** insertAll: stores the rows BigQuery accepted (those `insertErrors` did not refuse), before the reply. */
  onInsert?: (table: string, rows: InsertAllBody["rows"]) => void | Promise<void>;
}

export interface InsertAllBody {
  rows: { insertId?: string; json: Record<string, unknown> }[];
  skipInvalidRows?: boolean;
  ignoreUnknownValues?: boolean;
}

export interface BigQueryJobsReplay extends ReplayServer {
  /** Jobs in the order they were created (duplicates not repeated). */
  jobs: SeenJob[];
  /** Every call with the fault injected into it, if any. */
  calls: { method: string; path: string; fault: string | null }[];
  /** Tables deleted, as "dataset.table". */
  deletedTables: string[];
  /** insertAll requests, as "dataset.table" and the parsed body. */
  inserts: { table: string; body: InsertAllBody }[];
}

export function bqError(res: ServerResponse, status: number, reason: string, message: string): void {
  sendJson(res, status, { error: { code: status, message, errors: [{ message, domain: "global", reason }], status: reason } });
}

const ParamType: z.ZodType<{ type: string; arrayType?: { type: string } }> = z.object({
  type: z.string(),
  arrayType: z.object({ type: z.string() }).optional(),
});
const QueryParameter = z.object({
  name: z.string(),
  parameterType: ParamType,
  parameterValue: z.object({ value: z.string().optional(), arrayValues: z.array(z.object({ value: z.string() })).optional() }),
});
const JobBody = z.object({
  jobReference: z.object({ jobId: z.string(), projectId: z.string().optional(), location: z.string().optional() }).loose(),
  configuration: z.object({}).loose(),
});
const QueryConfig = z.object({ query: z.string(), queryParameters: z.array(QueryParameter).optional() }).loose();

function paramsOf(list: z.infer<typeof QueryParameter>[]): Record<string, SeenParam> {
  const out: Record<string, SeenParam> = {};
  for (const p of list) {
    const array = p.parameterType.type === "ARRAY";
    out[p.name] = {
      type: array ? `ARRAY<${p.parameterType.arrayType?.type ?? "?"}>` : p.parameterType.type,
      value: array ? (p.parameterValue.arrayValues ?? []).map((a) => a.value) : (p.parameterValue.value ?? null),
    };
  }
  return out;
}

/** The parts of a multipart/related body: JSON metadata first, then the media. */
function multipartParts(body: string, contentType: string | undefined): string[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType ?? "")?.[1];
  if (!boundary) return [];
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const split = part.indexOf("\r\n\r\n");
      return part.slice(split + 4).replace(/\r\n$/, "");
    });
}

export async function startBigQueryJobsReplay(opts: BigQueryJobsReplayOptions = {}): Promise<BigQueryJobsReplay> {
  const faults = opts.faults ?? noFaults;
  const rowsPerPage = opts.rowsPerPage ?? 1000;
  const calls: BigQueryJobsReplay["calls"] = [];
  const jobs: SeenJob[] = [];
  const deletedTables: string[] = [];
  const inserts: BigQueryJobsReplay["inserts"] = [];
  const state = new Map<string, { job: SeenJob; answer: JobAnswer; polls: number }>();
  let index = 0;

  function jobResource(project: string, entry: { job: SeenJob; answer: JobAnswer; polls: number }, done: boolean) {
    const { job, answer } = entry;
    const location = String(job.body.jobReference.location ?? "US");
    const status = done
      ? { state: "DONE", ...(answer.error ? { errorResult: { ...answer.error, location: "query" }, errors: [answer.error] } : {}) }
      : { state: "RUNNING" };
    return {
      kind: "bigquery#job",
      id: `${project}:${location}.${job.jobId}`,
      jobReference: { projectId: project, jobId: job.jobId, location },
      configuration: job.body.configuration,
      status,
      statistics: {
        creationTime: "1767225600000",
        ...(done && job.kind === "query"
          ? { query: { statementType: /^\s*MERGE/i.test(job.sql ?? "") ? "MERGE" : "SELECT", ...(answer.dmlStats ? { dmlStats: answer.dmlStats } : {}) } }
          : {}),
      },
    };
  }

  async function create(res: ServerResponse, project: string, job: SeenJob, requestIndex: number) {
    const existing = state.get(job.jobId);
    if (existing) return bqError(res, 409, "duplicate", `Already Exists: Job ${project}:US.${job.jobId}`);
    jobs.push(job);
    const entry: { job: SeenJob; answer: JobAnswer; polls: number } = { job, answer: {}, polls: 0 };
    // Known before the answer is worked out, so a retried insert meanwhile still meets the 409.
    state.set(job.jobId, entry);
    entry.answer = (await opts.answer?.(job)) ?? {};
    // The job exists, but the client never hears so: its retry must meet the 409 above.
    if (opts.loseResponse?.(requestIndex)) return reset(res);
    return sendJson(res, 200, jobResource(project, entry, false));
  }

  const server = await startReplayServer(async (req, res) => {
    const url = new URL(req.url, "http://replay");
    const requestIndex = index;
    const fault = faults(index++);
    calls.push({ method: req.method, path: url.pathname, fault });
    const answered = answerFault(res, fault, {
      throttle: (r) => bqError(r, 429, "rateLimitExceeded", "Exceeded rate limits: too many api requests per user per method"),
      serverError: (r) => bqError(r, 503, "backendError", "Error encountered during execution. Retrying may solve the problem."),
      malformed: { contentType: "application/json", body: '{"kind":"bigquery#job","status":{"sta' },
      hangMs: opts.hangMs ?? 1_000,
    });
    if (answered) return;

    const upload = /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(url.pathname);
    if (req.method === "POST" && upload) {
      const [meta, data] = multipartParts(req.body, req.headers["content-type"]);
      const body = JobBody.safeParse(JSON.parse(meta ?? "{}"));
      if (!body.success || url.searchParams.get("uploadType") !== "multipart") return bqError(res, 400, "invalid", "bad upload");
      return create(res, upload[1]!, { jobId: body.data.jobReference.jobId, kind: "load", body: body.data, data: data ?? "" }, requestIndex);
    }
    const insert = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(url.pathname);
    if (req.method === "POST" && insert) {
      const body = JobBody.safeParse(JSON.parse(req.body || "{}"));
      const query = QueryConfig.safeParse(body.data?.configuration.query);
      if (!body.success || !query.success) return bqError(res, 400, "invalid", "bad jobs.insert body");
      return create(res, insert[1]!, {
        jobId: body.data.jobReference.jobId,
        kind: "query",
        body: body.data,
        sql: query.data.query,
        params: paramsOf(query.data.queryParameters ?? []),
      }, requestIndex);
    }
    const get = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && get) {
      const entry = state.get(get[2]!);
      if (!entry) return bqError(res, 404, "notFound", `Not found: Job ${get[2]}`);
      entry.polls++;
      const done = fault !== "job-running" && entry.polls > (entry.answer.runningPolls ?? 0);
      return sendJson(res, 200, jobResource(get[1]!, entry, done));
    }
    const results = /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && results) {
      const entry = state.get(results[2]!);
      if (!entry) return bqError(res, 404, "notFound", `Not found: Job ${results[2]}`);
      const reference = { projectId: results[1], jobId: results[2], location: "US" };
      entry.polls++;
      if (fault === "job-running" || entry.polls <= (entry.answer.runningPolls ?? 0)) {
        return sendJson(res, 200, { kind: "bigquery#getQueryResultsResponse", jobReference: reference, jobComplete: false });
      }
      if (entry.answer.error) return bqError(res, 400, entry.answer.error.reason, entry.answer.error.message);
      const all = entry.answer.rows?.values ?? [];
      const offset = Number(url.searchParams.get("pageToken") ?? "0");
      const max = Math.min(Number(url.searchParams.get("maxResults") ?? rowsPerPage), rowsPerPage);
      const next = offset + max < all.length ? String(offset + max) : undefined;
      return sendJson(res, 200, {
        kind: "bigquery#getQueryResultsResponse",
        etag: "replay",
        schema: { fields: (entry.answer.rows?.fields ?? []).map((f) => ({ mode: "NULLABLE", ...f })) },
        jobReference: reference,
        totalRows: String(all.length),
        rows: all.slice(offset, offset + max).map((cells) => ({ f: cells.map((v) => ({ v })) })),
        ...(next ? { pageToken: next } : {}),
        totalBytesProcessed: "1024",
        jobComplete: true,
        cacheHit: false,
      });
    }
    const insertAll = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)\/insertAll$/.exec(url.pathname);
    if (req.method === "POST" && insertAll) {
      const body = JSON.parse(req.body || "{}") as InsertAllBody;
      inserts.push({ table: `${insertAll[2]}.${insertAll[3]}`, body });
      const insertErrors = opts.insertErrors?.(body, inserts.length - 1) ?? [];
      const refused = new Set(insertErrors.map((e) => e.index));
      await opts.onInsert?.(`${insertAll[2]}.${insertAll[3]}`, body.rows.filter((_, i) => !refused.has(i)));
      return sendJson(res, 200, { kind: "bigquery#tableDataInsertAllResponse", ...(insertErrors.length ? { insertErrors } : {}) });
    }
    const drop = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(url.pathname);
    if (req.method === "DELETE" && drop) {
      deletedTables.push(`${drop[2]}.${drop[3]}`);
      res.writeHead(204);
      res.end();
      return;
    }
    return bqError(res, 404, "notFound", `no route ${req.method} ${url.pathname}`);
  });
  return { url: server.url, requests: server.requests, close: server.close, jobs, calls, deletedTables, inserts };
}
