import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { AWS_KEYS, AWS_LINKED, AWS_PAYER, AZURE_BILLING, AZURE_SP, AZURE_SUBS, type ReplayProviders, scopedTruth, startReplayProviders, writeConfigDir } from "../support/replay/provider-nightly.js";
import { runCostmon as costmon } from "../support/run-costmon.js";

/**
 * `account add --check`: one day read through the provider's real SDK client, against the local
 * servers that replay the providers' wire formats (the Azure sign-in refuses a wrong secret).
 */
describe("costmon account add --check", () => {
  const dir = mkdtempSync(join(tmpdir(), "onboard-check-"));
  const dataDir = join(dir, "data");
  let providers: ReplayProviders;
  let configDir: string;

  beforeAll(async () => {
    providers = await startReplayProviders({ rows: scopedTruth({ start: "2026-11-01", end: "2026-11-30" }), dir });
    configDir = writeConfigDir(join(dir, "config"), { providers, historyMonths: 1, selfops: { retry_max_attempts: 1 } });
    expect((await costmon("tenant", "init", "--tenant", "acme", "--name", "Acme", "--data-dir", dataDir, "--config-dir", configDir)).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await providers?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const creds = (name: string, value: object) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(value));
    return p;
  };
  const azureArgs = ["--template", "azure-billing-account", "--scope", `billingAccountId=${AZURE_BILLING}`, "--scope", `subscriptionIds=${AZURE_SUBS.join(",")}`];
  const stored = async (account: string) => {
    configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, configDir, logSink: () => {} });
    try {
      const d = await getDeps();
      return { doc: await d.documents.get(`tenants/acme/cloud_accounts/${account}`), secret: await d.secrets.get(`cloud-creds/acme/${account}`).catch(() => null) };
    } finally {
      await closeDeps();
    }
  };

  it("keeps an Azure account whose service principal signs in and reads a day", async () => {
    const r = await costmon("account", "add", "--tenant", "acme", "--account", "azure-ea", ...azureArgs, "--credentials", creds("sp.json", AZURE_SP), "--check", "--date", "2026-11-20", "--data-dir", dataDir, "--config-dir", configDir);
    expect(r.stderr, r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).check).toMatchObject({ ok: true, day: "2026-11-19" });
    expect(JSON.parse(r.stdout).check.records).toBeGreaterThan(0);
    expect((await stored("azure-ea")).doc).not.toBeNull();
  }, 60_000);

  it("removes the account again, credentials included, when the sign-in is refused", async () => {
    const bad = creds("sp-bad.json", { ...AZURE_SP, clientSecret: "not-the-secret" });
    const r = await costmon("account", "add", "--tenant", "acme", "--account", "azure-bad", ...azureArgs, "--credentials", bad, "--check", "--date", "2026-11-20", "--data-dir", dataDir, "--config-dir", configDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/check read of 2026-11-19 through azure failed, so account azure-bad was not kept/);
    expect(r.stderr).not.toContain("not-the-secret");
    const after = await stored("azure-bad");
    expect(after.doc).toBeNull();
    expect(after.secret).toBeNull();
  }, 60_000);

  it("keeps an AWS account read through Cost Explorer", async () => {
    const r = await costmon(
      "account", "add", "--tenant", "acme", "--account", "aws-payer", "--template", "aws-linked",
      "--scope", `payerAccountId=${AWS_PAYER}`, "--scope", `linkedAccountIds=${AWS_LINKED.join(",")}`,
      "--credentials", creds("aws.json", AWS_KEYS), "--check", "--date", "2026-11-20", "--data-dir", dataDir, "--config-dir", configDir,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).check).toMatchObject({ ok: true, calls: 2 });
  }, 60_000);

  it("refuses --check with --dry-run", async () => {
    const r = await costmon("account", "add", "--tenant", "acme", "--account", "x", ...azureArgs, "--check", "--dry-run", "--data-dir", dataDir, "--config-dir", configDir);
    expect(r.code).toBe(2);
  });
});
