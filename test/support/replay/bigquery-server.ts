import Big from "big.js";
import { z } from "zod";
import type { TruthRow } from "./billing-dataset.js";
import { bqError } from "./bigquery-jobs-server.js";
import { type FaultPlan, noFaults } from "./faults.js";
import { answerFault, type ReplayServer, sendJson, startReplayServer } from "./http-server.js";

/**
 * BigQuery REST v2 as the Node client speaks it: `POST /bigquery/v2/projects/P/jobs` (jobs.insert
 * with the query and its named parameters), then `GET /bigquery/v2/projects/P/queries/JOB`
 * (getQueryResults) with `f`/`v` cells, `totalRows`, `pageToken` and `jobComplete`. Results are the
 * daily sums the collector's SQL asks for, computed from the truth rows and the job's parameters.
 */
export interface BigQueryReplayOptions {
  rows: TruthRow[];
  billingAccountId: string;
  faults?: FaultPlan;
  rowsPerPage?: number;
  hangMs?: number;
}

export interface BigQueryReplayServer extends ReplayServer {
  setRows(rows: TruthRow[]): void;
  calls: { method: string; path: string; fault: string | null }[];
  /** jobs.insert bodies, parsed. */
  insertedJobs: unknown[];
}

const SCHEMA = {
  fields: [
    { name: "usage_date", type: "DATE", mode: "NULLABLE" },
    { name: "billing_account_id", type: "STRING", mode: "NULLABLE" },
    { name: "project_id", type: "STRING", mode: "NULLABLE" },
    { name: "service_name", type: "STRING", mode: "NULLABLE" },
    { name: "sku_id", type: "STRING", mode: "NULLABLE" },
    { name: "region", type: "STRING", mode: "NULLABLE" },
    { name: "pricing_unit", type: "STRING", mode: "NULLABLE" },
    { name: "cost_type", type: "STRING", mode: "NULLABLE" },
    { name: "currency", type: "STRING", mode: "NULLABLE" },
    { name: "labels_json", type: "STRING", mode: "NULLABLE" },
    { name: "project_labels_json", type: "STRING", mode: "NULLABLE" },
    { name: "system_labels_json", type: "STRING", mode: "NULLABLE" },
    { name: "cost", type: "NUMERIC", mode: "NULLABLE" },
    { name: "cost_at_list", type: "NUMERIC", mode: "NULLABLE" },
    { name: "pricing_quantity", type: "NUMERIC", mode: "NULLABLE" },
    { name: "credits", type: "NUMERIC", mode: "NULLABLE" },
  ],
};

const Param = z.object({
  name: z.string(),
  parameterValue: z.object({
    value: z.string().optional(),
    arrayValues: z.array(z.object({ value: z.string() })).optional(),
  }),
});
const InsertBody = z.object({
  jobReference: z.object({ jobId: z.string(), projectId: z.string().optional(), location: z.string().optional() }),
  configuration: z.object({
    query: z.object({ query: z.string(), queryParameters: z.array(Param).optional(), parameterMode: z.string().optional() }),
  }),
});

/**
 * A label set as the collector's SQL renders it: TO_JSON_STRING of the `[{key, value}]` array,
 * sorted by key (BigQuery's documented TO_JSON_STRING output for an array of structs).
 */
function labelsJson(labels: Record<string, string> | undefined): string {
  return JSON.stringify(
    Object.keys(labels ?? {})
      .sort()
      .map((key) => ({ key, value: labels?.[key] ?? "" })),
  );
}

export async function startBigQueryReplay(opts: BigQueryReplayOptions): Promise<BigQueryReplayServer> {
  let truth = opts.rows;
  const faults = opts.faults ?? noFaults;
  const rowsPerPage = opts.rowsPerPage ?? 100;
  const calls: BigQueryReplayServer["calls"] = [];
  const insertedJobs: unknown[] = [];
  const jobs = new Map<string, { rows: { f: { v: string | null }[] }[] }>();
  let index = 0;

  function results(params: Map<string, string | string[]>) {
    const projects = new Set((params.get("authorized_projects") as string[] | undefined) ?? []);
    const start = String(params.get("usage_start") ?? "");
    const end = String(params.get("usage_end") ?? "");
    const groups = new Map<string, { r: TruthRow; cost: Big; list: Big; qty: Big; credits: Big }>();
    for (const r of truth) {
      if (!projects.has(r.account) || r.date < start || r.date >= end) continue;
      const k = [r.date, r.account, r.service, r.sku ?? "", r.region, r.unit, r.currency, labelsJson(r.tags), labelsJson(r.projectLabels), labelsJson(r.systemLabels)].join("\u001f");
      const g = groups.get(k) ?? { r, cost: new Big(0), list: new Big(0), qty: new Big(0), credits: new Big(0) };
      if (r.category === "Credit") g.credits = g.credits.plus(r.cost);
      else {
        g.cost = g.cost.plus(r.cost);
        g.list = g.list.plus(r.list);
        g.qty = g.qty.plus(r.quantity);
      }
      groups.set(k, g);
    }
    return [...groups.values()]
      .sort((a, b) => (a.r.date + a.r.account + a.r.service < b.r.date + b.r.account + b.r.service ? -1 : 1))
      .map((g) => ({
        f: [
          g.r.date,
          opts.billingAccountId,
          g.r.account,
          g.r.service,
          g.r.sku ?? "",
          g.r.region,
          g.r.unit,
          "regular",
          g.r.currency,
          labelsJson(g.r.tags),
          labelsJson(g.r.projectLabels),
          labelsJson(g.r.systemLabels),
          g.cost.toFixed(),
          g.list.toFixed(),
          g.qty.toFixed(),
          g.credits.toFixed(),
        ].map((v) => ({ v })),
      }));
  }

  const server = await startReplayServer((req, res) => {
    const url = new URL(req.url, "http://replay");
    const fault = faults(index++);
    calls.push({ method: req.method, path: url.pathname, fault });
    const answered = answerFault(res, fault, {
      throttle: (r) => bqError(r, 429, "rateLimitExceeded", "Exceeded rate limits: too many api requests per user per method"),
      serverError: (r) => bqError(r, 503, "backendError", "Error encountered during execution. Retrying may solve the problem."),
      malformed: { contentType: "application/json", body: '{"kind":"bigquery#getQueryResultsResponse","schema":{"fie' },
      hangMs: opts.hangMs ?? 1_000,
    });
    if (answered) return;
    const insert = /^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(url.pathname);
    if (req.method === "POST" && insert) {
      const body = InsertBody.safeParse(JSON.parse(req.body || "{}"));
      if (!body.success) return bqError(res, 400, "invalid", body.error.message);
      insertedJobs.push(JSON.parse(req.body));
      const params = new Map<string, string | string[]>();
      for (const p of body.data.configuration.query.queryParameters ?? []) {
        params.set(p.name, p.parameterValue.arrayValues ? p.parameterValue.arrayValues.map((a) => a.value) : (p.parameterValue.value ?? ""));
      }
      const ref = body.data.jobReference;
      if (!jobs.has(ref.jobId)) jobs.set(ref.jobId, { rows: results(params) });
      return sendJson(res, 200, {
        kind: "bigquery#job",
        id: `${insert[1]}:${ref.location ?? "US"}.${ref.jobId}`,
        jobReference: { projectId: insert[1], jobId: ref.jobId, location: ref.location ?? "US" },
        configuration: body.data.configuration,
        status: { state: "RUNNING" },
      });
    }
    const results_ = /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && results_) {
      const job = jobs.get(results_[2] ?? "");
      if (!job) return bqError(res, 404, "notFound", `Not found: Job ${results_[2]}`);
      const reference = { projectId: results_[1], jobId: results_[2], location: "US" };
      if (fault === "job-running") {
        return sendJson(res, 200, { kind: "bigquery#getQueryResultsResponse", jobReference: reference, jobComplete: false });
      }
      const offset = Number(url.searchParams.get("pageToken") ?? "0");
      const max = Math.min(Number(url.searchParams.get("maxResults") ?? rowsPerPage), rowsPerPage);
      const page = job.rows.slice(offset, offset + max);
      const next = offset + max < job.rows.length ? String(offset + max) : undefined;
      return sendJson(res, 200, {
        kind: "bigquery#getQueryResultsResponse",
        etag: "replay",
        schema: SCHEMA,
        jobReference: reference,
        totalRows: String(job.rows.length),
        rows: page,
        ...(next ? { pageToken: next } : {}),
        totalBytesProcessed: "1024",
        jobComplete: true,
        cacheHit: false,
      });
    }
    return bqError(res, 404, "notFound", `no route ${req.method} ${url.pathname}`);
  });
  return {
    url: server.url,
    requests: server.requests,
    close: server.close,
    setRows(next: TruthRow[]) {
      truth = next;
    },
    calls,
    insertedJobs,
  };
}
