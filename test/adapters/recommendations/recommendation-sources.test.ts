import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRecommendationSources } from "#adapters/recommendations/recommendation-sources.js";
import { ListRecommendationsInput, listRecommendations } from "#domain/recommendations/lifecycle.js";
import { syncTenantRecommendations } from "#domain/recommendations/sync.js";
import { type FakeEntra, startFakeEntra } from "../billing/fake-entra.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { type AwsRecommendationsServer, startAwsRecommendationsServer } from "../../support/replay/aws-recommendations-server.js";
import { type AzureAdvisorServer, SUBSCRIPTION, startAzureAdvisorServer } from "../../support/replay/azure-advisor-server.js";

// The composition the sync uses, against the replay servers of Cost Explorer and Advisor (records
// reconstructed from the providers' API references, see each server) and a stand-in for Entra ID.
// GCP Recommender against its recorded responses is covered in test/adapters/gcp.

const AZURE_SP = { tenantId: "aad-tenant", clientId: "app-id", clientSecret: "sp-secret-value" };
const NOW = new Date("2026-12-05T06:00:00Z");

let aws: AwsRecommendationsServer;
let advisor: AzureAdvisorServer;
let entra: FakeEntra;
let dir: string;

beforeAll(async () => {
  [aws, advisor, entra] = await Promise.all([startAwsRecommendationsServer(), startAzureAdvisorServer(), startFakeEntra(AZURE_SP)]);
  dir = mkdtempSync(join(tmpdir(), "recs-"));
  writeFileSync(join(dir, "ca.pem"), `${advisor.ca}\n${entra.ca}`);
});
afterAll(async () => {
  await Promise.all([aws.close(), advisor.close(), entra.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function tenant(store: MemoryDocumentStore, accounts: Record<string, Record<string, unknown>>) {
  await store.set("tenants/t1", { name: "t1", status: "active" });
  for (const [id, doc] of Object.entries(accounts)) await store.set(`tenants/t1/cloud_accounts/${id}`, doc);
}

const creds: Record<string, Record<string, string>> = {
  "aws-payer": { accessKeyId: "AKIDREPLAY", secretAccessKey: "replay-secret" },
  "azure-sub": AZURE_SP,
};

function sources(demo = false) {
  return createRecommendationSources({
    credentials: { get: async (_t, a) => creds[a] ?? null },
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    awsRegion: "us-east-1",
    endpoints: { costExplorer: aws.url, azureManagement: advisor.url, azureAuthority: entra.url, azureTlsCaFile: join(dir, "ca.pem") },
    demo,
  });
}

describe("the recommendations of a tenant's connected accounts, from every cloud, in one sync", () => {
  it("reads AWS and Azure with each account's credentials and stores one action per resource", async () => {
    const store = new MemoryDocumentStore();
    await tenant(store, {
      "aws-payer": { provider: "aws", billingAccountId: "111111111111", subAccountId: "111111111111", environment: "prod", scope: { payerAccountId: "111111111111" } },
      "azure-sub": { provider: "azure", billingAccountId: "ea", subAccountId: SUBSCRIPTION, environment: "prod", scope: { scopeType: "subscription", subscriptionId: SUBSCRIPTION } },
      // No recommendations source for an OpenCost account, nor for a demo account when the demo is off.
      kube: { provider: "other", billingAccountId: "k", subAccountId: "k", environment: "prod", template: "opencost" },
      demo: { provider: "gcp", billingAccountId: "b", subAccountId: "p", environment: "prod", collector: "demo" },
    });
    const r = await syncTenantRecommendations(store, "t1", sources(), NOW);
    expect(r.failedAccounts).toEqual([]);
    // AWS: 3 rightsizing + 2 Savings Plans; Azure: 4 cost records of the tenant's subscription.
    expect(r.found).toBe(9);
    expect(r.kept).toBe(9);
    const stored = await listRecommendations(store, "t1", ListRecommendationsInput.parse({ limit: 200 }));
    expect(new Set(stored.items.map((i) => i.provider))).toEqual(new Set(["aws", "azure"]));
    expect(stored.items.map((i) => i.score)).toEqual([...stored.items.map((i) => i.score)].sort((a, b) => b - a));
    expect(entra.tokenRequests.length).toBeGreaterThan(0);
    expect(advisor.requests.every((q) => q.headers.authorization === `Bearer ${entra.accessToken}`)).toBe(true);
  });

  it("an account whose provider fails is reported and the others are still stored", async () => {
    const store = new MemoryDocumentStore();
    await tenant(store, {
      "aws-payer": { provider: "aws", billingAccountId: "111111111111", subAccountId: "111111111111", environment: "prod", scope: { payerAccountId: "111111111111" } },
      // No credentials stored for this one.
      "aws-other": { provider: "aws", billingAccountId: "222222222222", subAccountId: "222222222222", environment: "prod", scope: { payerAccountId: "222222222222" } },
    });
    const r = await syncTenantRecommendations(store, "t1", sources(), NOW);
    expect(r.failedAccounts).toHaveLength(1);
    expect(r.failedAccounts[0]?.accountId).toBe("aws-other");
    expect(r.failedAccounts[0]?.error).toMatch(/cloud-creds\/t1\/aws-other is missing/);
    expect(r.kept).toBe(5);
  });

  it("a GCP account without recommender locations reads nothing; a bad scope is a failed account, not a crash", async () => {
    const store = new MemoryDocumentStore();
    await tenant(store, {
      gcp: { provider: "gcp", billingAccountId: "01338E-BE3FD6-363B4C", subAccountId: "proj-a", environment: "prod", scope: { projectIds: ["proj-a"] } },
      "azure-sub": { provider: "azure", billingAccountId: "ea", subAccountId: SUBSCRIPTION, environment: "prod", scope: { scopeType: "subscription" } },
    });
    const r = await syncTenantRecommendations(store, "t1", sources(), NOW);
    expect(r.found).toBe(0);
    expect(r.failedAccounts.map((f) => f.accountId)).toEqual(["azure-sub"]);
    expect(r.failedAccounts[0]?.error).toMatch(/invalid scope for recommendations/);
  });

  it("demo accounts get the demo recommendations when the runtime has the demo", async () => {
    const store = new MemoryDocumentStore();
    await tenant(store, { demo: { provider: "gcp", billingAccountId: "b", subAccountId: "p", environment: "prod", collector: "demo" } });
    expect((await syncTenantRecommendations(store, "t1", sources(true), NOW)).found).toBe(4);
  });
});
