import { OAuth2Client } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { bigQueryApi, createBillingBigQuery } from "#adapters/billing/bigquery-billing-client.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";
import { GcpBillingExportSource } from "#domain/billing/providers/gcp/source.js";
import { MemoryCostWarehouse } from "../../../../fakes/memory-cost-warehouse.js";
import { type BigQueryReplayServer, startBigQueryReplay } from "../../../../support/replay/bigquery-server.js";
import { gcpBaseItems, sumOf, truthRows } from "../../../../support/replay/billing-dataset.js";
import { alwaysFault, type Fault, scriptedFaults } from "../../../../support/replay/faults.js";

const window = { start: "2026-10-01", end: "2026-10-14" };
const BILLING = "01338E-BE3FD6-363B4C";
const PROJECTS = ["voormedia-187708", "analytics-prod-01"];
const account: CloudAccountRef = {
  tenantId: "tenant-g",
  accountId: "gcp-billing",
  provider: "gcp",
  scope: { billingAccountId: BILLING, projectIds: PROJECTS, table: "billing-admin.all_billing_data.gcp_billing_export_resource_v1_01338E_BE3FD6_363B4C" },
  environment: "prod",
};
const clock = { now: () => new Date("2026-10-14T06:00:00Z") };

let server: BigQueryReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sourceFor(url: string, maxRetries = 3): GcpBillingExportSource {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "test-token", expiry_date: Date.now() + 3_600_000 });
  const bq = createBillingBigQuery({
    projectId: "billing-admin",
    apiEndpoint: url,
    authClient,
    maxRetries,
    maxRetryDelaySeconds: 0.005,
  });
  const api = bigQueryApi(bq, { timeoutMs: 1_000, maxDelayMs: 10 });
  return new GcpBillingExportSource({ clientFor: async () => api, clock, pageSize: 10 });
}

const rows = () => truthRows(gcpBaseItems(), [...PROJECTS, "someone-elses-proj"], window);

describe("GcpBillingExportSource against the BigQuery replay", () => {
  it("runs one parameterized job, pages through getQueryResults and keeps credits apart", async () => {
    // Prepare
    const truth = rows();
    server = await startBigQueryReplay({ rows: truth, billingAccountId: BILLING, rowsPerPage: 10 });

    // Act
    const result = await sourceFor(server.url).collect({ account, window });

    // Assess: 14 days x 2 projects = 28 result rows = 3 pages after the insert.
    const authorized = truth.filter((r) => PROJECTS.includes(r.account));
    expect(sumOf(result.records)).toBe(sumOf(authorized));
    expect(sumOf(result.records.filter((r) => r.charge_category === "Credit"))).toBe(
      sumOf(authorized.filter((r) => r.category === "Credit")),
    );
    expect(server.calls.map((c) => c.method)).toEqual(["POST", "GET", "GET", "GET"]);
    expect(result.calls).toBe(4);
    expect(new Set(result.records.map((r) => r.sub_account_id))).toEqual(new Set(PROJECTS));
    const usage = result.records.find((r) => r.charge_category === "Usage");
    expect(usage).toMatchObject({ billing_currency: "EUR", region_id: "europe-west4", service_name: "Compute Engine", pricing_unit: "gibibyte month" });
    expect(result.incompleteDays).toEqual(["2026-10-12", "2026-10-13", "2026-10-14"]);
  });

  it.each<[string, (Fault | null)[]]>([
    ["429 rateLimitExceeded", ["throttle", "throttle"]],
    ["503 backendError on the insert", ["server-error"]],
    ["503 on a results page", [null, null, "server-error"]],
    ["a timeout", [null, "timeout"]],
    ["a connection reset", [null, "reset"]],
    ["a malformed results page", [null, null, "malformed"]],
    ["a job still running (jobComplete false)", [null, "job-running", "job-running"]],
  ])("returns complete data after %s", async (_label, faults) => {
    // Prepare
    const truth = rows();
    server = await startBigQueryReplay({ rows: truth, billingAccountId: BILLING, rowsPerPage: 10, faults: scriptedFaults(faults), hangMs: 5_000 });

    // Act
    const result = await sourceFor(server.url).collect({ account, window });

    // Assess
    expect(sumOf(result.records)).toBe(sumOf(truth.filter((r) => PROJECTS.includes(r.account))));
  });

  it.each<[string, Fault, boolean]>([
    ["throttled", "throttle", true],
    ["failing with 5xx", "server-error", true],
    ["answering malformed bodies", "malformed", true],
  ])("throws a CollectionError when BigQuery keeps %s, never partial data", async (_label, fault, retryable) => {
    // Prepare: the insert and first page succeed, every later call fails.
    server = await startBigQueryReplay({
      rows: rows(),
      billingAccountId: BILLING,
      rowsPerPage: 10,
      faults: (i) => (i < 2 ? null : alwaysFault(fault)(i)),
    });

    // Act
    const err = await sourceFor(server.url, 2)
      .collect({ account, window })
      .then(
        () => null,
        (e: unknown) => e as unknown,
      );

    // Assess
    expect(err).toBeInstanceOf(CollectionError);
    const e = err as CollectionError;
    expect(e.message).toMatch(/tenant tenant-g, account gcp-billing, window 2026-10-01\.\.2026-10-14/);
    expect(e.retryable).toBe(retryable);
  });

  it("refuses a table name that is not project.dataset.table before any call", async () => {
    // Prepare
    server = await startBigQueryReplay({ rows: [], billingAccountId: BILLING });
    const hostile = { ...account, scope: { ...account.scope, table: "p.d.t` WHERE 1=1; DROP TABLE x; --" } };

    // Act / Assess
    await expect(sourceFor(server.url).collect({ account: hostile, window })).rejects.toThrow(/invalid GCP scope/);
    expect(server.calls).toHaveLength(0);
  });

  it("replaces a re-pulled window exactly after late data changed", async () => {
    // Prepare
    const warehouse = new MemoryCostWarehouse();
    const truth = rows().filter((r) => PROJECTS.includes(r.account));
    server = await startBigQueryReplay({ rows: truth, billingAccountId: BILLING, rowsPerPage: 10 });
    const source = sourceFor(server.url);
    const scope = { tenantId: account.tenantId, provider: "gcp" as const, source: "gcp-billing-export", subAccountIds: PROJECTS };
    await warehouse.replaceWindow(scope, window, (await source.collect({ account, window })).records);
    const revised = truth
      .filter((r) => !(r.date === "2026-10-14" && r.account === PROJECTS[1]))
      .map((r) => (r.date >= "2026-10-12" ? { ...r, cost: `${r.cost}7` } : r));
    server.setRows(revised);
    const trailing = { start: "2026-10-12", end: "2026-10-14" };

    // Act
    await warehouse.replaceWindow(scope, trailing, (await source.collect({ account, window: trailing })).records);

    // Assess
    const totals = await warehouse.totals(account.tenantId, window);
    expect(totals.billed_cost).toBe(sumOf(revised));
    expect(totals.rows).toBe((await source.collect({ account, window })).records.length);
    expect(await warehouse.days(account.tenantId)).toHaveLength(14);
  });
});
