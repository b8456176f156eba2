import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { CostExplorer } from "@aws-sdk/client-cost-explorer";
import { afterEach, describe, expect, it } from "vitest";
import { costExplorerClientFactory, createCostExplorerClient } from "#adapters/billing/aws-cost-explorer-client.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";
import { AwsCostExplorerSource } from "#domain/billing/providers/aws/source.js";
import { createCredentialStore } from "#foundation/infrastructure/credential-store.js";
import { MemoryCostWarehouse } from "../../../../fakes/memory-cost-warehouse.js";
import { MemorySecretStore } from "../../../../fakes/memory-secret-store.js";
import { startAwsCostExplorerReplay, type AwsReplayServer } from "../../../../support/replay/aws-cost-explorer-server.js";
import { awsBaseItems, sumOf, truthRows } from "../../../../support/replay/billing-dataset.js";
import { alwaysFault, type Fault, scriptedFaults } from "../../../../support/replay/faults.js";

const window = { start: "2026-10-01", end: "2026-10-20" };
const linked = ["111111111111", "222222222222"];
const account: CloudAccountRef = {
  tenantId: "tenant-a",
  accountId: "aws-main",
  provider: "aws",
  scope: { payerAccountId: "999999999999", linkedAccountIds: linked },
  environment: "prod",
};

let server: AwsReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sourceFor(url: string, maxAttempts = 4): AwsCostExplorerSource {
  const client = createCostExplorerClient({
    endpoint: url,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
    maxAttempts,
    baseDelayMs: 1,
    maxDelayMs: 5,
    requestTimeoutMs: 1_000,
  });
  return new AwsCostExplorerSource({ clientFor: async () => client });
}

describe("AwsCostExplorerSource against the Cost Explorer replay", () => {
  it("pages through NextPageToken, keeps credits apart and marks Estimated days incomplete", async () => {
    // Prepare: an unauthorized linked account sits in the data and must not leak.
    const rows = truthRows(awsBaseItems(), [...linked, "333333333333"], window);
    server = await startAwsCostExplorerReplay({ rows, daysPerPage: 6, estimatedFrom: "2026-10-19" });

    // Act
    const result = await sourceFor(server.url).collect({ account, window });

    // Assess: 20 days / 6 per page = 4 pages, for the usage and the credits query.
    const authorized = rows.filter((r) => linked.includes(r.account));
    expect(server.calls.filter((c) => c.target.endsWith("GetCostAndUsage"))).toHaveLength(8);
    expect(sumOf(result.records)).toBe(sumOf(authorized));
    expect(sumOf(result.records.filter((r) => r.charge_category === "Credit"))).toBe(
      sumOf(authorized.filter((r) => r.category === "Credit")),
    );
    expect(new Set(result.records.map((r) => r.sub_account_id))).toEqual(new Set(linked));
    expect(result.incompleteDays).toEqual(["2026-10-19", "2026-10-20"]);
    expect(result.calls).toBe(8);
    const sent = JSON.parse(server.requests[0]?.body ?? "{}");
    expect(sent).toMatchObject({
      Granularity: "DAILY",
      TimePeriod: { Start: "2026-10-01", End: "2026-10-21" },
      Metrics: ["UnblendedCost", "AmortizedCost", "NetAmortizedCost"],
      GroupBy: [
        { Type: "DIMENSION", Key: "SERVICE" },
        { Type: "DIMENSION", Key: "LINKED_ACCOUNT" },
      ],
    });
  });

  it.each<[string, (Fault | null)[]]>([
    ["LimitExceededException", ["throttle", "throttle"]],
    ["503", ["server-error"]],
    ["a timeout", ["timeout"]],
    ["a connection reset", ["reset"]],
    ["a malformed body", ["malformed"]],
    ["mixed faults across pages", [null, "throttle", null, "server-error", "timeout"]],
  ])("returns complete data after retrying %s", async (_label, faults) => {
    // Prepare
    const rows = truthRows(awsBaseItems(), linked, window);
    server = await startAwsCostExplorerReplay({ rows, daysPerPage: 6, faults: scriptedFaults(faults), hangMs: 5_000 });

    // Act
    const result = await sourceFor(server.url).collect({ account, window });

    // Assess: same total as the truth; the retries are counted as calls.
    expect(sumOf(result.records)).toBe(sumOf(rows));
    expect(result.calls).toBe(8 + faults.filter((f) => f !== null).length);
  });

  it.each<[string, Fault]>([
    ["throttled", "throttle"],
    ["failing with 5xx", "server-error"],
    ["answering malformed bodies", "malformed"],
  ])("throws a CollectionError naming tenant, account and window when the provider keeps %s", async (_label, fault) => {
    // Prepare: the first page succeeds, every later call fails, so partial data exists.
    const rows = truthRows(awsBaseItems(), linked, window);
    server = await startAwsCostExplorerReplay({
      rows,
      daysPerPage: 6,
      faults: (i) => (i === 0 ? null : alwaysFault(fault)(i)),
    });

    // Act
    const attempt = sourceFor(server.url, 3).collect({ account, window });

    // Assess: an error, never the first page's records.
    const err = await attempt.then(
        () => null,
        (e: unknown) => e as unknown,
      );
    expect(err).toBeInstanceOf(CollectionError);
    expect((err as CollectionError).message).toContain("tenant tenant-a");
    expect((err as CollectionError).message).toContain("account aws-main");
    expect((err as CollectionError).message).toContain("2026-10-01..2026-10-20");
    expect((err as CollectionError).retryable).toBe(true);
  });

  it("refuses a well-formed answer that leaves out a day", async () => {
    // Prepare
    server = await startAwsCostExplorerReplay({ rows: truthRows(awsBaseItems(), linked, window), dropDays: ["2026-10-07"] });

    // Act / Assess
    await expect(sourceFor(server.url).collect({ account, window })).rejects.toThrow(/lack 1 day\(s\), first 2026-10-07/);
  });

  it("replaces a re-pulled window exactly after late data changed (no duplicates, no lost days)", async () => {
    // Prepare: first pull, then the provider revises the last three days and drops one service-day.
    const warehouse = new MemoryCostWarehouse();
    const rows = truthRows(awsBaseItems(), linked, window);
    server = await startAwsCostExplorerReplay({ rows, daysPerPage: 10 });
    const source = sourceFor(server.url);
    const scope = { tenantId: account.tenantId, provider: "aws" as const, source: "aws-cost-explorer", subAccountIds: linked };
    await warehouse.replaceWindow(scope, window, (await source.collect({ account, window })).records);
    const revised = rows
      .filter((r) => !(r.date === "2026-10-20" && r.account === linked[0] && r.category === "Usage"))
      .map((r) => (r.date >= "2026-10-18" ? { ...r, cost: `${r.cost}1`, effective: `${r.effective}1` } : r));
    server.setRows(revised);
    const trailing = { start: "2026-10-18", end: "2026-10-20" };

    // Act
    await warehouse.replaceWindow(scope, trailing, (await source.collect({ account, window: trailing })).records);

    // Assess: totals equal the revised truth; one row per key; every day still present.
    const totals = await warehouse.totals(account.tenantId, window);
    expect(totals.billed_cost).toBe(sumOf(revised));
    const fresh = (await source.collect({ account, window })).records;
    expect(totals.rows).toBe(fresh.length);
    expect(await warehouse.days(account.tenantId)).toHaveLength(20);
  });

  it("offers GetCostForecast beside our own forecast", async () => {
    // Prepare
    server = await startAwsCostExplorerReplay({ rows: [] });

    // Act
    const forecast = await sourceFor(server.url).getProviderForecast(account, { start: "2026-11-01", end: "2026-11-03" });

    // Assess
    expect(forecast.total).toBe("31.5");
    expect(forecast.points).toHaveLength(3);
    expect(forecast.points[0]).toEqual({ date: "2026-11-01", mean: "10.5", lower80: "8.25", upper80: "12.75" });
    const sent = JSON.parse(server.requests[0]?.body ?? "{}");
    expect(sent).toMatchObject({ Granularity: "DAILY", Metric: "UNBLENDED_COST", PredictionIntervalLevel: 80 });
  });
});

describe("costExplorerClientFactory", () => {
  it("reads static keys from cloud-creds/{tenant}/{account} and caches one client per account", async () => {
    // Prepare
    const secrets = new MemorySecretStore({
      "cloud-creds/tenant-a/aws-main": JSON.stringify({ accessKeyId: "AKIDTEST", secretAccessKey: "s3cr3t" }),
    });
    const factory = costExplorerClientFactory(createCredentialStore(secrets), { endpoint: "http://127.0.0.1:9" });

    // Act
    const a = await factory(account);
    const b = await factory(account);

    // Assess
    expect(a).toBeInstanceOf(CostExplorer);
    expect(a).toBe(b);
    const creds = await (a as CostExplorer).config.credentials();
    expect(creds.accessKeyId).toBe("AKIDTEST");
  });

  it.each([
    ["missing", {}, /is missing/],
    ["not JSON", { "cloud-creds/tenant-a/aws-main": "nope" }, /is unreadable: .*not valid JSON/],
    ["neither role nor keys", { "cloud-creds/tenant-a/aws-main": "{\"user\":\"x\"}" }, /neither a roleArn/],
  ])("refuses a secret that is %s without echoing it", async (_label, initial, message) => {
    // Prepare
    const factory = costExplorerClientFactory(createCredentialStore(new MemorySecretStore(initial as Record<string, string>)));

    // Act / Assess
    await expect(factory(account)).rejects.toThrow(message);
  });

  it("assumes the account's role when its secret names one", async () => {
    // Prepare
    const secrets = new MemorySecretStore({
      "cloud-creds/tenant-a/aws-main": JSON.stringify({ roleArn: "arn:aws:iam::123456789012:role/costmon-reader", externalId: "ext-123" }),
    });

    // Act
    const client = (await costExplorerClientFactory(createCredentialStore(secrets))(account)) as CostExplorer;

    // Assess: a provider function (fromTemporaryCredentials), not static keys; backoff is ours.
    expect(typeof client.config.credentials).toBe("function");
    expect(await client.config.retryStrategy()).toBeInstanceOf(ConfiguredRetryStrategy);
  });
});
