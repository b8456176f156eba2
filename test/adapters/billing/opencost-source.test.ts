import { afterEach, describe, expect, it } from "vitest";
import { retryAfterMs } from "#adapters/billing/http-json.js";
import { createOpenCostApi, openCostApiFactory } from "#adapters/billing/opencost-client.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";
import { fetchKubernetesPartOfBill, OpenCostAllocationSource } from "#domain/billing/providers/opencost/source.js";
import { alwaysFault, scriptedFaults } from "../../support/replay/faults.js";
import type { ReplayServer } from "../../support/replay/http-server.js";
import { allocationResponse } from "../../support/replay/opencost-fixtures.js";
import { startOpenCostServer } from "../../support/replay/opencost-server.js";

// The server replays the documented /allocation shape (OpenCost API reference; opencost-website
// static/allocation-example-output.json); the values are our own.
const TOKEN = "tok-123";
const retry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };
const clock = { now: () => new Date("2026-12-05T06:00:00Z") };
const account: CloudAccountRef = {
  tenantId: "t1",
  accountId: "k8s-prod",
  provider: "other",
  scope: { clusterId: "cluster-one", currency: "EUR", billSplit: "none" },
  environment: "prod",
};
const window = { start: "2026-11-01", end: "2026-11-01" };
const body = allocationResponse({
  "2026-11-01": [
    { key: "web", namespace: "web", cpuCost: 2, ramCost: 1 },
    { key: "__idle__", cpuCost: 1, ramCost: 0 },
  ],
});

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sourceFor(url: string, token = TOKEN) {
  const credentials = { get: async () => ({ url, token }) };
  return new OpenCostAllocationSource({ clientFor: openCostApiFactory(credentials, { retry, timeoutMs: 500 }), clock });
}

describe("OpenCost allocation source against a replay server", () => {
  it("sends the daily, idle-included, unshared query with the secret's bearer token", async () => {
    server = await startOpenCostServer({ token: TOKEN, body: () => body });
    const result = await sourceFor(server.url).collect({ account, window });
    const q = new URL(server.requests[0]?.url ?? "", "http://x").searchParams;
    expect(Object.fromEntries(q)).toEqual({
      window: "2026-11-01T00:00:00Z,2026-11-02T00:00:00Z",
      aggregate: "namespace,controllerKind,controller",
      step: "1d",
      includeIdle: "true",
      shareIdle: "false",
    });
    expect(result.calls).toBe(1);
    expect(result.records.map((r) => [r.service_name, r.billed_cost, r.billing_currency])).toEqual([
      ["Kubernetes workload", "3", "EUR"],
      ["Kubernetes idle", "1", "EUR"],
    ]);
  });

  it("backs off on 429, 503 and a truncated body, then succeeds", async () => {
    server = await startOpenCostServer({ token: TOKEN, body: () => body, faults: scriptedFaults(["throttle", "server-error", "malformed"]) });
    const result = await sourceFor(server.url).collect({ account, window });
    expect(result.calls).toBe(4);
    expect(result.records).toHaveLength(2);
  });

  it("gives up with a retryable CollectionError once the budget is spent", async () => {
    server = await startOpenCostServer({ token: TOKEN, body: () => body, faults: alwaysFault("server-error") });
    const err = await sourceFor(server.url).collect({ account, window }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectionError);
    expect((err as CollectionError).retryable).toBe(true);
    expect(server.requests).toHaveLength(retry.maxAttempts);
  });

  it("does not retry a refused token, and never puts the token in the error", async () => {
    server = await startOpenCostServer({ token: TOKEN, body: () => body });
    const err = await sourceFor(server.url, "wrong-secret-token").collect({ account, window }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectionError);
    expect((err as CollectionError).retryable).toBe(false);
    expect(String((err as Error).message)).not.toContain("wrong-secret-token");
    expect(server.requests).toHaveLength(1);
  });

  it("refuses an answer that is not the documented shape, and a non-200 code", async () => {
    server = await startOpenCostServer({ token: TOKEN, body: () => ({ code: 200, data: [{ web: { name: "web" } }] }) });
    await expect(sourceFor(server.url).collect({ account, window })).rejects.toThrow(/unreadable \/allocation answer/);
    await server.close();
    server = await startOpenCostServer({ token: TOKEN, body: () => ({ code: 500, message: "prometheus down", data: null }) });
    const err = await sourceFor(server.url).collect({ account, window }).catch((e: unknown) => e);
    expect((err as CollectionError).retryable).toBe(true);
  });

  it("refuses an account scope without a cluster id", async () => {
    const api = createOpenCostApi({ url: "http://127.0.0.1:9" }, { retry });
    const src = new OpenCostAllocationSource({ clientFor: async () => api });
    await expect(src.collect({ account: { ...account, scope: {} }, window })).rejects.toThrow(/invalid OpenCost scope/);
  });

  it("reads the Kubernetes part of the bill from /cloudCost, retrying a throttle", async () => {
    // Shape of opencost-website static/cloudCost-example-output.json; values are ours.
    const measure = { cost: 200.5, kubernetesPercent: 0.5 };
    const cc = {
      code: 200,
      data: {
        sets: [
          {
            cloudCosts: {
              GCP: { properties: { provider: "GCP" }, window: { start: "2026-11-01T00:00:00Z", end: "2026-11-02T00:00:00Z" }, listCost: measure, netCost: measure, amortizedNetCost: measure, invoicedCost: measure, amortizedCost: measure },
            },
            window: { start: "2026-11-01T00:00:00Z", end: "2026-11-02T00:00:00Z" },
            aggregationProperties: ["provider"],
          },
        ],
      },
    };
    server = await startOpenCostServer({ token: TOKEN, body: () => body, cloudCost: () => cc, faults: scriptedFaults(["throttle"]) });
    const api = createOpenCostApi({ url: server.url, token: TOKEN }, { retry });
    expect(await fetchKubernetesPartOfBill(api, window)).toEqual({ parts: [{ day: "2026-11-01", provider: "gcp", netCost: "200.5", kubernetesCost: "100.25" }], calls: 2 });
    const q = new URL(server.requests[1]?.url ?? "", "http://x");
    expect(q.pathname).toBe("/cloudCost");
    expect(Object.fromEntries(q.searchParams)).toEqual({ window: "2026-11-01T00:00:00Z,2026-11-02T00:00:00Z", aggregate: "provider", accumulate: "day" });
    await server.close();
    server = await startOpenCostServer({ token: TOKEN, body: () => body, cloudCost: () => ({ code: 200, data: { sets: [{ cloudCosts: { x: { netCost: { cost: 1, kubernetesPercent: 2 } } } }] } }) });
    await expect(fetchKubernetesPartOfBill(createOpenCostApi({ url: server.url, token: TOKEN }, { retry }), window)).rejects.toThrow(/unreadable \/cloudCost answer/);
  });

  it("by default prices the allocations by the bill's Kubernetes part from /cloudCost", async () => {
    const measure = { cost: 10, kubernetesPercent: 0.2 };
    const win = { start: "2026-11-01T00:00:00Z", end: "2026-11-02T00:00:00Z" };
    const cc = { code: 200, data: { sets: [{ cloudCosts: { AWS: { properties: { provider: "AWS" }, window: win, netCost: measure } }, window: win }] } };
    server = await startOpenCostServer({ token: TOKEN, body: () => body, cloudCost: () => cc });
    const result = await sourceFor(server.url).collect({ account: { ...account, scope: { clusterId: "cluster-one" } }, window });
    expect(result.calls).toBe(2);
    // OpenCost priced the day at 4 (3 + idle 1); the bill's Kubernetes part is 2, split 3:1.
    expect(result.records.map((r) => [r.service_name, r.billed_cost, r.list_cost])).toEqual([
      ["Kubernetes workload", "1.5", "3"],
      ["Kubernetes idle", "0.5", "1"],
    ]);
    await server.close();
    server = await startOpenCostServer({ token: TOKEN, body: () => body });
    const err = await sourceFor(server.url).collect({ account: { ...account, scope: { clusterId: "cluster-one" } }, window }).catch((e: unknown) => e);
    expect((err as CollectionError).retryable).toBe(false);
  });

  it("with billSplit nodes prices the allocations by the bill items of the cluster's own nodes, matched by resource id", async () => {
    const win = { start: "2026-11-01T00:00:00Z", end: "2026-11-02T00:00:00Z" };
    // /allocation?aggregate=node: the cluster's nodes with the providerID Kubernetes gave them.
    const nodesAnswer = allocationResponse({ "2026-11-01": [{ key: "ip-10-0-1-5", cpuCost: 2, ramCost: 1 }, { key: "ip-10-0-2-9", cpuCost: 1, ramCost: 0 }] });
    const props = (k: string) => (nodesAnswer.data[0] as Record<string, { properties: Record<string, unknown> }>)[k]?.properties ?? {};
    props("ip-10-0-1-5").providerID = "aws:///us-east-1a/i-0aaa";
    props("ip-10-0-2-9").providerID = "aws:///us-east-1b/i-0bbb";
    // /cloudCost?aggregate=providerID: every billed resource of the integration, another cluster's node included.
    const item = (providerID: string, cost: number) => ({ properties: { provider: "AWS", providerID }, window: win, netCost: { cost, kubernetesPercent: 0.5 } });
    const cc = { code: 200, data: { sets: [{ window: win, cloudCosts: { a: item("i-0aaa", 6), b: item("i-0bbb", 2), other: item("i-0zzz", 90) } }] } };
    server = await startOpenCostServer({ token: TOKEN, body: (q) => (q.get("aggregate") === "node" ? nodesAnswer : body), cloudCost: () => cc });
    const result = await sourceFor(server.url).collect({ account: { ...account, scope: { clusterId: "cluster-one", billSplit: "nodes" } }, window });
    expect(result.calls).toBe(3);
    const queries = server.requests.map((r) => new URL(r.url, "http://x")).map((u) => [u.pathname, u.searchParams.get("aggregate")]);
    expect(queries).toEqual([
      ["/allocation", "namespace,controllerKind,controller"],
      ["/allocation", "node"],
      ["/cloudCost", "providerID"],
    ]);
    // The nodes' bill is 8 (6 + 2, whole: kubernetesPercent is not used), split 3:1 like OpenCost's prices.
    expect(result.records.map((r) => [r.service_name, r.billed_cost, r.list_cost])).toEqual([
      ["Kubernetes workload", "6", "3"],
      ["Kubernetes idle", "2", "1"],
    ]);
  });

  it("reads Retry-After in seconds and as a date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("Thu, 01 Jan 1970 00:00:10 GMT", 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
  });
});
