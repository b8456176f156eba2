import { readFileSync } from "node:fs";
import Big from "big.js";
import { OAuth2Client } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { createCostExplorerClient } from "#adapters/billing/aws-cost-explorer-client.js";
import { createCostManagementClient } from "#adapters/billing/azure-cost-management-client.js";
import { bigQueryApi, createBillingBigQuery } from "#adapters/billing/bigquery-billing-client.js";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { AwsCostExplorerSource } from "#domain/billing/providers/aws/source.js";
import { AzureCostManagementSource } from "#domain/billing/providers/azure/source.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";
import { mapGcpExportRows } from "#domain/billing/providers/gcp/mapper.js";
import { GcpBillingExportSource } from "#domain/billing/providers/gcp/source.js";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import type { EventBus } from "#kernel/ports.js";
import { MemoryDocumentStore } from "../../../fakes/memory-document-store.js";
import { startAwsCostExplorerReplay } from "../../../support/replay/aws-cost-explorer-server.js";
import { startAzureCostManagementReplay } from "../../../support/replay/azure-cost-management-server.js";
import { startBigQueryReplay } from "../../../support/replay/bigquery-server.js";
import { sharedData } from "../../../support/shared-data.js";
import { awsBaseItems, azureBaseItems, gcpBaseItems, sumOf, type TruthRow, truthRows } from "../../../support/replay/billing-dataset.js";

/**
 * Tags and labels from the three live collectors, each through its real SDK client against the
 * replay server of its API. Recorded tags: the aws-cli GetCostAndUsage example groups by TAG
 * Environment (`Environment$`, `Environment$Dev`), and the GCP row has one project label,
 * `firebase=enabled`, and a SKU. The other tags below are added to the truth rows, and the Azure
 * TagKey answer shape is built from the API reference (see the replay server).
 * Each collected tag split is checked against sums taken from the truth rows independently.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Exact sum of the truth's billed cost over the rows whose tags match every pair (undefined: tag absent). */
function truthWhere(rows: readonly TruthRow[], pairs: Record<string, string | undefined>): string {
  return sumOf(rows.filter((r) => Object.entries(pairs).every(([k, v]) => r.tags?.[k] === v)));
}
function collectedWhere(records: readonly CostRecord[], pairs: Record<string, string | undefined>): string {
  return sumOf(records.filter((r) => Object.entries(pairs).every(([k, v]) => r.tags[k] === v)));
}

/** Gives every other truth item a team, and one of them an env too: some cost carries no tag at all. */
function tagged<T extends { service: string }>(items: T[], extra: (i: number) => Record<string, string> | undefined): T[] {
  return items.map((item, i) => {
    const tags = extra(i);
    return tags ? { ...item, tags } : item;
  });
}

const AWS_LINKED = ["111111111111", "222222222222"];
const awsAccount = (scope: CloudAccountRef["scope"]): CloudAccountRef => ({
  tenantId: "tenant-a",
  accountId: "aws-main",
  provider: "aws",
  scope: { payerAccountId: "999999999999", linkedAccountIds: AWS_LINKED, ...scope },
  environment: "prod",
});

async function awsSource(rows: TruthRow[]) {
  const server = await startAwsCostExplorerReplay({ rows, daysPerPage: 7 });
  closers.push(server.close);
  const client = createCostExplorerClient({
    endpoint: server.url,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
    maxAttempts: 1,
    baseDelayMs: 1,
    maxDelayMs: 5,
    requestTimeoutMs: 2_000,
  });
  return { server, source: new AwsCostExplorerSource({ clientFor: async () => client }) };
}

describe("AWS Cost Explorer: cost allocation tags through GroupBy TAG and Tags filters", () => {
  const window = { start: "2026-10-01", end: "2026-10-10" };
  // The aws-cli example's two S3 groups, recorded without and with Environment=Dev; a team tag is
  // added to each (constructed).
  const items = awsBaseItems().map((item, i) => ({ ...item, tags: { ...item.tags, team: i === 0 ? "web" : "ml" } }));
  // A third, untagged item: cost that carries no tag at all.
  const untagged = { ...awsBaseItems()[0]!, service: "AWS Lambda", cost: "0.75", effective: "0.75", list: "0.75" };
  const truth = truthRows([...items, untagged], [...AWS_LINKED, "333333333333"], window);
  const authorized = truth.filter((r) => AWS_LINKED.includes(r.account));

  it("splits usage by two tag keys exactly, leaving untagged cost untagged and credits apart", async () => {
    // Prepare
    const { server, source } = await awsSource(truth);

    // Act
    const result = await source.collect({ account: awsAccount({ tagKeys: ["team", "Environment"] }), window });

    // Assess: every combination, the absent values included, against the truth.
    const usage = result.records.filter((r) => r.charge_category === "Usage");
    const truthUsage = authorized.filter((r) => r.category === "Usage");
    expect(sumOf(result.records)).toBe(sumOf(authorized));
    expect(awsBaseItems()[1]?.tags).toEqual({ Environment: "Dev" });
    for (const pairs of [
      { team: "ml", Environment: "Dev" },
      { team: "web", Environment: undefined },
      { team: undefined, Environment: undefined },
      { team: "ml" },
      { Environment: "Dev" },
    ]) {
      expect(collectedWhere(usage, pairs)).toBe(truthWhere(truthUsage, pairs));
    }
    expect(new Big(collectedWhere(usage, { team: undefined })).gt(0)).toBe(true);
    expect(result.records.filter((r) => r.charge_category === "Credit").every((r) => Object.keys(r.tags).length === 0)).toBe(true);
    // The split used GroupBy TAG (one key per call) and Tags filters, never more than two groupings.
    const bodies = server.requests.map((r) => JSON.parse(r.body) as { GroupBy?: { Type: string; Key: string }[] });
    expect(bodies.some((b) => b.GroupBy?.length === 1 && b.GroupBy[0]?.Type === "TAG")).toBe(true);
    expect(bodies.every((b) => (b.GroupBy?.length ?? 0) <= 2)).toBe(true);
  });

  it("fails, not retryable, when the split would need more calls than the account allows", async () => {
    // Prepare
    const { source } = await awsSource(truth);

    // Act
    const err = await source.collect({ account: awsAccount({ tagKeys: ["team", "Environment"], tagQueryLimit: "2" }), window }).catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(CollectionError);
    expect((err as CollectionError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/more than 2 queries/);
  });

  it("feeds a tag-scoped budget that counts exactly the tagged billed cost", async () => {
    // Prepare: September, so the run of 2026-10-01 reads the whole month.
    const month = { start: "2026-09-01", end: "2026-09-30" };
    const rows = truthRows([...items, untagged], AWS_LINKED, month);
    const { source } = await awsSource(rows);
    const result = await source.collect({ account: awsAccount({ tagKeys: ["team"] }), window: month });
    const warehouse = await DuckDbCostWarehouse.open({ file: ":memory:" });
    closers.push(() => warehouse.close());
    await warehouse.upsert("tenant-a", result.records);
    const store = new MemoryDocumentStore();
    await store.set("tenants/tenant-a", { name: "A" });
    await store.set("tenants/tenant-a/budgets/ml", { name: "ML", amount: "1", period: "monthly", scope: { tags: { team: "ml" } } });
    await store.set("tenants/tenant-a/budgets/none", { name: "None", amount: "1", period: "monthly", scope: { tags: { team: "nobody" } } });
    const bus: EventBus = { publish: async () => "1", subscribe() {}, async drain() {}, async close() {} };

    // Act
    const analysis = await analyzeTenant(
      { warehouse, store, bus, dashboardUrl: "https://costs.example.com", clock: { now: () => new Date("2026-10-01T04:00:00Z") } },
      { tenantId: "tenant-a", runDate: "2026-10-01", accounts: [], failedAccounts: [] },
    );

    // Assess
    const actual = Object.fromEntries(analysis.budgets.map((b) => [b.budgetId, b.actual]));
    expect(new Big(truthWhere(rows, { team: "ml" })).gt(0)).toBe(true);
    expect(actual).toEqual({ ml: truthWhere(rows, { team: "ml" }), none: "0" });
  });
});

describe("Azure Cost Management: tags through TagKey grouping and tags filters", () => {
  const window = { start: "2026-10-01", end: "2026-10-06" };
  const SUB = "11111111-1111-1111-1111-111111111111";
  const credential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
  // SubscriptionQuery's rows: the first two tagged CostCenter=1000 / 2000, the others untagged.
  const items = tagged(azureBaseItems(), (i) => (i < 2 ? { CostCenter: String(1000 * (i + 1)), Env: "prod" } : undefined));
  const truth = truthRows(items, [SUB, "99999999-9999-9999-9999-999999999999"], window, { dp: 10, credits: false });
  const mine = truth.filter((r) => r.account === SUB);

  it("splits billed and effective cost by tag keys, summing exactly to the untagged query", async () => {
    // Prepare
    const server = await startAzureCostManagementReplay({ rows: truth, rowsPerPage: 5 });
    closers.push(server.close);
    const { api } = createCostManagementClient({ credential, endpoint: server.url, tlsCa: server.ca, maxRetries: 0, requestTimeoutMs: 2_000 });
    const source = new AzureCostManagementSource({ clientFor: async () => api });
    const account: CloudAccountRef = {
      tenantId: "tenant-z",
      accountId: "azure-main",
      provider: "azure",
      scope: { scopeType: "subscription", subscriptionId: SUB, tagKeys: ["CostCenter", "Env"] },
      environment: "prod",
    };

    // Act
    const result = await source.collect({ account, window });

    // Assess
    expect(sumOf(result.records)).toBe(sumOf(mine));
    for (const pairs of [{ CostCenter: "1000" }, { CostCenter: "2000", Env: "prod" }, { CostCenter: undefined, Env: undefined }]) {
      expect(collectedWhere(result.records, pairs)).toBe(truthWhere(mine, pairs));
    }
    const effective = result.records.filter((r) => r.tags.CostCenter === "1000").reduce((s, r) => s.plus(r.effective_cost), new Big(0));
    expect(effective.toFixed()).toBe(mine.filter((r) => r.tags?.CostCenter === "1000").reduce((s, r) => s.plus(r.effective), new Big(0)).toFixed());
    const groupings = server.requests.map((r) => (JSON.parse(r.body) as { dataset: { grouping: { type: string }[] } }).dataset.grouping);
    expect(groupings.some((g) => g[0]?.type === "TagKey")).toBe(true);
    expect(groupings.every((g) => g.length <= 2)).toBe(true);
  });
});

describe("GCP billing export: resource, project and system labels, and the SKU", () => {
  const window = { start: "2026-10-01", end: "2026-10-05" };
  const BILLING = "01338E-BE3FD6-363B4C";
  const PROJECT = "voormedia-187708";

  it("maps the three label sets to one tag map with prefixes, and keeps two SKUs apart", async () => {
    // Prepare: the recorded row (project label firebase=enabled, its SKU), and a second SKU of the
    // same service with resource and system labels added.
    const [row] = gcpBaseItems();
    const other = { ...row!, sku: "D973-5D65-BAB2", tags: { team: "ml" }, systemLabels: { "compute.googleapis.com/machine_spec": "n1-standard-1" } };
    const truth = truthRows([row!, other], [PROJECT], window, { credits: false });
    const server = await startBigQueryReplay({ rows: truth, billingAccountId: BILLING });
    closers.push(server.close);
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: "test-token", expiry_date: Date.now() + 3_600_000 });
    const api = bigQueryApi(createBillingBigQuery({ projectId: "billing-admin", apiEndpoint: server.url, authClient, maxRetries: 0 }), {
      timeoutMs: 2_000,
      maxDelayMs: 10,
    });
    const source = new GcpBillingExportSource({ clientFor: async () => api, clock: { now: () => new Date("2026-10-20T06:00:00Z") } });
    const account: CloudAccountRef = {
      tenantId: "tenant-g",
      accountId: "gcp-billing",
      provider: "gcp",
      scope: { billingAccountId: BILLING, projectIds: [PROJECT], table: "billing-admin.all_billing_data.gcp_billing_export_resource_v1_01338E_BE3FD6_363B4C" },
      environment: "prod",
    };

    // Act
    const result = await source.collect({ account, window });

    // Assess: one record per SKU and day, both with the recorded project label.
    expect(result.records).toHaveLength(2 * 5);
    expect(result.records.every((r) => r.tags["gcp:project:firebase"] === "enabled")).toBe(true);
    const labelled = result.records.filter((r) => r.tags.team === "ml");
    expect(labelled).toHaveLength(5);
    expect(labelled.every((r) => r.tags["gcp:system:compute.googleapis.com/machine_spec"] === "n1-standard-1")).toBe(true);
    expect(sumOf(labelled)).toBe(sumOf(truth.filter((r) => r.sku === "D973-5D65-BAB2")));
    expect(sumOf(result.records)).toBe(sumOf(truth));
    const sql = (server.insertedJobs[0] as { configuration: { query: { query: string } } }).configuration.query.query;
    expect(sql).toContain("UNNEST(project.labels)");
    expect(sql).toContain("UNNEST(system_labels)");
  });
});

describe("GCP raw export rows (import --format gcp-export)", () => {
  it("reads the recorded row's project label and SKU into the record", () => {
    // Prepare: the recorded detailed-export row, and a copy with a resource label and another SKU.
    const row = JSON.parse(readFileSync(sharedData("gcp-billing-export-schema", "sample-rows", "detailed_export_row_example_emissionLabeler.json"), "utf8")) as Record<string, unknown>;
    const labelled = { ...row, labels: [{ key: "team", value: "ml" }], sku: { id: "D973-5D65-BAB2", description: "other" } };

    // Act
    const records = mapGcpExportRows([row, row, labelled], { tenantId: "t", ingestedAt: "2026-12-05T00:00:00Z" });

    // Assess: the two identical rows sum into one record; the other SKU and label set stays apart.
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.tags["gcp:project:firebase"] === "enabled")).toBe(true);
    expect(records.find((r) => r.tags.team === undefined)?.billed_cost).toBe("0.024868");
    expect(records.find((r) => r.tags.team === "ml")?.billed_cost).toBe("0.012434");
  });
});
