import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectCloudAccount } from "#domain/api/cloud-accounts.js";
import { MemoryDocumentStore } from "../fakes/memory-document-store.js";
import type { ReplayServer } from "../support/replay/http-server.js";
import { allocationResponse } from "../support/replay/opencost-fixtures.js";
import { startOpenCostServer } from "../support/replay/opencost-server.js";
import { startVultrServer } from "../support/replay/vultr-server.js";
import { runCostmon as costmon } from "../support/run-costmon.js";
import { repoRoot, sharedData } from "../support/shared-data.js";

/**
 * `costmon account add --dry-run` for the FOCUS export, OpenCost and Vultr templates: the scope
 * checked against the template, the calls planned, and the one cheap read each dry run makes,
 * against a FOCUS sample folder (../shared/data/focus-sample-data) and servers replaying the
 * OpenCost and Vultr wire shapes (OpenCost API reference; Vultr API v2 "Billing").
 */
const TOKEN = "oc-token-canary";
const VULTR_KEY = "vultr-key-canary";

describe("account templates for FOCUS exports, OpenCost and Vultr", () => {
  const dir = mkdtempSync(join(tmpdir(), "onboard-sources-"));
  const dataDir = join(dir, "data");
  const configDir = join(dir, "config");
  // The sample's own folder: one FOCUS 1.0 CSV beside its README and licence, which are not export files.
  const exportDir = sharedData("focus-sample-data");
  let opencost: ReplayServer;
  let vultr: ReplayServer;

  beforeAll(async () => {
    opencost = await startOpenCostServer({
      token: TOKEN,
      body: () => allocationResponse({ "2026-12-04": [{ key: "web", namespace: "web", cpuCost: 2, ramCost: 1 }, { key: "__idle__", cpuCost: 1, ramCost: 0 }] }),
    });
    vultr = await startVultrServer({
      apiKey: VULTR_KEY,
      data: { invoices: [{ id: 1, date: "2026-12-01T00:00:00+00:00", description: "", amount: "1.5" }], items: {}, history: [], pending: [] },
    });
    mkdirSync(configDir, { recursive: true });
    copyFileSync(join(repoRoot, "config", "base.yaml"), join(configDir, "base.yaml"));
    writeFileSync(join(configDir, "dev.yaml"), dump({ collection: { history_months: 2 }, selfops: { retry_max_attempts: 1 }, providers: { vultr: { api_endpoint: `${vultr.url}/v2` } } }));
    writeFileSync(join(dir, "opencost.json"), JSON.stringify({ url: opencost.url, token: TOKEN }));
    writeFileSync(join(dir, "opencost-bad.json"), JSON.stringify({ url: opencost.url, token: "wrong" }));
    writeFileSync(join(dir, "vultr.json"), JSON.stringify({ apiKey: VULTR_KEY }));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([opencost?.close(), vultr?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const add = (...args: string[]) => costmon("account", "add", "--tenant", "acme", "--account", "x1", "--date", "2026-12-05", "--dry-run", "--format", "json", "--data-dir", dataDir, "--config-dir", configDir, ...args);

  it("focus: plans one read of the folder per monthly page and lists the folder's files and bytes", async () => {
    const r = await add("--template", "focus", "--scope", `folder=${exportDir}`);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { provider: string; window: unknown; calls: { api: string }[]; probe: { ok: boolean; files: number; bytes: number } };
    expect(plan.provider).toBe("other");
    expect(plan.window).toEqual({ start: "2026-10-01", end: "2026-12-04" });
    expect(plan.calls).toHaveLength(3);
    expect(plan.calls[0]?.api).toContain(exportDir);
    expect(plan.probe).toMatchObject({ ok: true, files: 1 });
    expect(plan.probe.bytes).toBeGreaterThan(100_000);
  });

  it.each([
    [["--scope", "folder=exports/focus"], /scope\.folder: an absolute path/],
    [["--scope", "folder=/srv/../etc"], /scope\.folder: no '\.\.' segments/],
    [["--scope", "folder=/srv/x", "--scope", "bucket=acme-billing"], /give either folder, or bucket/],
    [[], /give either folder, or bucket/],
    [["--scope", "bucket=Not_A_Bucket!"], /scope\.bucket: a Cloud Storage bucket name/],
    [["--scope", `folder=${"/x".repeat(600)}`], /scope\.folder/],
  ])("focus: refuses the scope %j with exit 2 and the reason", async (scope, message) => {
    const r = await add("--template", "focus", ...scope);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("focus: a bucket is valid but not read; the dry run says so and exits 1", async () => {
    const r = await add("--template", "focus", "--scope", "bucket=acme-billing", "--scope", "prefix=focus/");
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { probe: { ok: boolean } }).probe.ok).toBe(false);
    expect(r.stderr).toMatch(/Cloud Storage .* is not built/);
  });

  it("focus: credentials are refused, the folder being read with the platform's own access", async () => {
    writeFileSync(join(dir, "focus-creds.json"), JSON.stringify({ token: "x" }));
    const r = await add("--template", "focus", "--scope", `folder=${exportDir}`, "--credentials", join(dir, "focus-creds.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/template focus takes no credentials/);
  });

  it("focus: a folder without export files fails the dry run's read", async () => {
    mkdirSync(join(dir, "empty"), { recursive: true });
    const r = await add("--template", "focus", "--scope", `folder=${join(dir, "empty")}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds no export file/);
  });

  it("opencost: plans /allocation and /cloudCost per page and reads the day before through the cluster", async () => {
    const r = await add("--template", "opencost", "--scope", "clusterId=cluster-one", "--scope", "billSplit=none", "--credentials", join(dir, "opencost.json"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(TOKEN);
    const plan = JSON.parse(r.stdout) as { calls: { api: string; request: { window?: string } }[]; probe: { ok: boolean; day: string; records: number } };
    expect(plan.calls.map((c) => c.api)).toEqual(["GET {url}/allocation", "GET {url}/allocation", "GET {url}/allocation"]);
    expect(plan.calls[0]?.request.window).toBe("2026-10-01T00:00:00Z,2026-11-01T00:00:00Z");
    expect(plan.probe).toMatchObject({ ok: true, day: "2026-12-04", records: 2 });
    const asked = new URL(opencost.requests.at(-1)?.url ?? "", "http://x").searchParams;
    expect(asked.get("window")).toBe("2026-12-04T00:00:00Z,2026-12-05T00:00:00Z");
    const withSplit = JSON.parse((await add("--template", "opencost", "--scope", "clusterId=cluster-one")).stdout) as { calls: { api: string }[] };
    expect(withSplit.calls.filter((c) => c.api.includes("cloudCost"))).toHaveLength(3);
    // billSplit=nodes: per page, the nodes and the bill by resource besides the allocation.
    const byNodes = JSON.parse((await add("--template", "opencost", "--scope", "clusterId=cluster-one", "--scope", "billSplit=nodes")).stdout) as { calls: { api: string; request: { aggregate?: string } }[] };
    expect(byNodes.calls.slice(0, 3).map((c) => [c.api, c.request.aggregate])).toEqual([
      ["GET {url}/allocation", "namespace,controllerKind,controller"],
      ["GET {url}/allocation", "node"],
      ["GET {url}/cloudCost", "providerID"],
    ]);
    expect(byNodes.calls).toHaveLength(9);
  });

  it("opencost: a refused token fails the dry run without echoing it; a bad scope exits 2", async () => {
    const r = await add("--template", "opencost", "--scope", "clusterId=cluster-one", "--credentials", join(dir, "opencost-bad.json"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dry run's read through opencost failed/);
    expect(r.stderr + r.stdout).not.toContain("wrong");
    const bad = await add("--template", "opencost", "--scope", "clusterId=c", "--scope", "billSplit=half");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/scope\.billSplit/);
  });

  it("vultr: the window is whole invoice months, the month before yesterday's included, and the key reads the first invoices page", async () => {
    const r = await add("--template", "vultr", "--credentials", join(dir, "vultr.json"));
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { window: unknown; calls: { api: string; page: { start: string } }[]; probe: { ok: boolean; invoices: number } };
    expect(plan.window).toEqual({ start: "2026-10-01", end: "2026-12-04" });
    expect(plan.calls.filter((c) => c.api === "GET billing/pending-charges").map((c) => c.page.start)).toEqual(["2026-12-01"]);
    expect(plan.probe).toMatchObject({ ok: true, invoices: 1 });
    expect(vultr.requests.at(-1)?.url).toMatch(/billing\/invoices\?per_page=500/);
    expect(r.stdout).not.toContain(VULTR_KEY);
  });

  it("vultr: credentials of another shape are refused, naming the field only", async () => {
    writeFileSync(join(dir, "vultr-bad.json"), JSON.stringify({ token: "canary-zzz" }));
    const r = await add("--template", "vultr", "--credentials", join(dir, "vultr-bad.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apiKey/);
    expect(r.stderr).not.toContain("canary-zzz");
  });
});

describe("connectCloudAccount with the FOCUS export template", () => {
  const creds = { put: async () => {}, delete: async () => {} };
  const input = { accountId: "f1", provider: "other" as const, displayName: "", billingAccountId: "f1", subAccountId: "f1", environment: "prod" as const, template: "focus" };

  it("refuses a folder from a caller that is not an operator (the callable), as invalid-argument", async () => {
    const store = new MemoryDocumentStore();
    await expect(connectCloudAccount(store, creds, "t1", { ...input, scope: { folder: "/etc" } }, "user-1", new Date())).rejects.toMatchObject({
      code: "invalid-argument",
      message: expect.stringMatching(/only an operator connects one/),
    });
    expect((await store.list("tenants/t1/cloud_accounts")).docs).toEqual([]);
  });

  it("accepts a folder from an operator, and a bucket from anyone, without credentials", async () => {
    const store = new MemoryDocumentStore();
    await connectCloudAccount(store, creds, "t1", { ...input, scope: { folder: "/srv/exports/focus" } }, "cli", new Date(), { operator: true });
    await connectCloudAccount(store, creds, "t1", { ...input, accountId: "f2", scope: { bucket: "acme-billing", prefix: "focus/" } }, "user-1", new Date());
    expect(await store.get("tenants/t1/cloud_accounts/f2")).toMatchObject({ template: "focus", scope: { bucket: "acme-billing", prefix: "focus/" } });
  });

  it("refuses an OpenCost cluster from a caller that is not an operator: its URL is called from the platform's network", async () => {
    const store = new MemoryDocumentStore();
    const put: string[] = [];
    const oc = { ...input, accountId: "k1", billingAccountId: "prod-eu-1", subAccountId: "prod-eu-1", template: "opencost", scope: { clusterId: "prod-eu-1" }, credentials: { url: "http://169.254.169.254/computeMetadata/v1", token: "t" } };
    const recording = { put: async (name: string) => void put.push(name), delete: async () => {} };
    await expect(connectCloudAccount(store, recording, "t1", oc, "user-1", new Date())).rejects.toMatchObject({
      code: "invalid-argument",
      message: expect.stringMatching(/only an operator connects one/),
    });
    expect(put).toEqual([]);
    expect((await store.list("tenants/t1/cloud_accounts")).docs).toEqual([]);
  });

  it("refuses a scope that does not fit the template as invalid-argument", async () => {
    await expect(connectCloudAccount(new MemoryDocumentStore(), creds, "t1", { ...input, scope: { bucket: "acme-billing", region: "eu" } }, "u", new Date())).rejects.toMatchObject({
      code: "invalid-argument",
      message: expect.stringMatching(/scope\.region: not a field of template focus/),
    });
  });
});
