import { OAuth2Client } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { BigQueryCostWarehouse } from "#adapters/bigquery/bigquery-cost-warehouse.js";
import { TransientJobFailure } from "#adapters/bigquery/bigquery-errors.js";
import { deleteWindowStatement, mergeStatement } from "#adapters/bigquery/cost-merge-sql.js";
import { daysStatement, queryDailyStatement, totalsStatement } from "#adapters/bigquery/cost-read-sql.js";
import { createDatasetDdl, createTableDdl, restSchema } from "#adapters/bigquery/table-ddl.js";
import { DAILY_COSTS, DATASETS, HISTORY_TABLES } from "#adapters/bigquery/table-schemas.js";
import type { BigQueryWarehouseOptions } from "#adapters/bigquery/warehouse-options.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import type { CostQuery, WindowScope } from "#domain/billing/ports.js";
import { AppError, InputError } from "#kernel/errors.js";
import { costRecord, nextDay } from "../../conformance/cost-record-builder.js";
import { type BigQueryJobsReplay, type JobAnswer, type SeenJob, startBigQueryJobsReplay } from "../../support/replay/bigquery-jobs-server.js";
import { type Fault, scriptedFaults } from "../../support/replay/faults.js";

/**
 * The BigQuery warehouse with the real @google-cloud/bigquery client against a local server that
 * answers in BigQuery's REST shapes (no BigQuery emulator runs here). The server cannot execute
 * SQL, so the behaviour half of the CostWarehouse conformance suite does not run against it;
 * these tests cover what can: the requests the adapter sends (load job, MERGE, parameters and
 * their types, job configuration), decoding of canned results across pages, retries at each
 * layer, and the same input refusals as the conformance suite, which must send nothing.
 */

const PROJECT = "costmon-test";
const LEDGER = `\`${PROJECT}.cost_analytics.daily_costs\``;
const A = "tenant-a";

let server: BigQueryJobsReplay | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function warehouse(url: string, over: Partial<BigQueryWarehouseOptions> = {}): BigQueryCostWarehouse {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "test-token", expiry_date: Date.now() + 3_600_000 });
  return BigQueryCostWarehouse.create({
    projectId: PROJECT,
    location: "EU",
    apiEndpoint: url,
    authClient,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    pollInitialMs: 1,
    pollMaxMs: 2,
    callTimeoutMs: 2_000,
    ...over,
  });
}

const day = (d: string, over: Parameters<typeof costRecord>[0] = {}) =>
  costRecord({ tenant_id: A, charge_period_start: d, charge_period_end: nextDay(d), ...over });

const isMerge = (j: SeenJob) => j.kind === "query" && /^MERGE/.test(j.sql ?? "");
const stagingOf = (j: SeenJob) => (j.body.configuration.load as { destinationTable: { tableId: string } }).destinationTable.tableId;
const routes = (s: BigQueryJobsReplay) => s.calls.map((c) => `${c.method} ${c.path.replace(/\/[a-z]+_[a-z_]*_?[0-9a-f]{32}$/, "/…")}`);

/** A job's outcome by kind: loads succeed, MERGEs report `merge`, SELECTs answer `select`. */
function answers(opts: { merge?: JobAnswer; select?: JobAnswer; load?: JobAnswer; other?: JobAnswer }) {
  return (job: SeenJob): JobAnswer => {
    if (job.kind === "load") return opts.load ?? {};
    if (isMerge(job)) return opts.merge ?? {};
    if (/^SELECT/.test(job.sql ?? "")) return opts.select ?? {};
    return opts.other ?? {};
  };
}

const COST_FIELDS = (extra: string[] = []) => [
  { name: "day", type: "STRING" },
  ...extra.map((name) => ({ name, type: "STRING" })),
  { name: "billed_cost_sum", type: "STRING" },
  { name: "effective_cost_sum", type: "STRING" },
];

describe("BigQueryCostWarehouse against the BigQuery REST replay", () => {
  describe("writes", () => {
    it("upsert loads the batch into a staging table of its own, runs one MERGE and drops the table", async () => {
      // Prepare: four records, two with the same key (the last one wins), three days.
      server = await startBigQueryJobsReplay({ answer: answers({ merge: { dmlStats: { insertedRowCount: "1", updatedRowCount: "1" } } }) });
      const records = [
        day("2026-01-01", { billed_cost: "1.500000", tags: { team: "ml", env: "prod" } }),
        day("2026-01-05", { billed_cost: "1.5e3", pricing_quantity: "2", pricing_unit: "hour" }),
        day("2026-01-03", { resource_id: "vm-1" }),
        day("2026-01-01", { billed_cost: "2", tags: { team: "ml", env: "prod" } }),
      ];

      // Act
      const stats = await warehouse(server.url).upsert(A, records);

      // Assess: DML statistics give inserted and updated; the third staged row was unchanged.
      expect(stats).toEqual({ inserted: 1, updated: 1, unchanged: 1, deleted: 0 });
      expect(routes(server)).toEqual([
        `POST /upload/bigquery/v2/projects/${PROJECT}/jobs`,
        `GET /bigquery/v2/projects/${PROJECT}/jobs/…`,
        `POST /bigquery/v2/projects/${PROJECT}/jobs`,
        // The MERGE is waited on with a long poll of getQueryResults, then jobs.get reads its statistics.
        `GET /bigquery/v2/projects/${PROJECT}/queries/…`,
        `GET /bigquery/v2/projects/${PROJECT}/jobs/…`,
        `DELETE /bigquery/v2/projects/${PROJECT}/datasets/cost_analytics_staging/tables/…`,
      ]);
      const wait = new URL(server.requests.find((r) => r.url.includes("/queries/"))!.url, "http://x").searchParams;
      expect([wait.get("maxResults"), wait.get("timeoutMs"), wait.get("location")]).toEqual(["0", "10000", "EU"]);
      const [load, merge] = server.jobs;
      const table = stagingOf(load!);
      expect(table).toMatch(/^daily_costs_[0-9a-f]{32}$/);
      expect(load!.body.jobReference).toMatchObject({ projectId: PROJECT, location: "EU" });
      expect(load!.body.configuration.load).toEqual({
        destinationTable: { projectId: PROJECT, datasetId: "cost_analytics_staging", tableId: table },
        sourceFormat: "NEWLINE_DELIMITED_JSON",
        schema: restSchema(DAILY_COSTS),
        createDisposition: "CREATE_IF_NEEDED",
        writeDisposition: "WRITE_TRUNCATE",
        ignoreUnknownValues: false,
        maxBadRecords: 0,
      });
      const staged = load!.data!.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      // The re-sent key replaces the first one and takes its place at the end.
      expect(staged.map((r) => [r.charge_period_start, r.billed_cost, r.pricing_quantity])).toEqual([
        ["2026-01-05", "1500", "2"],
        ["2026-01-03", "1.00", null],
        ["2026-01-01", "2", null],
      ]);
      expect(staged[2]!.tags).toEqual([
        { key: "env", value: "prod" },
        { key: "team", value: "ml" },
      ]);
      expect(Object.keys(staged[0]!)).toEqual(DAILY_COSTS.columns.map((c) => c.name));

      const expected = mergeStatement({
        target: LEDGER,
        staging: `\`${PROJECT}.cost_analytics_staging.${table}\``,
        tenantId: A,
        window: { start: "2026-01-01", end: "2026-01-05" },
      });
      expect(merge!.sql).toBe(expected.sql);
      expect(merge!.params).toEqual({
        tenant_id: { type: "STRING", value: A },
        window_start: { type: "DATE", value: "2026-01-01" },
        window_end: { type: "DATE", value: "2026-01-05" },
      });
      expect(merge!.body.configuration).toMatchObject({
        query: { useLegacySql: false, parameterMode: "named" },
        labels: { app: "costmon", statement: "merge" },
        jobTimeoutMs: "600000",
      });
      expect(merge!.body.jobReference).toMatchObject({ location: "EU", jobId: expect.stringMatching(/^costmon_merge_[0-9a-f]{32}$/) });
      expect(server.deletedTables).toEqual([`cost_analytics_staging.${table}`]);
    });

    it("a batch bigger than loadChunkBytes is loaded in several jobs into the one staging table, then MERGEd once", async () => {
      // Prepare: a limit below one row's size puts each row in a load job of its own.
      server = await startBigQueryJobsReplay({ answer: answers({ merge: { dmlStats: { insertedRowCount: "3" } } }) });
      const records = [day("2026-01-01"), day("2026-01-02"), day("2026-01-03")];

      // Act
      const stats = await warehouse(server.url, { loadChunkBytes: 1 }).upsert(A, records);

      // Assess
      expect(stats).toEqual({ inserted: 3, updated: 0, unchanged: 0, deleted: 0 });
      const loads = server.jobs.filter((j) => j.kind === "load");
      expect(loads.map((j) => (j.body.configuration.load as { writeDisposition: string }).writeDisposition)).toEqual([
        "WRITE_TRUNCATE",
        "WRITE_APPEND",
        "WRITE_APPEND",
      ]);
      expect(new Set(loads.map(stagingOf)).size).toBe(1);
      expect(loads.map((j) => JSON.parse(j.data!).charge_period_start)).toEqual(["2026-01-01", "2026-01-02", "2026-01-03"]);
      expect(server.jobs.filter(isMerge)).toHaveLength(1);
    });

    it.each<[string, WindowScope, Record<string, unknown>]>([
      ["without sub accounts", { tenantId: A, provider: "gcp", source: "gcp-export" }, {}],
      [
        "with sub accounts",
        { tenantId: A, provider: "gcp", source: "gcp-export", subAccountIds: ["p1", "p2"] },
        { sub_account_ids: { type: "ARRAY<STRING>", value: ["p1", "p2"] } },
      ],
    ])("replaceWindow %s MERGEs with the scope's delete and reports its count", async (_label, scope, subParam) => {
      // Prepare
      server = await startBigQueryJobsReplay({ answer: answers({ merge: { dmlStats: { deletedRowCount: "2" } } }) });
      const window = { start: "2026-03-01", end: "2026-03-03" };

      // Act
      const stats = await warehouse(server.url).replaceWindow(scope, window, [day("2026-03-02")]);

      // Assess: counts left out of dmlStats are 0; the window, not the records' span, is pruned.
      expect(stats).toEqual({ inserted: 0, updated: 0, unchanged: 1, deleted: 2 });
      const merge = server.jobs.find(isMerge)!;
      const table = stagingOf(server.jobs[0]!);
      const staging = `\`${PROJECT}.cost_analytics_staging.${table}\``;
      expect(merge.sql).toBe(mergeStatement({ target: LEDGER, staging, tenantId: A, window, replace: scope }).sql);
      expect(merge.params).toEqual({
        tenant_id: { type: "STRING", value: A },
        window_start: { type: "DATE", value: "2026-03-01" },
        window_end: { type: "DATE", value: "2026-03-03" },
        provider: { type: "STRING", value: "gcp" },
        source: { type: "STRING", value: "gcp-export" },
        ...subParam,
      });
    });

    it("replaceWindow with no records runs one DELETE and stages nothing", async () => {
      server = await startBigQueryJobsReplay({ answer: () => ({ dmlStats: { deletedRowCount: "3" } }) });
      const scope: WindowScope = { tenantId: A, provider: "aws", source: "collect:aws-1", subAccountIds: ["111"] };
      const window = { start: "2026-03-01", end: "2026-03-03" };

      const stats = await warehouse(server.url).replaceWindow(scope, window, []);

      expect(stats).toEqual({ inserted: 0, updated: 0, unchanged: 0, deleted: 3 });
      expect(server.jobs).toHaveLength(1);
      expect(server.jobs[0]!.sql).toBe(deleteWindowStatement(LEDGER, scope, window).sql);
      expect(server.deletedTables).toEqual([]);
    });

    it("an empty upsert sends nothing", async () => {
      server = await startBigQueryJobsReplay();
      expect(await warehouse(server.url).upsert(A, [])).toEqual({ inserted: 0, updated: 0, unchanged: 0, deleted: 0 });
      expect(server.requests).toHaveLength(0);
    });

    it("ensureTables creates every dataset and table from the one schema source, under the configured names", async () => {
      server = await startBigQueryJobsReplay();
      const datasets = { cost_analytics: "ca_dev", llm_usage: "llm_dev", audit_logs: "audit_dev", staging: "stage_dev" };

      await warehouse(server.url, { datasets }).ensureTables();

      expect(server.jobs.map((j) => j.sql)).toEqual([
        ...DATASETS.map((d) => createDatasetDdl(d, { projectId: PROJECT, datasetId: datasets[d.role] }, "EU")),
        ...HISTORY_TABLES.map((t) => createTableDdl(t, { projectId: PROJECT, datasetId: datasets[t.dataset] })),
      ]);
    });
  });

  describe("reads", () => {
    it("queryDaily reads every page and decodes exact decimals, dimensions and tags", async () => {
      // Prepare: five result rows, two per page.
      const values = [
        ["2026-04-01", "Compute", "ml", "9.000000000000", "7"],
        ["2026-04-01", "Compute", null, "-0.000000000000", "0.5"],
        ["2026-04-01", "Storage", "ml", "12345678901234567890124956.000000000001", "1"],
        ["2026-04-02", "Compute", "web", "0.000000000002", "0.1"],
        ["2026-04-03", "Compute", "ml", "1E+1", "2.50"],
      ];
      server = await startBigQueryJobsReplay({ answer: answers({ select: { rows: { fields: COST_FIELDS(["service_name", "tag_0"]), values } } }), rowsPerPage: 2 });
      const query: CostQuery = {
        window: { start: "2026-04-01", end: "2026-04-30" },
        groupBy: ["service_name"],
        groupByTags: ["team"],
        filter: { provider: ["gcp"] },
        tags: { env: "prod" },
      };

      // Act
      const rows = await warehouse(server.url, { pageSize: 2 }).queryDaily(A, query);

      // Assess
      expect(rows).toEqual([
        { date: "2026-04-01", dims: { service_name: "Compute" }, tags: { team: "ml" }, billed_cost: "9", effective_cost: "7" },
        { date: "2026-04-01", dims: { service_name: "Compute" }, tags: {}, billed_cost: "0", effective_cost: "0.5" },
        { date: "2026-04-01", dims: { service_name: "Storage" }, tags: { team: "ml" }, billed_cost: "12345678901234567890124956.000000000001", effective_cost: "1" },
        { date: "2026-04-02", dims: { service_name: "Compute" }, tags: { team: "web" }, billed_cost: "0.000000000002", effective_cost: "0.1" },
        { date: "2026-04-03", dims: { service_name: "Compute" }, tags: { team: "ml" }, billed_cost: "10", effective_cost: "2.5" },
      ]);
      const pages = server.requests.filter((r) => r.url.includes("/queries/")).map((r) => new URL(r.url, "http://x").searchParams);
      // First the wait for completion (no rows, held up to timeoutMs), then the three pages.
      expect(pages.map((p) => [p.get("maxResults"), p.get("pageToken"), p.get("location"), p.get("timeoutMs")])).toEqual([
        ["0", null, "EU", "10000"],
        ["2", null, "EU", null],
        ["2", "2", "EU", null],
        ["2", "4", "EU", null],
      ]);
      const [job] = server.jobs;
      expect(job!.sql).toBe(queryDailyStatement(LEDGER, A, query).sql);
      expect(job!.params).toEqual({
        tenant_id: { type: "STRING", value: A },
        window_start: { type: "DATE", value: "2026-04-01" },
        window_end: { type: "DATE", value: "2026-04-30" },
        filter_provider: { type: "ARRAY<STRING>", value: ["gcp"] },
        tag_key_0: { type: "STRING", value: "env" },
        tag_value_0: { type: "STRING", value: "prod" },
        group_tag_0: { type: "STRING", value: "team" },
        // The billed view only: rows tagged as the Kubernetes allocation are left out.
        view_key: { type: "STRING", value: "costmon:view" },
        view_value: { type: "STRING", value: "kubernetes-allocation" },
      });
    });

    it("an empty filter list travels as an empty ARRAY<STRING>, and rows without grouped tags carry none", async () => {
      server = await startBigQueryJobsReplay({ answer: answers({ select: { rows: { fields: COST_FIELDS(), values: [["2026-04-01", "1", "1"]] } } }) });

      const rows = await warehouse(server.url).queryDaily(A, { window: { start: "2026-04-01", end: "2026-04-01" }, groupBy: [], filter: { provider: [] } });

      expect(server.jobs[0]!.params?.filter_provider).toEqual({ type: "ARRAY<STRING>", value: [] });
      expect(rows).toEqual([{ date: "2026-04-01", dims: {}, billed_cost: "1", effective_cost: "1" }]);
      expect(rows[0]).not.toHaveProperty("tags");
    });

    it("totals and days decode their rows; totals over a window send its dates", async () => {
      server = await startBigQueryJobsReplay({
        answer: (job) =>
          /COUNT/.test(job.sql ?? "")
            ? { rows: { fields: [{ name: "row_count", type: "STRING" }, ...COST_FIELDS().slice(1)], values: [["3", "7.250000000000", "4"]] } }
            : { rows: { fields: [{ name: "day", type: "STRING" }], values: [["2026-04-01"], ["2026-04-02"]] } },
      });
      const wh = warehouse(server.url);
      const window = { start: "2026-04-02", end: "2026-04-03" };

      const totals = await wh.totals(A, window);
      const days = await wh.days(A);

      expect(totals).toEqual({ rows: 3, billed_cost: "7.25", effective_cost: "4" });
      expect(days).toEqual(["2026-04-01", "2026-04-02"]);
      expect(server.jobs.map((j) => j.sql)).toEqual([totalsStatement(LEDGER, A, window).sql, daysStatement(LEDGER, A).sql]);
      expect(server.jobs[0]!.params?.window_end).toEqual({ type: "DATE", value: "2026-04-03" });
    });

    it.each<[string, JobAnswer]>([
      ["a money cell that is not a decimal", { rows: { fields: COST_FIELDS(), values: [["2026-04-01", "1,5", "1"]] } }],
      ["a day that is not a date", { rows: { fields: COST_FIELDS(), values: [["April", "1", "1"]] } }],
      ["a missing column", { rows: { fields: COST_FIELDS().slice(0, 2), values: [["2026-04-01", "1"]] } }],
    ])("a result with %s fails as retryable instead of becoming a row", async (_label, select) => {
      server = await startBigQueryJobsReplay({ answer: answers({ select }) });
      const err = await warehouse(server.url)
        .queryDaily(A, { window: { start: "2026-04-01", end: "2026-04-01" }, groupBy: [] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "unavailable", retryable: true });
    });

    it("a tenant id that looks like SQL travels only as a parameter", async () => {
      server = await startBigQueryJobsReplay({ answer: answers({ select: { rows: { fields: [{ name: "row_count", type: "STRING" }, ...COST_FIELDS().slice(1)], values: [["0", "0", "0"]] } } }) });
      const hostile = `${A}' OR '1'='1`;

      const totals = await warehouse(server.url).totals(hostile);

      expect(totals).toEqual({ rows: 0, billed_cost: "0", effective_cost: "0" });
      expect(server.jobs[0]!.sql).toBe(totalsStatement(LEDGER, A).sql);
      expect(server.jobs[0]!.params?.tenant_id).toEqual({ type: "STRING", value: hostile });
    });
  });

  describe("retries", () => {
    const MERGE_OK: JobAnswer = { dmlStats: { insertedRowCount: "2" } };
    const batch = () => [day("2026-01-01"), day("2026-01-02")];

    // Requests of one upsert, in order: upload 0, jobs.get 1, jobs.insert 2, the MERGE's wait
    // (getQueryResults with timeoutMs) 3, jobs.get 4, tables.delete 5.
    it.each<[string, (Fault | null)[], number]>([
      ["429 rateLimitExceeded twice on the MERGE's jobs.insert", [null, null, "throttle", "throttle"], 8],
      ["503 backendError on the upload (retried here, with the same job id)", ["server-error"], 7],
      ["503 backendError on jobs.get", [null, "server-error"], 7],
      ["a connection reset on jobs.get", [null, "reset"], 7],
      ["a hung jobs.get (cut off by the call timeout)", [null, null, null, null, "timeout"], 7],
      // The client retries the GET; a wait that still failed would leave the answer to jobs.get.
      ["503 backendError on the MERGE's wait for completion", [null, null, null, "server-error"], 7],
      // A wait that fails through all the client's tries is left at that: jobs.get reads the job's state.
      ["503 backendError on every try of the MERGE's wait for completion", [null, null, null, "server-error", "server-error", "server-error"], 8],
    ])("an upsert completes after %s, with one job of each kind", async (_label, faults, requests) => {
      // Prepare
      server = await startBigQueryJobsReplay({ answer: answers({ merge: MERGE_OK }), faults: scriptedFaults(faults), hangMs: 5_000 });

      // Act
      const stats = await warehouse(server.url, { callTimeoutMs: 300 }).upsert(A, batch());

      // Assess
      expect(stats).toEqual({ inserted: 2, updated: 0, unchanged: 0, deleted: 0 });
      expect(server.jobs.map((j) => j.kind)).toEqual(["load", "query"]);
      expect(server.calls).toHaveLength(requests);
      expect(server.calls.filter((c) => c.fault !== null).map((c) => c.fault)).toEqual(faults.filter((f) => f !== null));
      const uploads = server.requests.filter((r) => r.url.startsWith("/upload/"));
      const jobIds = new Set(uploads.map((r) => /"jobId":"([^"]+)"/.exec(r.body)?.[1]));
      expect(jobIds.size).toBe(1);
    });

    it.each<[string, number, string]>([
      ["the upload", 0, `/upload/bigquery/v2/projects/${PROJECT}/jobs`],
      ["the MERGE's jobs.insert", 2, `/bigquery/v2/projects/${PROJECT}/jobs`],
    ])("a lost response to %s: the retry meets 409 Already Exists and adopts the job", async (_label, lost, path) => {
      // Prepare: the server creates the job, then drops the connection without answering.
      server = await startBigQueryJobsReplay({ answer: answers({ merge: MERGE_OK }), loseResponse: (i) => i === lost });

      // Act
      const stats = await warehouse(server.url).upsert(A, batch());

      // Assess: two posts of the same job id, one job, and the adopted job's statistics.
      expect(stats).toEqual({ inserted: 2, updated: 0, unchanged: 0, deleted: 0 });
      expect(server.jobs.map((j) => j.kind)).toEqual(["load", "query"]);
      const posts = server.requests.filter((r) => r.method === "POST" && new URL(r.url, "http://x").pathname === path);
      expect(posts).toHaveLength(2);
      expect(new Set(posts.map((r) => /"jobId":"([^"]+)"/.exec(r.body)?.[1])).size).toBe(1);
    });

    it("queryDaily completes after a 503 on its second results page", async () => {
      const values = [
        ["2026-04-01", "1", "1"],
        ["2026-04-02", "2", "2"],
        ["2026-04-03", "3", "3"],
      ];
      server = await startBigQueryJobsReplay({
        answer: answers({ select: { rows: { fields: COST_FIELDS(), values } } }),
        rowsPerPage: 2,
        // jobs.insert 0, the wait 1, jobs.get 2, page one 3, page two 4.
        faults: scriptedFaults([null, null, null, null, "server-error"]),
      });

      const rows = await warehouse(server.url, { pageSize: 2 }).queryDaily(A, { window: { start: "2026-04-01", end: "2026-04-03" }, groupBy: [] });

      expect(rows.map((r) => r.billed_cost)).toEqual(["1", "2", "3"]);
      expect(server.calls.filter((c) => c.path.includes("/queries/")).map((c) => c.fault)).toEqual([null, null, "server-error", null]);
    });

    it.each<[string, { reason: string; message: string }]>([
      ["backendError", { reason: "backendError", message: "Error encountered during execution. Retrying may solve the problem." }],
      [
        "a concurrent update of the same partitions",
        { reason: "invalidQuery", message: `Could not serialize access to table ${PROJECT}:cost_analytics.daily_costs due to concurrent update` },
      ],
    ])("a MERGE job that fails with %s is run again as a new job", async (_label, error) => {
      // Prepare: the first MERGE job fails, the second succeeds.
      let merges = 0;
      server = await startBigQueryJobsReplay({
        answer: (job) => (isMerge(job) ? (++merges === 1 ? { error } : MERGE_OK) : {}),
      });

      // Act
      const stats = await warehouse(server.url).upsert(A, batch());

      // Assess
      expect(stats).toEqual({ inserted: 2, updated: 0, unchanged: 0, deleted: 0 });
      const mergeJobs = server.jobs.filter(isMerge);
      expect(mergeJobs).toHaveLength(2);
      expect(mergeJobs[0]!.jobId).not.toBe(mergeJobs[1]!.jobId);
      expect(mergeJobs[0]!.sql).toBe(mergeJobs[1]!.sql);
      expect(server.jobs.filter((j) => j.kind === "load")).toHaveLength(1);
      expect(server.deletedTables).toHaveLength(1);
    });

    it("a load job that fails with backendError is loaded again as a new job", async () => {
      let loads = 0;
      server = await startBigQueryJobsReplay({
        answer: (job) => (job.kind === "load" && ++loads === 1 ? { error: { reason: "backendError", message: "retry" } } : isMerge(job) ? MERGE_OK : {}),
      });

      const stats = await warehouse(server.url).upsert(A, batch());

      expect(stats.inserted).toBe(2);
      const loadJobs = server.jobs.filter((j) => j.kind === "load");
      expect(loadJobs).toHaveLength(2);
      expect(loadJobs[0]!.jobId).not.toBe(loadJobs[1]!.jobId);
    });

    it("a job still RUNNING is polled until DONE", async () => {
      server = await startBigQueryJobsReplay({ answer: answers({ merge: { ...MERGE_OK, runningPolls: 3 }, load: { runningPolls: 2 } }) });

      const stats = await warehouse(server.url).upsert(A, batch());

      // The load is polled with jobs.get (RUNNING twice, then DONE). The MERGE is waited on with
      // getQueryResults (jobComplete false), each wait followed by jobs.get, until jobs.get says DONE.
      expect(stats.inserted).toBe(2);
      const gets = routes(server).filter((r) => r.startsWith("GET"));
      const jobsGet = `GET /bigquery/v2/projects/${PROJECT}/jobs/…`;
      const wait = `GET /bigquery/v2/projects/${PROJECT}/queries/…`;
      expect(gets).toEqual([jobsGet, jobsGet, jobsGet, wait, jobsGet, wait, jobsGet]);
    });

    it("a job that fails for good is not re-run, and its staging table is still dropped", async () => {
      server = await startBigQueryJobsReplay({
        answer: answers({ merge: { error: { reason: "invalidQuery", message: "Syntax error: Unexpected keyword WHEN at [8:1]" } } }),
      });

      const err = await warehouse(server.url).upsert(A, batch()).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "internal", retryable: false });
      expect(server.jobs.filter(isMerge)).toHaveLength(1);
      expect(server.deletedTables).toHaveLength(1);
    });

    it("a transient job failure that never ends gives up after maxAttempts, retryable", async () => {
      server = await startBigQueryJobsReplay({ answer: answers({ merge: { error: { reason: "backendError", message: "again" } } }) });

      const err = await warehouse(server.url).upsert(A, batch()).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(TransientJobFailure);
      expect(err).toMatchObject({ code: "unavailable", retryable: true });
      expect(server.jobs.filter(isMerge)).toHaveLength(3);
    });

    it("an API that keeps failing is reported as unavailable and retryable, with no parameter in the message", async () => {
      server = await startBigQueryJobsReplay({ faults: () => "server-error" });

      const err = await warehouse(server.url).days("secret-tenant-name").catch((e: unknown) => e);

      expect(err).toMatchObject({ code: "unavailable", retryable: true });
      expect((err as Error).message).not.toContain("secret-tenant-name");
      expect(server.calls).toHaveLength(3);
    });
  });

  describe("refusals: the conformance suite's bad inputs, refused before any request", () => {
    const scope = (): WindowScope => ({ tenantId: A, provider: "gcp", source: "gcp-export" });
    const window = { start: "2026-03-01", end: "2026-03-03" };

    it.each<[string, (r: CostRecord) => unknown, RegExp]>([
      ["a bad decimal", (r) => ({ ...r, billed_cost: "1,5" }), /index 1/],
      ["a bad date", (r) => ({ ...r, charge_period_start: "2026-1-1" }), /index 1/],
      ["an unknown field", (r) => ({ ...r, extra: 1 }), /index 1/],
      ["a malformed record_key", (r) => ({ ...r, record_key: "x" }), /index 1/],
      ["an amount beyond 26 integer digits", (r) => ({ ...r, list_cost: "1".repeat(27) }), /index 1/],
      ["another tenant's record", (r) => ({ ...r, tenant_id: "tenant-b" }), /another tenant/],
    ])("upsert refuses %s", async (_label, spoil, message) => {
      server = await startBigQueryJobsReplay();
      const err = await warehouse(server.url)
        .upsert(A, [day("2026-01-01"), spoil(day("2026-01-02")) as CostRecord])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(message);
      expect(server.requests).toHaveLength(0);
    });

    it.each<[string, WindowScope, { start: string; end: string }, Parameters<typeof costRecord>[0] | null]>([
      ["a row outside the window", { ...scope(), subAccountIds: ["p1"] }, window, { charge_period_start: "2026-03-09" }],
      ["a row of another provider", scope(), window, { charge_period_start: "2026-03-02", provider: "aws" }],
      ["a row of another source", scope(), window, { charge_period_start: "2026-03-02", source: "x" }],
      ["a row of another sub account", { ...scope(), subAccountIds: ["p1", "p2"] }, window, { charge_period_start: "2026-03-02", sub_account_id: "p9" }],
      ["an inverted window", scope(), { start: "2026-03-03", end: "2026-03-01" }, null],
      ["an empty subAccountIds", { ...scope(), subAccountIds: [] }, window, null],
    ])("replaceWindow refuses %s", async (_label, s, w, over) => {
      server = await startBigQueryJobsReplay();
      const records = over ? [costRecord({ tenant_id: A, ...over })] : [];
      await expect(warehouse(server.url).replaceWindow(s, w, records)).rejects.toBeInstanceOf(InputError);
      expect(server.requests).toHaveLength(0);
    });

    it.each<[string, unknown]>([
      ["an unknown dimension", { window, groupBy: ["tenant_id"] }],
      ["a filter on an unknown column", { window, groupBy: [], filter: { "1=1; --": ["x"] } }],
      ["a bad window", { window: { start: "April", end: "2026-04-02" }, groupBy: [] }],
      ["a tag key that could break out of a path", { window, groupBy: [], tags: { 'team" OR 1=1 --': "ml" } }],
      ["a grouped tag key listed twice", { window, groupBy: [], groupByTags: ["team", "team"] }],
      ["more than 20 grouped tag keys", { window, groupBy: [], groupByTags: Array.from({ length: 21 }, (_, i) => `k${i}`) }],
      ["an empty grouped tag key", { window, groupBy: [], groupByTags: [""] }],
    ])("queryDaily refuses %s", async (_label, query) => {
      server = await startBigQueryJobsReplay();
      await expect(warehouse(server.url).queryDaily(A, query as CostQuery)).rejects.toThrow(/invalid cost query|invalid window/);
      expect(server.requests).toHaveLength(0);
    });

    it("refuses an empty tenant id and calls after close", async () => {
      server = await startBigQueryJobsReplay();
      const wh = warehouse(server.url);
      await expect(wh.days("")).rejects.toBeInstanceOf(InputError);
      await wh.close();
      await expect(wh.totals(A)).rejects.toMatchObject({ code: "failed-precondition" });
      expect(server.requests).toHaveLength(0);
    });

    it.each<[string, Partial<BigQueryWarehouseOptions>]>([
      ["a project id with SQL in it", { projectId: "p`; DROP TABLE x; --" }],
      ["a dataset id with a dot", { datasets: { cost_analytics: "a.b" } }],
      ["no attempts at all", { retry: { maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 1 } }],
      ["an unknown option", { tableName: "x" } as Partial<BigQueryWarehouseOptions>],
    ])("create refuses %s as a config error", (_label, over) => {
      expect(() => warehouse("http://127.0.0.1:9", over)).toThrow(expect.objectContaining({ name: "ConfigError", code: "failed-precondition" }));
    });
  });
});
