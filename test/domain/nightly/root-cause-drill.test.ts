import Big from "big.js";
import { afterEach, describe, expect, it } from "vitest";
import { createCostExplorerClient } from "#adapters/billing/aws-cost-explorer-client.js";
import { createCostManagementClient } from "#adapters/billing/azure-cost-management-client.js";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import type { CloudAccountDoc } from "#domain/billing/cloud-account.js";
import type { BillingSource, CloudAccountRef } from "#domain/billing/ports.js";
import { AwsCostExplorerSource } from "#domain/billing/providers/aws/source.js";
import { AzureCostManagementSource } from "#domain/billing/providers/azure/source.js";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import { drillRootCauses } from "#domain/nightly/analyze/root-cause-drill.js";
import { addDays, daysInWindow } from "#kernel/days.js";
import type { EventBus } from "#kernel/ports.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { startAwsCostExplorerReplay } from "../../support/replay/aws-cost-explorer-server.js";
import { startAzureCostManagementReplay } from "../../support/replay/azure-cost-management-server.js";
import type { TruthRow } from "../../support/replay/billing-dataset.js";

/**
 * Root causes of AWS and Azure anomalies come from the provider's API: the collected rows carry no
 * region or usage type (AWS) and no resource group or meter category (Azure), so the analysis
 * stage asks the account's source to drill into the flagged service and account, and splits the
 * deviation by each dimension. The truth rows below are constructed: a steady service in two
 * regions (resource groups), one of which jumps on the last two days.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const RUN_DATE = "2026-10-31";
const window = { start: "2026-08-01", end: addDays(RUN_DATE, -1) };
const bus: EventBus = { publish: async () => "1", subscribe() {}, async drain() {}, async close() {} };

/** Two children of one service: `hot` steady at 10 then 40 on the last two days, `cold` steady at 5. */
function spikeRows(account: string, service: string, dims: { hot: Partial<TruthRow>; cold: Partial<TruthRow> }): TruthRow[] {
  const days = daysInWindow(window);
  return days.flatMap((date, i) => {
    const late = i >= days.length - 2;
    const base = { date, account, service, region: "", resourceGroup: "", category: "Usage" as const, currency: "USD", unit: "", quantity: "0" };
    const hot = late ? "40" : new Big(10).plus((i % 3) / 10).toFixed();
    const cold = new Big(5).plus((i % 2) / 10).toFixed();
    return [
      { ...base, ...dims.hot, cost: hot, effective: hot, list: hot },
      { ...base, ...dims.cold, cost: cold, effective: cold, list: cold },
    ];
  });
}

async function analyzeWith(tenantId: string, provider: "aws" | "azure", source: BillingSource, account: CloudAccountRef, scope: CloudAccountDoc["scope"]) {
  const collected = await source.collect({ account, window });
  const warehouse = await DuckDbCostWarehouse.open({ file: ":memory:" });
  closers.push(() => warehouse.close());
  await warehouse.upsert(tenantId, collected.records);
  const store = new MemoryDocumentStore();
  await store.set(`tenants/${tenantId}`, { name: tenantId });
  await store.set(`tenants/${tenantId}/cloud_accounts/${account.accountId}`, {
    provider,
    billingAccountId: "billing",
    subAccountId: "sub",
    environment: "prod",
    scope,
    collector: "provider",
  });
  const analysis = await analyzeTenant(
    { warehouse, store, bus, dashboardUrl: "https://costs.example.com", clock: { now: () => new Date(`${RUN_DATE}T04:00:00Z`) }, sourceFor: () => source },
    { tenantId, runDate: RUN_DATE, accounts: [], failedAccounts: [] },
  );
  const docs = await store.list(`tenants/${tenantId}/anomalies`);
  return { collected, analysis, anomalies: docs.docs.map((d) => d.data as { rootCauses: { dimension: string; value: string; contribution: string }[]; impact: string }) };
}

/** Sum of the contributions of one dimension, in cents. */
const cents = (causes: { dimension: string; contribution: string }[], dimension: string) =>
  causes.filter((c) => c.dimension === dimension).reduce((s, c) => s.plus(c.contribution), new Big(0));

describe("root causes through the provider's drill-down", () => {
  it("AWS: names the region and the usage type that moved, in money, though the ledger has no region", async () => {
    // Prepare
    const linked = "111111111111";
    const rows = spikeRows(linked, "Amazon Elastic Compute Cloud - Compute", {
      hot: { region: "us-east-1", usageType: "USE1-BoxUsage:m5.large" },
      cold: { region: "eu-west-1", usageType: "EU-BoxUsage:t3.micro" },
    });
    const server = await startAwsCostExplorerReplay({ rows, daysPerPage: 31 });
    closers.push(server.close);
    const client = createCostExplorerClient({ endpoint: server.url, credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "s" }, maxAttempts: 1 });
    const source = new AwsCostExplorerSource({ clientFor: async () => client });
    const scope = { payerAccountId: "999999999999", linkedAccountIds: [linked] };
    const account: CloudAccountRef = { tenantId: "t-aws", accountId: "aws-main", provider: "aws", scope, environment: "prod" };

    // Act
    const { collected, anomalies } = await analyzeWith("t-aws", "aws", source, account, scope);

    // Assess: the ledger has no region; the anomaly's causes do, and their money adds up.
    expect(collected.records.every((r) => r.region_id === "")).toBe(true);
    expect(anomalies).toHaveLength(1);
    const [a] = anomalies;
    const top = (dimension: string) => a!.rootCauses.filter((c) => c.dimension === dimension)[0];
    expect(top("region")).toMatchObject({ value: "us-east-1" });
    expect(top("usage_type")).toMatchObject({ value: "USE1-BoxUsage:m5.large" });
    expect(new Big(top("region")!.contribution).gt(25)).toBe(true);
    expect(a!.rootCauses.some((c) => c.value === "(none)")).toBe(false);
    // Each dimension splits the last day's deviation: both dimensions sum to the same amount.
    expect(cents(a!.rootCauses, "region").toFixed(2)).toBe(cents(a!.rootCauses, "usage_type").toFixed(2));
    const drill = server.requests.map((r) => JSON.parse(r.body) as { GroupBy?: { Key: string }[] }).filter((b) => b.GroupBy?.[1]?.Key === "REGION" || b.GroupBy?.[1]?.Key === "USAGE_TYPE");
    expect(drill).toHaveLength(2);
  });

  it("Azure: names the resource group and the meter category that moved", async () => {
    // Prepare
    const sub = "11111111-1111-1111-1111-111111111111";
    const rows = spikeRows(sub, "Virtual Machines", {
      hot: { region: "East US", resourceGroup: "rg-batch", meterCategory: "Virtual Machines Licenses" },
      cold: { region: "East US", resourceGroup: "rg-web", meterCategory: "Bandwidth" },
    });
    const server = await startAzureCostManagementReplay({ rows, rowsPerPage: 100 });
    closers.push(server.close);
    const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const { api } = createCostManagementClient({ credential, endpoint: server.url, tlsCa: server.ca, maxRetries: 0 });
    const source = new AzureCostManagementSource({ clientFor: async () => api });
    const scope = { scopeType: "subscription", subscriptionId: sub };
    const account: CloudAccountRef = { tenantId: "t-az", accountId: "azure-main", provider: "azure", scope, environment: "prod" };

    // Act
    const { anomalies } = await analyzeWith("t-az", "azure", source, account, scope);

    // Assess
    expect(anomalies).toHaveLength(1);
    const causes = anomalies[0]!.rootCauses;
    expect(causes.filter((c) => c.dimension === "resource_group")[0]).toMatchObject({ value: "rg-batch" });
    expect(causes.filter((c) => c.dimension === "meter_category")[0]).toMatchObject({ value: "Virtual Machines Licenses" });
    expect(cents(causes, "resource_group").toFixed(2)).toBe(cents(causes, "meter_category").toFixed(2));
  });
});

describe("drillRootCauses without a usable drill-down", () => {
  const run = {
    seriesKey: "aws|111111111111|Amazon EC2",
    currency: "USD",
    start: "2026-10-30",
    end: "2026-10-30",
    direction: "increase" as const,
    expected: "10.00",
    actual: "40.00",
    impact: "30.00",
    score: 9,
    severity: "medium" as const,
    rootCauses: [{ dimension: "region", value: "(none)", contribution: "30.00" }],
  };
  const series = [
    {
      seriesKey: run.seriesKey,
      currency: "USD",
      series: { exact: new Map([["2026-10-30", "40"]]), points: [{ date: "2026-10-30", cost: 40 }] },
      regions: [],
    },
  ];

  it("keeps the ledger's causes and reports the failure when the provider call fails", async () => {
    // Prepare
    const errors: unknown[] = [];

    // Act
    const [out] = await drillRootCauses([run], series, async () => Promise.reject(new Error("throttled")), {}, { onError: (_r, e) => errors.push(e) });

    // Assess
    expect(out?.rootCauses).toEqual(run.rootCauses);
    expect(errors).toHaveLength(1);
  });

  it("makes no provider call for an anomaly the skip rule leaves alone, nor for GCP", async () => {
    // Prepare
    let calls = 0;
    const drill = async () => {
      calls += 1;
      return [];
    };

    // Act
    await drillRootCauses([run], series, drill, {}, { skip: () => true });
    await drillRootCauses([{ ...run, seriesKey: "gcp|p|BigQuery" }], [{ ...series[0]!, seriesKey: "gcp|p|BigQuery" }], drill, {});

    // Assess
    expect(calls).toBe(0);
  });
});
