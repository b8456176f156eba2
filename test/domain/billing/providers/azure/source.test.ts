import { afterEach, describe, expect, it } from "vitest";
import { createCostManagementClient } from "#adapters/billing/azure-cost-management-client.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { AzureCostManagementSource } from "#domain/billing/providers/azure/source.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";
import { MemoryCostWarehouse } from "../../../../fakes/memory-cost-warehouse.js";
import { type AzureReplayServer, startAzureCostManagementReplay } from "../../../../support/replay/azure-cost-management-server.js";
import { azureBaseItems, effectiveSumOf, sumOf, truthRows } from "../../../../support/replay/billing-dataset.js";
import { alwaysFault, type Fault, scriptedFaults } from "../../../../support/replay/faults.js";

const window = { start: "2026-10-01", end: "2026-10-10" };
const SUB_A = "11111111-1111-1111-1111-111111111111";
const SUB_B = "22222222-2222-2222-2222-222222222222";
const SUB_X = "99999999-9999-9999-9999-999999999999";
const credential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

const accountFor = (scope: CloudAccountRef["scope"]): CloudAccountRef => ({
  tenantId: "tenant-z",
  accountId: "azure-main",
  provider: "azure",
  scope,
  environment: "prod",
});

let server: AzureReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sourceFor(s: AzureReplayServer, maxRetries = 3): AzureCostManagementSource {
  const { api } = createCostManagementClient({
    credential,
    endpoint: s.url,
    tlsCa: s.ca,
    maxRetries,
    retryDelayInMs: 1,
    maxRetryDelayInMs: 5,
    requestTimeoutMs: 1_000,
    defaultRetryAfterSeconds: 0,
  });
  return new AzureCostManagementSource({ clientFor: async () => api });
}

const rows = () => truthRows(azureBaseItems(), [SUB_A, SUB_B, SUB_X], window, { dp: 10, credits: false });

describe("AzureCostManagementSource against the Query_Usage replay (HTTPS, self-signed)", () => {
  it.each([
    ["subscription", { scopeType: "subscription", subscriptionId: SUB_A }, [SUB_A]],
    ["billing account", { scopeType: "billingAccount", billingAccountId: "8611537", subscriptionIds: [SUB_A, SUB_B] }, [SUB_A, SUB_B]],
  ])("collects a %s scope over several nextLink pages, authorized subscriptions only", async (_label, scope, subs) => {
    // Prepare
    const truth = rows();
    server = await startAzureCostManagementReplay({ rows: truth, rowsPerPage: 7 });

    // Act
    const result = await sourceFor(server).collect({ account: accountFor(scope as CloudAccountRef["scope"]), window });

    // Assess: totals equal the truth of the authorized subscriptions; nextLink bodies equal the first.
    const authorized = truth.filter((r) => subs.includes(r.account));
    expect(sumOf(result.records)).toBe(sumOf(authorized));
    expect(effectiveSumOf(result.records)).toBe(effectiveSumOf(authorized));
    expect(new Set(result.records.map((r) => r.sub_account_id))).toEqual(new Set(subs));
    expect(server.calls.length).toBeGreaterThan(subs.length * 4);
    expect(server.requests.map((r) => JSON.parse(r.body).type)).toContain("AmortizedCost");
    expect(server.bodyMismatches).toBe(0);
    expect(server.calls.every((c) => c.clientType === "costmon-collector")).toBe(true);
    expect(result.calls).toBe(server.calls.length);
    const sent = JSON.parse(server.requests[0]?.body ?? "{}");
    expect(sent.dataset.granularity).toBe("Daily");
    expect(sent.dataset.grouping).toEqual([
      { type: "Dimension", name: "ServiceName" },
      { type: "Dimension", name: "ResourceLocation" },
    ]);
    expect(server.requests[0]?.url).toContain("api-version=2025-03-01");
  });

  it("collects a resource-group scope, recording the group as resource_id", async () => {
    // Prepare
    const truth = rows();
    const rg = truth[0]?.resourceGroup ?? "";
    server = await startAzureCostManagementReplay({ rows: truth });

    // Act
    const result = await sourceFor(server).collect({
      account: accountFor({ scopeType: "resourceGroup", subscriptionId: SUB_A, resourceGroup: rg }),
      window,
    });

    // Assess
    expect(sumOf(result.records)).toBe(sumOf(truth.filter((r) => r.account === SUB_A && r.resourceGroup === rg)));
    expect(new Set(result.records.map((r) => r.resource_id))).toEqual(new Set([`/subscriptions/${SUB_A}/resourceGroups/${rg}`]));
    expect(server.requests[0]?.url).toContain(`/subscriptions/${SUB_A}/resourceGroups/${rg}/providers/Microsoft.CostManagement/query`);
  });

  it("honours x-ms-ratelimit-microsoft.costmanagement-*-retry-after on a 429", async () => {
    // Prepare: one throttle that names a 1-second QPU wait and nothing else.
    const truth = rows();
    server = await startAzureCostManagementReplay({ rows: truth, faults: scriptedFaults(["throttle"]), retryAfterSeconds: 1 });
    const started = Date.now();

    // Act
    const result = await sourceFor(server).collect({ account: accountFor({ scopeType: "subscription", subscriptionId: SUB_A }), window });

    // Assess: retried (not failed) and the retry came after the advertised second.
    expect(sumOf(result.records)).toBe(sumOf(truth.filter((r) => r.account === SUB_A)));
    expect(server.calls[0]?.fault).toBe("throttle");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it.each<[string, (Fault | null)[]]>([
    ["429s on every rate-limit header", ["throttle", "throttle", "throttle"]],
    ["503", ["server-error"]],
    ["a timeout", ["timeout"]],
    ["a connection reset", ["reset"]],
    ["a malformed body", ["malformed"]],
    ["faults on a nextLink page", [null, "server-error", null, "throttle"]],
  ])("returns complete data after %s", async (_label, faults) => {
    // Prepare
    const truth = rows();
    server = await startAzureCostManagementReplay({ rows: truth, rowsPerPage: 7, faults: scriptedFaults(faults), hangMs: 5_000 });

    // Act
    const result = await sourceFor(server).collect({ account: accountFor({ scopeType: "subscription", subscriptionId: SUB_A }), window });

    // Assess
    expect(sumOf(result.records)).toBe(sumOf(truth.filter((r) => r.account === SUB_A)));
    expect(result.calls).toBe(server.calls.length);
  });

  it.each<[string, Fault, boolean]>([
    ["throttled", "throttle", true],
    ["failing with 5xx", "server-error", true],
    ["answering malformed bodies", "malformed", true],
  ])("throws a CollectionError when the provider keeps %s, never partial data", async (_label, fault, retryable) => {
    // Prepare: the first page succeeds, then every call fails.
    server = await startAzureCostManagementReplay({ rows: rows(), rowsPerPage: 7, faults: (i) => (i === 0 ? null : alwaysFault(fault)(i)) });

    // Act
    const err = await sourceFor(server, 2)
      .collect({ account: accountFor({ scopeType: "subscription", subscriptionId: SUB_A }), window })
      .then(
        () => null,
        (e: unknown) => e as unknown,
      );

    // Assess
    expect(err).toBeInstanceOf(CollectionError);
    const e = err as CollectionError;
    expect(e.message).toMatch(/tenant tenant-z, account azure-main, window 2026-10-01\.\.2026-10-10/);
    expect(e.retryable).toBe(retryable);
  });

  it.each([
    ["an unknown scope type", { scopeType: "managementGroup", id: "x" }],
    ["a billing account without subscriptions", { scopeType: "billingAccount", billingAccountId: "1" }],
    ["a hostile subscription id", { scopeType: "subscription", subscriptionId: "../../providers/x" }],
  ])("refuses %s before calling the provider", async (_label, scope) => {
    // Prepare
    server = await startAzureCostManagementReplay({ rows: [] });

    // Act / Assess
    await expect(sourceFor(server).collect({ account: accountFor(scope as CloudAccountRef["scope"]), window })).rejects.toThrow(
      /invalid Azure scope/,
    );
    expect(server.calls).toHaveLength(0);
  });

  it("replaces a re-pulled window exactly after late data changed", async () => {
    // Prepare
    const warehouse = new MemoryCostWarehouse();
    const truth = rows().filter((r) => r.account === SUB_A);
    server = await startAzureCostManagementReplay({ rows: truth, rowsPerPage: 7 });
    const source = sourceFor(server);
    const account = accountFor({ scopeType: "subscription", subscriptionId: SUB_A });
    const scope = { tenantId: account.tenantId, provider: "azure" as const, source: "azure-cost-management", subAccountIds: [SUB_A] };
    await warehouse.replaceWindow(scope, window, (await source.collect({ account, window })).records);
    const firstService = truth[0]?.service;
    const revised = truth
      .filter((r) => !(r.date === "2026-10-10" && r.service === firstService))
      .map((r) => (r.date >= "2026-10-08" ? { ...r, cost: `${r.cost}5` } : r));
    server.setRows(revised);
    const trailing = { start: "2026-10-08", end: "2026-10-10" };

    // Act
    await warehouse.replaceWindow(scope, trailing, (await source.collect({ account, window: trailing })).records);

    // Assess
    const totals = await warehouse.totals(account.tenantId, window);
    expect(totals.billed_cost).toBe(sumOf(revised));
    expect(totals.rows).toBe((await source.collect({ account, window })).records.length);
    expect(await warehouse.days(account.tenantId)).toHaveLength(10);
  });
});
