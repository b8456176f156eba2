import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { repoRoot } from "../support/shared-data.js";
import { runCostmon as costmon } from "../support/run-costmon.js";

const dir = mkdtempSync(join(tmpdir(), "onboard-"));
const dataDir = join(dir, "data");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readStores<T>(read: (d: Awaited<ReturnType<typeof getDeps>>) => Promise<T>): Promise<T> {
  configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, configDir: join(repoRoot, "config"), logSink: () => {} });
  try {
    return await read(await getDeps());
  } finally {
    await closeDeps();
  }
}

const AWS = ["--template", "aws-linked", "--scope", "payerAccountId=123456789012", "--scope", "linkedAccountIds=210987654321,345678901234"];

describe("costmon tenant init and account add", () => {
  it("refuses an account for a tenant that was never initialised", async () => {
    const creds = join(dir, "aws.json");
    writeFileSync(creds, JSON.stringify({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "canary-secret-value" }));
    const r = await costmon("account", "add", "--tenant", "nobody", "--account", "a1", ...AWS, "--credentials", creds, "--data-dir", dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tenant nobody does not exist .* costmon tenant init/);
  });

  it("dry run: lists the backfill's calls, per page, and writes nothing", async () => {
    expect((await costmon("tenant", "init", "--tenant", "acme", "--name", "Acme Retail", "--timezone", "Europe/Paris", "--data-dir", dataDir)).code).toBe(0);
    const r = await costmon("account", "add", "--tenant", "acme", "--account", "acme-aws", ...AWS, "--date", "2026-11-20", "--dry-run", "--format", "json", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { window: { start: string; end: string }; calls: { api: string; page: { start: string } }[]; minimumCalls: number };
    // 13 months back from the run's month (config collection.history_months), through the day before the run.
    expect(plan.window).toEqual({ start: "2025-10-01", end: "2026-11-19" });
    expect(plan.minimumCalls).toBe(28);
    expect(plan.calls.filter((c) => c.page.start === "2026-11-01").map((c) => c.api)).toEqual(["ce:GetCostAndUsage (usage)", "ce:GetCostAndUsage (credits)"]);
    expect(await readStores((d) => d.documents.get("tenants/acme/cloud_accounts/acme-aws"))).toBeNull();
  });

  it("connects the account: the validated scope on the document, the credentials only in the credential store", async () => {
    const creds = join(dir, "aws.json");
    writeFileSync(creds, JSON.stringify({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "canary-secret-value" }));
    const r = await costmon("account", "add", "--tenant", "acme", "--account", "acme-aws", ...AWS, "--credentials", creds, "--environment", "nonprod", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("canary-secret-value");
    const { doc, secret } = await readStores(async (d) => {
      const doc = await d.documents.get("tenants/acme/cloud_accounts/acme-aws");
      return { doc, secret: doc?.secretRef ? await d.secrets.get(String(doc.secretRef)) : null };
    });
    expect(doc).toMatchObject({ provider: "aws", template: "aws-linked", environment: "nonprod", scope: { payerAccountId: "123456789012", linkedAccountIds: ["210987654321", "345678901234"] } });
    expect(JSON.stringify(doc)).not.toContain("canary-secret-value");
    expect(secret).toContain("canary-secret-value");
  });

  it.each([
    [["--template", "aws-payer", "--scope", "payerAccountId=42"], /scope\.payerAccountId: AWS account ids are 12 digits/],
    [["--template", "aws-payer", "--scope", "payerAccountId"], /expected KEY=VALUE/],
    [["--template", "azure-subscription", "--scope", "subscriptionId=00000000-0000-0000-0000-00000000a1b2", "--scope", "billingAccountId=7102234"], /needs --credentials FILE: a service principal/],
    [["--template", "no-such-template"], /--template/],
  ])("exits 2 with the reason for %j", async (args, message) => {
    const r = await costmon("account", "add", "--tenant", "acme", "--account", "x1", ...args, "--data-dir", dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("refuses credentials of the wrong shape without echoing them", async () => {
    const creds = join(dir, "bad.json");
    writeFileSync(creds, JSON.stringify({ tenantId: "t", clientId: "c" , password: "canary-secret-value" }));
    const r = await costmon("account", "add", "--tenant", "acme", "--account", "az", "--template", "azure-subscription", "--scope", "subscriptionId=00000000-0000-0000-0000-00000000a1b2", "--scope", "billingAccountId=7102234", "--credentials", creds, "--data-dir", dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/clientSecret/);
    expect(r.stderr).not.toContain("canary-secret-value");
  });

  it("lists every template with its fields", async () => {
    const r = await costmon("account", "templates", "--format", "json");
    const names = (JSON.parse(r.stdout) as { templates: { name: string; fields: { name: string; description: string }[] }[] }).templates.map((t) => t.name);
    expect(names).toEqual(["gcp-billing-export", "aws-payer", "aws-linked", "azure-subscription", "azure-resource-group", "azure-billing-account", "focus", "opencost", "vultr"]);
  });
});
