import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Big from "big.js";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFocusFile } from "#adapters/files/import-focus-file.js";
import { createProgress } from "#cli/progress.js";
import { type NightlyResult, runNightly } from "#cli/nightly/run-nightly.js";
import type { CostRow } from "#domain/billing/ports.js";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import type { ReplayServer } from "../support/replay/http-server.js";
import { allocationResponse } from "../support/replay/opencost-fixtures.js";
import { startOpenCostServer } from "../support/replay/opencost-server.js";
import { startVultrServer } from "../support/replay/vultr-server.js";
import { runCostmon as costmon } from "../support/run-costmon.js";
import { repoRoot, sharedData } from "../support/shared-data.js";

/**
 * The nightly with the three template sources connected through `costmon account add`: a FOCUS
 * export folder (../shared/data/focus-sample-data, the FOCUS 1.0 sample: AWS, Microsoft and
 * Oracle rows of September 2024), a Kubernetes cluster's OpenCost, and a Vultr account, the last
 * two against servers that replay their documented wire shapes (OpenCost API reference and
 * opencost-website's example outputs; Vultr API v2 "Billing"), with our own values. The cloud bill
 * (the FOCUS AWS rows) and the cluster's allocation are two views of one amount: the costs total
 * counts the bill once.
 */
const TENANT = "acme";
const RUN_DATE = "2024-10-03";
const NOW = new Date(`${RUN_DATE}T06:00:00Z`);
const WINDOW = { start: "2024-09-01", end: "2024-10-02" };
const TOKEN = "oc-token";
const VULTR_KEY = "vultr-key";
const CLUSTER_DAYS = ["2024-09-28", "2024-09-29", "2024-09-30"];
/** The cloud bill's node money per day, of which OpenCost's /cloudCost says 40% is Kubernetes. */
const NODE_NET_COST = 10.5;
const KUBERNETES_PERCENT = 0.4;

/** Days of an OpenCost `window=start,end` query (end exclusive) that the fixture has. */
function daysOf(query: URLSearchParams): string[] {
  const [start = "", end = ""] = (query.get("window") ?? "").split(",");
  return CLUSTER_DAYS.filter((d) => `${d}T00:00:00Z` >= start && `${d}T00:00:00Z` < end);
}

function cloudCost(days: string[]): unknown {
  return {
    code: 200,
    data: {
      sets: days.map((d) => {
        const window = { start: `${d}T00:00:00Z`, end: `${new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().replace(".000Z", "Z")}` };
        const measure = { cost: NODE_NET_COST, kubernetesPercent: KUBERNETES_PERCENT };
        return { cloudCosts: { AWS: { properties: { provider: "AWS" }, window, listCost: measure, netCost: measure, amortizedNetCost: measure, invoicedCost: measure, amortizedCost: measure } }, window, aggregationProperties: ["provider"] };
      }),
    },
  };
}

const vultrItem = (product: string, start: string, end: string, total: string | number) => ({ description: `${product} item`, product, start_date: `${start}T00:00:00+00:00`, end_date: `${end}T23:59:59+00:00`, units: 720, unit_type: "hours", total });

const sum = (xs: string[]) => xs.reduce((s, x) => s.plus(x), new Big(0));

describe("the nightly collects FOCUS export, OpenCost and Vultr accounts connected from templates", () => {
  const dir = mkdtempSync(join(tmpdir(), "nightly-sources-"));
  const dataDir = join(dir, "data");
  const configDir = join(dir, "config");
  const focusFolder = sharedData("focus-sample-data");
  let opencost: ReplayServer;
  let vultr: ReplayServer;
  let first: NightlyResult;
  let second: NightlyResult;
  let billed: CostRow[];
  let allocation: CostRow[];
  let rowCount: number;

  const nightly = async (): Promise<NightlyResult> => {
    configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, configDir, clock: { now: () => NOW }, logSink: () => {} });
    try {
      const deps = await getDeps();
      return await runNightly(deps, { runDate: RUN_DATE, tenantIds: [TENANT], progress: createProgress({ quiet: true }) });
    } finally {
      await closeDeps();
    }
  };

  beforeAll(async () => {
    opencost = await startOpenCostServer({
      token: TOKEN,
      body: (q) =>
        allocationResponse(
          Object.fromEntries(
            daysOf(q).map((d) => [
              d,
              [
                { key: "web", namespace: "web", controllerKind: "deployment", controller: "web", cpuCost: 2, ramCost: 1 },
                { key: "batch", namespace: "batch", controllerKind: "job", controller: "etl", cpuCost: 0.5, ramCost: 0.5 },
                { key: "__idle__", cpuCost: 1, ramCost: 0 },
              ],
            ]),
          ),
        ),
      cloudCost: (q) => cloudCost(daysOf(q)),
    });
    vultr = await startVultrServer({
      apiKey: VULTR_KEY,
      data: {
        invoices: [
          { id: 9001, date: "2024-10-01T00:00:00+00:00", description: "September", amount: "10.34" },
          { id: 8001, date: "2024-09-01T00:00:00+00:00", description: "August", amount: 4 },
        ],
        items: {
          "9001": [vultrItem("Cloud Compute", "2024-09-01", "2024-09-30", "12.34"), vultrItem("Credit", "2024-09-01", "2024-09-30", -2)],
          "8001": [vultrItem("Cloud Compute", "2024-08-01", "2024-08-31", 4)],
        },
        history: [],
        pending: [vultrItem("Cloud Compute", "2024-10-01", "2024-10-03", "3.21")],
      },
    });
    mkdirSync(configDir, { recursive: true });
    copyFileSync(join(repoRoot, "config", "base.yaml"), join(configDir, "base.yaml"));
    writeFileSync(
      join(configDir, "dev.yaml"),
      dump({ collection: { history_months: 1 }, selfops: { retry_max_attempts: 2, retry_base: "5ms", retry_max: "20ms" }, providers: { vultr: { api_endpoint: `${vultr.url}/v2` } } }),
    );
    writeFileSync(join(dir, "opencost.json"), JSON.stringify({ url: opencost.url, token: TOKEN }));
    writeFileSync(join(dir, "vultr.json"), JSON.stringify({ apiKey: VULTR_KEY }));

    const cli = ["--data-dir", dataDir, "--config-dir", configDir];
    expect((await costmon("tenant", "init", "--tenant", TENANT, "--name", "Acme", ...cli)).code).toBe(0);
    for (const args of [
      ["--account", "focus-export", "--template", "focus", "--scope", `folder=${focusFolder}`],
      ["--account", "k8s-prod", "--template", "opencost", "--scope", "clusterId=cluster-one", "--credentials", join(dir, "opencost.json")],
      ["--account", "vultr", "--template", "vultr", "--credentials", join(dir, "vultr.json")],
    ]) {
      const r = await costmon("account", "add", "--tenant", TENANT, ...args, ...cli);
      expect(r.code, r.stderr).toBe(0);
    }

    first = await nightly();
    second = await nightly();

    configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, configDir, logSink: () => {} });
    try {
      const { warehouse } = await getDeps();
      billed = await warehouse.queryDaily(TENANT, { window: WINDOW, groupBy: ["provider", "sub_account_id"] });
      allocation = await warehouse.queryDaily(TENANT, { window: WINDOW, groupBy: [], groupByTags: ["k8s:namespace"], view: "kubernetes-allocation" });
      rowCount = (await warehouse.totals(TENANT, WINDOW)).rows;
    } finally {
      await closeDeps();
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([opencost?.close(), vultr?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("collects every page of the three accounts without a failure", () => {
    const t = first.tenants[0];
    // FOCUS and OpenCost: September and 1-2 October; Vultr: the same two invoice months.
    expect(t).toMatchObject({ tenantId: TENANT, failedPages: 0, pages: 6 });
    expect(t?.inserted).toBeGreaterThan(0);
  });

  it("imports the FOCUS folder's rows under their own providers, to the cent of the import's totals", async () => {
    const expected = await importFocusFile(join(focusFolder, "focus_1.0_sample_1000.csv"), { tenantId: TENANT, ingestedAt: NOW.toISOString() });
    expect(expected.rowsRejected).toBe(0);
    const focusRows = billed.filter((r) => r.dims.provider !== "other");
    const byProvider: Record<string, string> = {};
    for (const r of focusRows) byProvider[r.dims.provider ?? ""] = sum([byProvider[r.dims.provider ?? ""] ?? "0", r.billed_cost]).toFixed();
    expect(Object.keys(byProvider).sort()).toEqual(Object.keys(expected.totalsByProvider).sort());
    for (const [p, total] of Object.entries(expected.totalsByProvider)) expect(new Big(byProvider[p] ?? "0").eq(total), p).toBe(true);
  });

  it("loads Vultr by invoice month: September's invoice items reconciled, October's pending snapshot on its 1st", () => {
    const vultrRows = billed.filter((r) => r.dims.provider === "other" && r.dims.sub_account_id === "vultr");
    expect(sum(vultrRows.filter((r) => r.date.startsWith("2024-09")).map((r) => r.billed_cost)).minus("10.34").abs().lte("0.01")).toBe(true);
    expect(vultrRows.filter((r) => r.date.startsWith("2024-10")).map((r) => [r.date, r.billed_cost])).toEqual([["2024-10-01", "3.21"]]);
    // August's invoice was read by September's page, but its items are not September's.
    expect(vultrRows.every((r) => r.date >= WINDOW.start)).toBe(true);
  });

  it("keeps the OpenCost allocation as its own view: the bill's Kubernetes part split by namespace, never added to the costs total", async () => {
    // The allocation view: 40% of each day's node money, by namespace (idle shared over them).
    const k8s = sum(allocation.map((r) => r.billed_cost));
    expect(k8s.eq(new Big(NODE_NET_COST).times(KUBERNETES_PERCENT).times(CLUSTER_DAYS.length))).toBe(true);
    expect([...new Set(allocation.map((r) => r.tags?.["k8s:namespace"]))].sort()).toEqual(["batch", "web"]);
    // The billed view holds no row of the cluster: its only provider-"other" rows are Vultr's.
    expect(billed.filter((r) => r.dims.provider === "other").every((r) => r.dims.sub_account_id === "vultr")).toBe(true);

    const r = await costmon("costs", "--tenant", TENANT, "--from", WINDOW.start, "--to", WINDOW.end, "--format", "json", "--data-dir", dataDir, "--config-dir", configDir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { totals: { currency: string; billedCost: string }[] };
    // The bills, known without the ledger: the FOCUS export's total, September's Vultr items and October's snapshot.
    const focus = await importFocusFile(join(focusFolder, "focus_1.0_sample_1000.csv"), { tenantId: TENANT, ingestedAt: NOW.toISOString() });
    const bills = sum([...Object.values(focus.totalsByProvider), "10.34", "3.21"]);
    expect(sum(billed.map((x) => x.billed_cost)).eq(bills)).toBe(true);
    expect(report.totals.map((t) => t.currency)).toEqual(["USD"]);
    expect(new Big(report.totals[0]?.billedCost ?? "0").eq(bills)).toBe(true);
    // The same money read as the allocation, by namespace.
    const byNs = await costmon("costs", "--tenant", TENANT, "--from", WINDOW.start, "--to", WINDOW.end, "--group-by", "tag:k8s:namespace", "--format", "json", "--data-dir", dataDir, "--config-dir", configDir);
    expect(new Big((JSON.parse(byNs.stdout) as { totals: { billedCost: string }[] }).totals[0]?.billedCost ?? "0").eq(k8s)).toBe(true);
    // Every row is stored (the check figure counts both views).
    expect(rowCount).toBeGreaterThan(billed.length);
  });

  it("re-running the same night adds, changes and removes nothing", () => {
    expect(second.tenants[0]).toMatchObject({ failedPages: 0, inserted: 0, updated: 0, deleted: 0 });
  });
});

describe("costmon nightly with a FOCUS export folder declared in the tenants file", () => {
  const dir = mkdtempSync(join(tmpdir(), "nightly-focus-file-"));
  const dataDir = join(dir, "data");
  const configDir = join(dir, "config");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tenantsFile = (scope: Record<string, string>, template = "focus") => {
    const file = join(dir, `tenants-${Object.keys(scope).join("-") || "none"}.yaml`);
    const tenant = { id: "files-co", name: "Files Co", timezone: "UTC", analysis: { min_impact_usd: 1, min_change_pct: 10 } };
    writeFileSync(file, dump({ seed: 1, today: RUN_DATE, history_months: 1, tenants: [{ ...tenant, provider_accounts: [{ id: "focus-export", provider: "other", template, billing_account_id: "focus-export", sub_account_id: "focus-export", environment: "prod", scope }] }] }));
    return file;
  };

  it("imports the folder's export into the ledger through the command line, and the costs command reads it back", async () => {
    mkdirSync(configDir, { recursive: true });
    copyFileSync(join(repoRoot, "config", "base.yaml"), join(configDir, "base.yaml"));
    writeFileSync(join(configDir, "dev.yaml"), dump({ collection: { history_months: 1 } }));
    const folder = sharedData("focus-sample-data");
    const cli = ["--data-dir", dataDir, "--config-dir", configDir];
    const run = await costmon("nightly", "--config", tenantsFile({ folder }), "--date", RUN_DATE, "--json", "--no-reports", "--quiet", ...cli);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as NightlyResult).tenants[0]).toMatchObject({ tenantId: "files-co", failedPages: 0, pages: 2 });
    const costs = await costmon("costs", "--tenant", "files-co", "--group-by", "provider", "--format", "json", ...cli);
    const report = JSON.parse(costs.stdout) as { rows: { provider: string; billedCost: string }[] };
    const expected = await importFocusFile(join(folder, "focus_1.0_sample_1000.csv"), { tenantId: "files-co", ingestedAt: NOW.toISOString() });
    const byProvider: Record<string, Big> = {};
    for (const r of report.rows) byProvider[r.provider] = (byProvider[r.provider] ?? new Big(0)).plus(r.billedCost);
    expect(Object.fromEntries(Object.entries(byProvider).map(([p, v]) => [p, v.toFixed()]))).toEqual(
      Object.fromEntries(Object.entries(expected.totalsByProvider).map(([p, v]) => [p, new Big(v).toFixed()])),
    );
  }, 120_000);

  it.each([
    [{ folder: "relative/exports" }, "focus", /provider_accounts\.focus-export: scope does not fit template focus: scope\.folder: an absolute path/],
    [{ folder: "/srv/x" }, "no-such-template", /unknown template no-such-template/],
    [{ clusterId: "c" }, "aws-payer", /template aws-payer is for aws accounts, not other/],
  ])("refuses the tenants file's account %j (template %s), naming it", async (scope, template, message) => {
    const run = await costmon("nightly", "--config", tenantsFile(scope, template), "--date", RUN_DATE, "--json", "--no-reports", "--quiet", "--data-dir", dataDir, "--config-dir", configDir);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });
});
