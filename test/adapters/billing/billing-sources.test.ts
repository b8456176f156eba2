import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type BillingSourcesOptions, createBillingSources } from "#adapters/billing/billing-sources.js";
import { CircuitGuardedSource } from "#adapters/billing/circuit-guarded-source.js";
import { type CloudAccountDoc, CloudAccountDocSchema } from "#domain/billing/cloud-account.js";
import type { Provider } from "#domain/billing/cost-record.js";
import type { BillingSource, CloudAccountRef } from "#domain/billing/ports.js";
import { AwsCostExplorerSource } from "#domain/billing/providers/aws/source.js";
import { AzureCostManagementSource } from "#domain/billing/providers/azure/source.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";
import { FocusExportSource } from "#domain/billing/providers/focus/export-source.js";
import { GcpBillingExportSource } from "#domain/billing/providers/gcp/source.js";
import { OpenCostAllocationSource } from "#domain/billing/providers/opencost/source.js";
import { VultrBillingSource } from "#domain/billing/providers/vultr/source.js";
import { resetBreakers } from "#foundation/selfops/circuit-breaker.js";
import { createCredentialStore } from "#foundation/infrastructure/credential-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { startAwsCostExplorerReplay } from "../../support/replay/aws-cost-explorer-server.js";
import { startAzureCostManagementReplay } from "../../support/replay/azure-cost-management-server.js";
import { startBigQueryReplay } from "../../support/replay/bigquery-server.js";
import { awsBaseItems, azureBaseItems, gcpBaseItems, sumOf, truthRows } from "../../support/replay/billing-dataset.js";
import { alwaysFault, type FaultPlan } from "../../support/replay/faults.js";
import { startFakeEntra } from "./fake-entra.js";

const clock = { now: () => new Date("2026-10-21T06:00:00Z") };
const AWS_KEYS = JSON.stringify({ accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" });
const AZURE_SP = { tenantId: "aad-tenant", clientId: "app-id", clientSecret: "sp-secret-value" };

const GCP_BILLING = "01338E-BE3FD6-363B4C";
const GCP_PROJECTS = ["voormedia-187708", "analytics-prod-01"];
const AWS_LINKED = ["111111111111", "222222222222"];
const AZURE_SUB = "11111111-1111-1111-1111-111111111111";

const SCOPES: Record<"gcp" | "aws" | "azure", CloudAccountRef["scope"]> = {
  gcp: {
    billingAccountId: GCP_BILLING,
    projectIds: GCP_PROJECTS,
    table: "billing-admin.all_billing_data.gcp_billing_export_resource_v1_01338E_BE3FD6_363B4C",
  },
  aws: { payerAccountId: "999999999999", linkedAccountIds: AWS_LINKED },
  azure: { scopeType: "subscription", subscriptionId: AZURE_SUB },
};

/** An account ref and its document, as collectAccount hands them to the resolver. */
function accountOf(
  provider: Provider,
  opts: { tenantId?: string; collector?: "provider" | "demo"; scope?: CloudAccountRef["scope"] } = {},
): { ref: CloudAccountRef; doc: CloudAccountDoc } {
  const scope = opts.scope ?? (provider === "gcp" || provider === "aws" || provider === "azure" ? SCOPES[provider] : {});
  const doc = CloudAccountDocSchema.parse({
    provider,
    billingAccountId: "billing",
    subAccountId: "sub",
    environment: "prod",
    scope,
    collector: opts.collector ?? "provider",
  });
  const ref: CloudAccountRef = { tenantId: opts.tenantId ?? "tenant-a", accountId: `${provider}-main`, provider, scope, environment: "prod" };
  return { ref, doc };
}

function optionsWith(secrets: Record<string, string>, over: Partial<BillingSourcesOptions> = {}): BillingSourcesOptions {
  return {
    credentials: createCredentialStore(new MemorySecretStore(secrets)),
    clock,
    jobProjectId: "billing-admin",
    endpoints: {},
    awsRegion: "us-east-1",
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
    breaker: { failures: 3, halfOpenAfterMs: 30_000 },
    ...over,
  };
}

async function failureOf(p: Promise<unknown>): Promise<CollectionError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CollectionError);
  return err as CollectionError;
}

const closers: (() => Promise<void>)[] = [];
const tempDir = mkdtempSync(join(tmpdir(), "billing-sources-"));

beforeEach(() => resetBreakers());
afterEach(async () => {
  vi.useRealTimers();
  for (const close of closers.splice(0)) await close();
});
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe("createBillingSources: which source an account gets", () => {
  it.each([
    ["gcp", GcpBillingExportSource],
    ["aws", AwsCostExplorerSource],
    ["azure", AzureCostManagementSource],
  ] as const)("gives %s accounts the provider's collector behind its breaker, one per provider", (provider, type) => {
    // Prepare
    const sourceFor = createBillingSources(optionsWith({}));
    const first = accountOf(provider, { tenantId: "tenant-a" });
    const second = accountOf(provider, { tenantId: "tenant-b" });

    // Act
    const a = sourceFor(first.ref, first.doc);
    const b = sourceFor(second.ref, second.doc);

    // Assess
    expect(a).toBeInstanceOf(CircuitGuardedSource);
    expect((a as CircuitGuardedSource).source).toBeInstanceOf(type);
    expect(a.provider).toBe(provider);
    expect(b).toBe(a);
  });

  it("hands demo accounts to the demo factory, whatever their provider", () => {
    // Prepare
    const demoSource: BillingSource = { provider: "aws", collect: vi.fn() };
    const demo = vi.fn((_p: Provider) => demoSource);
    const sourceFor = createBillingSources(optionsWith({}, { demo }));
    const { ref, doc } = accountOf("aws", { collector: "demo" });

    // Act
    const source = sourceFor(ref, doc);

    // Assess
    expect(source).toBe(demoSource);
    expect(demo).toHaveBeenCalledWith("aws");
  });

  it("refuses demo accounts without a demo factory, not retryable", async () => {
    // Prepare
    const sourceFor = createBillingSources(optionsWith({}));
    const { ref, doc } = accountOf("gcp", { collector: "demo" });

    // Act
    const err = await failureOf(sourceFor(ref, doc).collect({ account: ref, window: { start: "2026-10-01", end: "2026-10-02" } }));

    // Assess
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/demo accounts are collected only by the local runtime/);
  });

  it.each(["oci", "other"] as const)("refuses %s accounts, for which there is no live collector, naming the provider", async (provider) => {
    // Prepare
    const sourceFor = createBillingSources(optionsWith({}));
    const { ref, doc } = accountOf(provider);

    // Act
    const err = await failureOf(sourceFor(ref, doc).collect({ account: ref, window: { start: "2026-10-01", end: "2026-10-02" } }));

    // Assess
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`provider ${provider} has no live billing collector`);
  });

  it.each([
    ["opencost", OpenCostAllocationSource],
    ["vultr", VultrBillingSource],
    ["focus", FocusExportSource],
  ] as const)("gives %s-template accounts that template's source, one per template", (template, type) => {
    // Prepare
    const sourceFor = createBillingSources(optionsWith({}, { breaker: { failures: 1, halfOpenAfterMs: 30_000 } }));
    const { ref, doc } = accountOf("other");
    const withTemplate = CloudAccountDocSchema.parse({ ...doc, template });

    // Act
    const source = sourceFor(ref, withTemplate);

    // Assess
    expect((source as CircuitGuardedSource).source).toBeInstanceOf(type);
    expect(sourceFor(ref, withTemplate)).toBe(source);
    // A plain "other" account is still refused: the template picks the source, not the provider.
    expect(sourceFor(ref, doc)).not.toBe(source);
  });

  it("refuses retry settings no SDK can honour when built", () => {
    expect(() => createBillingSources(optionsWith({}, { retry: { maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 5 } }))).toThrow(/maxAttempts/);
  });
});

describe("createBillingSources: collecting against the replay servers", () => {
  it("collects a GCP account with the platform's own identity, jobs in the platform's project", async () => {
    // Prepare
    const window = { start: "2026-10-01", end: "2026-10-14" };
    const truth = truthRows(gcpBaseItems(), [...GCP_PROJECTS, "someone-elses-proj"], window);
    const server = await startBigQueryReplay({ rows: truth, billingAccountId: GCP_BILLING, rowsPerPage: 10 });
    closers.push(server.close);
    const sourceFor = createBillingSources(optionsWith({}, { endpoints: { bigquery: server.url }, jobProjectId: "costmon-jobs" }));
    const { ref, doc } = accountOf("gcp", { tenantId: "tenant-g" });

    // Act
    const result = await sourceFor(ref, doc).collect({ account: ref, window });

    // Assess
    expect(sumOf(result.records)).toBe(sumOf(truth.filter((r) => GCP_PROJECTS.includes(r.account))));
    expect(server.calls[0]).toMatchObject({ method: "POST", path: "/bigquery/v2/projects/costmon-jobs/jobs" });
  });

  it("collects an AWS account with the tenant's keys from the credential store", async () => {
    // Prepare
    const window = { start: "2026-10-01", end: "2026-10-20" };
    const truth = truthRows(awsBaseItems(), [...AWS_LINKED, "333333333333"], window);
    const server = await startAwsCostExplorerReplay({ rows: truth, daysPerPage: 10 });
    closers.push(server.close);
    const sourceFor = createBillingSources(
      optionsWith({ "cloud-creds/tenant-a/aws-main": AWS_KEYS }, { endpoints: { costExplorer: server.url } }),
    );
    const { ref, doc } = accountOf("aws");

    // Act
    const result = await sourceFor(ref, doc).collect({ account: ref, window });

    // Assess
    expect(sumOf(result.records)).toBe(sumOf(truth.filter((r) => AWS_LINKED.includes(r.account))));
    expect(server.requests[0]?.headers.authorization).toContain("Credential=AKIDTEST/");
  });

  it("collects an Azure account as the tenant's service principal, trusting the CA file", async () => {
    // Prepare: sign-in and Cost Management each have their own self-signed certificate.
    const window = { start: "2026-10-01", end: "2026-10-10" };
    const truth = truthRows(azureBaseItems(), [AZURE_SUB, "99999999-9999-9999-9999-999999999999"], window, { dp: 10, credits: false });
    const server = await startAzureCostManagementReplay({ rows: truth, rowsPerPage: 7 });
    const entra = await startFakeEntra(AZURE_SP);
    closers.push(server.close, entra.close);
    const caFile = join(tempDir, "azure-ca.pem");
    writeFileSync(caFile, `${server.ca}\n${entra.ca}`);
    const sourceFor = createBillingSources(
      optionsWith(
        { "cloud-creds/tenant-z/azure-main": JSON.stringify(AZURE_SP) },
        { endpoints: { azureManagement: server.url, azureTlsCaFile: caFile, azureAuthority: entra.url } },
      ),
    );
    const { ref, doc } = accountOf("azure", { tenantId: "tenant-z" });

    // Act
    const result = await sourceFor(ref, doc).collect({ account: ref, window });

    // Assess
    expect(sumOf(result.records)).toBe(sumOf(truth.filter((r) => r.account === AZURE_SUB)));
    expect(entra.tokenRequests.map((f) => f.get("grant_type"))).toEqual(["client_credentials"]);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${entra.accessToken}`)).toBe(true);
  });

  it("refuses an Azure account, not retryable, when the CA file cannot be read", async () => {
    // Prepare
    const sourceFor = createBillingSources(
      optionsWith(
        { "cloud-creds/tenant-z/azure-main": JSON.stringify(AZURE_SP) },
        { endpoints: { azureManagement: "https://127.0.0.1:9", azureTlsCaFile: join(tempDir, "absent.pem") } },
      ),
    );
    const { ref, doc } = accountOf("azure", { tenantId: "tenant-z" });

    // Act
    const err = await failureOf(sourceFor(ref, doc).collect({ account: ref, window: { start: "2026-10-01", end: "2026-10-02" } }));

    // Assess
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/cannot read the Azure TLS CA file .*absent\.pem \(ENOENT\)/);
  });

  it.each(["gcp", "aws", "azure"] as const)("gives %s calls maxAttempts tries in all, the first included", async (provider) => {
    // Prepare: every call fails with a 5xx, which each SDK retries.
    const window = { start: "2026-10-01", end: "2026-10-05" };
    const faults: FaultPlan = alwaysFault("server-error");
    const secrets: Record<string, string> = { "cloud-creds/tenant-a/aws-main": AWS_KEYS, "cloud-creds/tenant-a/azure-main": JSON.stringify(AZURE_SP) };
    let calls: () => number;
    let endpoints: BillingSourcesOptions["endpoints"];
    if (provider === "gcp") {
      const s = await startBigQueryReplay({ rows: [], billingAccountId: GCP_BILLING, faults });
      closers.push(s.close);
      calls = () => s.calls.length;
      endpoints = { bigquery: s.url };
    } else if (provider === "aws") {
      const s = await startAwsCostExplorerReplay({ rows: [], faults });
      closers.push(s.close);
      calls = () => s.calls.length;
      endpoints = { costExplorer: s.url };
    } else {
      const s = await startAzureCostManagementReplay({ rows: [], faults });
      const entra = await startFakeEntra(AZURE_SP);
      closers.push(s.close, entra.close);
      const caFile = join(tempDir, "retry-ca.pem");
      writeFileSync(caFile, `${s.ca}\n${entra.ca}`);
      calls = () => s.calls.length;
      endpoints = { azureManagement: s.url, azureTlsCaFile: caFile, azureAuthority: entra.url };
    }
    const sourceFor = createBillingSources(optionsWith(secrets, { endpoints, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }));
    const { ref, doc } = accountOf(provider);

    // Act
    const err = await failureOf(sourceFor(ref, doc).collect({ account: ref, window }));

    // Assess
    expect(err.retryable).toBe(true);
    expect(calls()).toBe(3);
  });
});

describe("createBillingSources: the circuit breaker per provider", () => {
  it("opens after N retryable failures, fails fast without calling the provider, and closes after the half-open period", async () => {
    // Prepare: cockatiel times the open period with Date.now(); only Date is faked.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-10-21T06:00:00Z"));
    const window = { start: "2026-10-01", end: "2026-10-05" };
    let failing = true;
    const server = await startAwsCostExplorerReplay({
      rows: truthRows(awsBaseItems(), AWS_LINKED, window),
      faults: () => (failing ? "server-error" : null),
    });
    closers.push(server.close);
    const sourceFor = createBillingSources(
      optionsWith(
        { "cloud-creds/tenant-a/aws-main": AWS_KEYS },
        { endpoints: { costExplorer: server.url }, breaker: { failures: 3, halfOpenAfterMs: 30_000 } },
      ),
    );
    const { ref, doc } = accountOf("aws");
    const collect = () => sourceFor(ref, doc).collect({ account: ref, window });

    // Act
    const failures = [await failureOf(collect()), await failureOf(collect()), await failureOf(collect())];
    const callsWhenOpened = server.calls.length;
    const fastFailure = await failureOf(collect());
    const callsWhileOpen = server.calls.length;
    vi.advanceTimersByTime(30_000);
    failing = false;
    const trial = await collect();
    const after = await collect();

    // Assess
    expect(failures.every((e) => e.retryable && /ServiceUnavailableException/.test(e.message))).toBe(true);
    expect(callsWhenOpened).toBe(3);
    expect(fastFailure.retryable).toBe(true);
    expect(fastFailure.message).toMatch(/the aws circuit is open/);
    expect(callsWhileOpen).toBe(callsWhenOpened);
    expect(trial.records.length).toBeGreaterThan(0);
    expect(after.records.length).toBe(trial.records.length);
    expect(server.calls.length).toBeGreaterThan(callsWhileOpen + 1);
  });

  it("keeps one provider's open circuit from failing another provider", async () => {
    // Prepare
    const window = { start: "2026-10-01", end: "2026-10-05" };
    const aws = await startAwsCostExplorerReplay({ rows: [], faults: alwaysFault("server-error") });
    const gcpTruth = truthRows(gcpBaseItems(), GCP_PROJECTS, window);
    const gcp = await startBigQueryReplay({ rows: gcpTruth, billingAccountId: GCP_BILLING });
    closers.push(aws.close, gcp.close);
    const sourceFor = createBillingSources(
      optionsWith(
        { "cloud-creds/tenant-a/aws-main": AWS_KEYS },
        { endpoints: { costExplorer: aws.url, bigquery: gcp.url }, breaker: { failures: 1, halfOpenAfterMs: 60_000 } },
      ),
    );
    const a = accountOf("aws");
    const g = accountOf("gcp");
    await failureOf(sourceFor(a.ref, a.doc).collect({ account: a.ref, window }));

    // Act
    const awsAgain = await failureOf(sourceFor(a.ref, a.doc).collect({ account: a.ref, window }));
    const gcpResult = await sourceFor(g.ref, g.doc).collect({ account: g.ref, window });

    // Assess
    expect(awsAgain.message).toMatch(/the aws circuit is open/);
    expect(sumOf(gcpResult.records)).toBe(sumOf(gcpTruth));
  });

  const noPayer = { linkedAccountIds: AWS_LINKED };
  it.each([
    ["a missing AWS secret", "aws", {}, undefined, /cloud-creds\/tenant-a\/aws-main is missing/],
    ["an AWS scope without a payer account", "aws", { "cloud-creds/tenant-a/aws-main": AWS_KEYS }, noPayer, /invalid AWS scope/],
    ["an unreadable GCP key secret", "gcp", { "cloud-creds/tenant-a/gcp-main": "nope" }, undefined, /cloud-creds\/tenant-a\/gcp-main is unreadable: credentials at cloud-creds\/tenant-a\/gcp-main are not valid JSON/],
  ] as const)("does not count %s against the provider", async (_label, provider, secrets, scope, message) => {
    // Prepare: a working replay behind the same provider's breaker.
    const window = { start: "2026-10-01", end: "2026-10-05" };
    const aws = await startAwsCostExplorerReplay({ rows: truthRows(awsBaseItems(), AWS_LINKED, window) });
    const gcp = await startBigQueryReplay({ rows: truthRows(gcpBaseItems(), GCP_PROJECTS, window), billingAccountId: GCP_BILLING });
    closers.push(aws.close, gcp.close);
    const sourceFor = createBillingSources(
      optionsWith(
        { ...secrets, "cloud-creds/tenant-ok/aws-main": AWS_KEYS },
        { endpoints: { costExplorer: aws.url, bigquery: gcp.url }, breaker: { failures: 2, halfOpenAfterMs: 60_000 } },
      ),
    );
    const bad = accountOf(provider, scope ? { scope } : {});
    const good = accountOf(provider, { tenantId: "tenant-ok" });

    // Act
    const errors = [];
    for (let i = 0; i < 4; i++) errors.push(await failureOf(sourceFor(bad.ref, bad.doc).collect({ account: bad.ref, window })));
    const result = await sourceFor(good.ref, good.doc).collect({ account: good.ref, window });

    // Assess
    expect(errors.every((e) => !e.retryable && message.test(e.message))).toBe(true);
    expect(errors.some((e) => /circuit is open/.test(e.message))).toBe(false);
    expect(result.records.length).toBeGreaterThan(0);
  });
});
