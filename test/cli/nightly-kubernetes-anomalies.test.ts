import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Big from "big.js";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProgress } from "#cli/progress.js";
import { gatherReportData } from "#cli/report/report-data.js";
import { type NightlyResult, runNightly } from "#cli/nightly/run-nightly.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import { computeTenantAnalysis } from "#domain/nightly/analyze-tenant.js";
import { addDays } from "#kernel/days.js";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { costRow } from "../entrypoints/support/seed.js";
import type { ReplayServer } from "../support/replay/http-server.js";
import { allocationResponse } from "../support/replay/opencost-fixtures.js";
import { startOpenCostServer } from "../support/replay/opencost-server.js";
import { runCostmon as costmon } from "../support/run-costmon.js";
import { repoRoot } from "../support/shared-data.js";

/**
 * Anomalies on the Kubernetes allocation view, through the real nightly: clusters connected with
 * `costmon account add --template opencost` against local servers that replay OpenCost's
 * `/allocation` and `/cloudCost` wire shapes (OpenCost API reference; opencost-website's example
 * outputs, with our own values), collected, split and analysed by runNightly on a DuckDB ledger.
 * The cloud bill of the nodes (AWS EC2 rows, as an AWS collector would write them) is seeded in the
 * ledger beforehand; `/cloudCost` reports the same node money, 80% of it Kubernetes.
 *
 * Four tenants, one cluster each, steady for 90 days and then, on the last day analysed:
 * - `ns-jump`: the web namespace's workload is 4×, the cluster priced by OpenCost (`billSplit: none`);
 * - `bill-jump`: the nodes' bill is 3×, the workloads unchanged (`billSplit: cloudCost`);
 * - `both-move`: the web workload 4× and the nodes' bill with it, as node autoscaling makes it;
 * - `share-jump`: the bill and the workloads unchanged, but `/cloudCost` says Kubernetes used 90%
 *   of the nodes instead of 40% (kubernetesPercent).
 * Amounts are large enough to clear the thresholds `costmon tenant init` sets.
 */
const RUN_DATE = "2026-11-20";
const AS_OF = addDays(RUN_DATE, -1);
const NOW = new Date(`${RUN_DATE}T06:00:00Z`);
const DAYS = Array.from({ length: 90 }, (_, i) => addDays(AS_OF, i - 89));
const TOKEN = "oc-token";
const AWS_ACCOUNT = "123456789012";
const KUBERNETES_PERCENT = 0.8;

interface Scenario {
  tenant: string;
  cluster: string;
  billSplit: "cloudCost" | "none";
  /** Last day's multiplier of the web namespace's own (OpenCost) cost. */
  web: number;
  /** Last day's multiplier of the nodes' bill; "usage": the cluster's OpenCost cost's own multiplier. */
  nodes: number | "usage";
  /** kubernetesPercent before and on the last day (default 0.8 throughout). */
  percent?: [number, number];
}
const SCENARIOS: Scenario[] = [
  { tenant: "ns-jump", cluster: "cluster-ns", billSplit: "none", web: 4, nodes: 1 },
  { tenant: "bill-jump", cluster: "cluster-bill", billSplit: "cloudCost", web: 1, nodes: 3 },
  { tenant: "both-move", cluster: "cluster-both", billSplit: "cloudCost", web: 4, nodes: "usage" },
  { tenant: "share-jump", cluster: "cluster-share", billSplit: "cloudCost", web: 1, nodes: 1, percent: [0.4, 0.9] },
];

const isLast = (day: string) => day === AS_OF;
/** OpenCost's cost of the web namespace's deployment, the batch namespace's job and the idle, on day i. */
const webCost = (i: number) => ({ cpu: 80 + ((i * 37) % 13) * 2, ram: 20 });
const batchCost = (i: number) => ({ cpu: 60 + ((i * 23) % 11) * 2, ram: 10 });
const IDLE = 20;
const clusterCost = (i: number, web: number) => (webCost(i).cpu + webCost(i).ram) * web + batchCost(i).cpu + batchCost(i).ram + IDLE;
/** The nodes' daily bill: steady with a little day-to-day noise, and the scenario's last day. */
function nodeBill(s: Scenario, day: string, i: number): number {
  const factor = !isLast(day) ? 1 : s.nodes === "usage" ? clusterCost(i, s.web) / clusterCost(i, 1) : s.nodes;
  return Math.round((1000 + ((i * 19) % 17) * 5) * factor * 100) / 100;
}

function cloudCost(s: Scenario, days: string[]): unknown {
  return {
    code: 200,
    data: {
      sets: days.map((d) => {
        const window = { start: `${d}T00:00:00Z`, end: `${addDays(d, 1)}T00:00:00Z` };
        const percent = s.percent ? s.percent[isLast(d) ? 1 : 0] : KUBERNETES_PERCENT;
        const measure = { cost: nodeBill(s, d, DAYS.indexOf(d)), kubernetesPercent: percent };
        return { cloudCosts: { AWS: { properties: { provider: "AWS" }, window, listCost: measure, netCost: measure, amortizedNetCost: measure, invoicedCost: measure, amortizedCost: measure } }, window, aggregationProperties: ["provider"] };
      }),
    },
  };
}

/** Days of an OpenCost `window=start,end` query (end exclusive) that the fixture has. */
function daysOf(query: URLSearchParams): string[] {
  const [start = "", end = ""] = (query.get("window") ?? "").split(",");
  return DAYS.filter((d) => `${d}T00:00:00Z` >= start && `${d}T00:00:00Z` < end);
}

function allocations(s: Scenario, days: string[]): unknown {
  return allocationResponse(
    Object.fromEntries(
      days.map((d) => {
        const i = DAYS.indexOf(d);
        const web = isLast(d) ? s.web : 1;
        return [
          d,
          [
            { key: "web", namespace: "web", controllerKind: "deployment", controller: "api", cpuCost: webCost(i).cpu * web, ramCost: webCost(i).ram * web },
            { key: "batch", namespace: "batch", controllerKind: "job", controller: "etl", cpuCost: batchCost(i).cpu, ramCost: batchCost(i).ram },
            { key: "__idle__", cpuCost: IDLE, ramCost: 0 },
          ],
        ];
      }),
    ),
    s.cluster,
  );
}

function bill(s: Scenario): CostRecord[] {
  return DAYS.map((d, i) =>
    costRow(s.tenant, d, {
      provider: "aws",
      billing_account_id: AWS_ACCOUNT,
      sub_account_id: AWS_ACCOUNT,
      service_name: "Amazon EC2",
      region_id: "us-east-1",
      resource_id: `nodes-${i}`,
      billed_cost: String(nodeBill(s, d, i)),
      effective_cost: String(nodeBill(s, d, i)),
      list_cost: String(nodeBill(s, d, i)),
      source: "aws",
    }),
  );
}

interface AnomalyDoc {
  [field: string]: unknown;
  seriesKey: string;
  view: string;
  where: { provider: string; accountId: string; service: string };
  direction: string;
  impact: string;
  rootCauses: { dimension: string; value: string; contribution: string }[];
}

describe("the nightly raises anomalies on the Kubernetes allocation view, once per move of money", () => {
  const dir = mkdtempSync(join(tmpdir(), "nightly-k8s-anomalies-"));
  const dataDir = join(dir, "data");
  const configDir = join(dir, "config");
  const servers: ReplayServer[] = [];
  let result: NightlyResult;
  const anomalies: Record<string, AnomalyDoc[]> = {};
  const allocationByDay: Record<string, Record<string, string>> = {};
  const billedMonthToDate: Record<string, string> = {};
  let reportWhere: string[] = [];
  let rerun: { events: number; anomalies: string[] } | undefined;

  beforeAll(async () => {
    mkdirSync(configDir, { recursive: true });
    copyFileSync(join(repoRoot, "config", "base.yaml"), join(configDir, "base.yaml"));
    writeFileSync(join(configDir, "dev.yaml"), dump({ collection: { history_months: 4 }, selfops: { retry_max_attempts: 2, retry_base: "5ms", retry_max: "20ms" } }));
    const cli = ["--data-dir", dataDir, "--config-dir", configDir];
    for (const s of SCENARIOS) {
      const server = await startOpenCostServer({ token: TOKEN, body: (q) => allocations(s, daysOf(q)), cloudCost: (q) => cloudCost(s, daysOf(q)) });
      servers.push(server);
      const secret = join(dir, `${s.tenant}.json`);
      writeFileSync(secret, JSON.stringify({ url: server.url, token: TOKEN }));
      expect((await costmon("tenant", "init", "--tenant", s.tenant, "--name", s.tenant, ...cli)).code).toBe(0);
      const scope = ["--scope", `clusterId=${s.cluster}`, "--scope", `billSplit=${s.billSplit}`];
      const r = await costmon("account", "add", "--tenant", s.tenant, "--account", "k8s", "--template", "opencost", ...scope, "--credentials", secret, ...cli);
      expect(r.code, r.stderr).toBe(0);
    }

    configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, configDir, clock: { now: () => NOW }, logSink: () => {} });
    try {
      const deps = await getDeps();
      for (const s of SCENARIOS) await deps.warehouse.upsert(s.tenant, bill(s));
      result = await runNightly(deps, { runDate: RUN_DATE, tenantIds: SCENARIOS.map((s) => s.tenant), progress: createProgress({ quiet: true }) });
      for (const s of SCENARIOS) {
        const page = await deps.documents.list<AnomalyDoc>(`tenants/${s.tenant}/anomalies`, { limit: 100 });
        anomalies[s.tenant] = page.docs.map((d) => d.data);
        const rows = await deps.warehouse.queryDaily(s.tenant, { window: { start: addDays(AS_OF, -1), end: AS_OF }, groupBy: [], view: "kubernetes-allocation" });
        allocationByDay[s.tenant] = Object.fromEntries(rows.map((r) => [r.date, r.billed_cost]));
        const billed = await deps.warehouse.queryDaily(s.tenant, { window: { start: "2026-11-01", end: AS_OF }, groupBy: [] });
        billedMonthToDate[s.tenant] = billed.reduce((t, r) => t.plus(r.billed_cost), new Big(0)).toFixed();
      }
      reportWhere = (await gatherReportData(deps, "both-move", { tagKey: "k8s:namespace" })).anomalies.map((a) => a.where).sort();
      // The same day analysed again over the documents the nightly wrote.
      const again = await computeTenantAnalysis({ warehouse: deps.warehouse, store: deps.documents, dashboardUrl: "https://costs.example.com" }, "ns-jump", AS_OF, NOW);
      rerun = { events: again.events.length, anomalies: again.result.anomalies.map((a) => a.seriesKey) };
    } finally {
      await closeDeps();
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const summary = (tenant: string) => result.tenants.find((t) => t.tenantId === tenant);

  it("collects every cluster without a failure", () => {
    for (const s of SCENARIOS) expect(summary(s.tenant), s.tenant).toMatchObject({ failedPages: 0 });
  });

  it("raises an anomaly on the namespace whose spend jumped, on its allocation series, with its controller and resource type as root causes", () => {
    const docs = anomalies["ns-jump"] ?? [];
    expect(docs.map((a) => [a.seriesKey, a.view, a.direction])).toEqual([["kubernetes-allocation|cluster-ns|web", "kubernetes-allocation", "increase"]]);
    const a = docs[0] as AnomalyDoc;
    expect(a.where).toEqual({ provider: "kubernetes", accountId: "cluster-ns", service: "namespace web" });
    expect(a.rootCauses.find((c) => c.dimension === "controller")).toMatchObject({ value: "deployment/api" });
    expect(a.rootCauses.filter((c) => c.dimension === "resource_type").map((c) => c.value).sort()).toEqual(["Kubernetes idle", "Kubernetes workload"]);
    // Money: the controller's contribution carries the jump (web went from about 125 to about 500 a day).
    expect(new Big(a.rootCauses.find((c) => c.dimension === "controller")?.contribution ?? "0").gt(250)).toBe(true);
    expect(summary("ns-jump")?.analysis?.anomalies.map((x) => x.view)).toEqual(["kubernetes-allocation"]);
    // Its id is stable: analysing the same day again finds the same document and raises no new alert.
    expect(rerun).toEqual({ events: 0, anomalies: ["kubernetes-allocation|cluster-ns|web"] });
  });

  it("keeps the bill's total billed-only: the forecast total's month to date is the bill, not bill plus allocation", () => {
    for (const s of SCENARIOS) {
      const total = summary(s.tenant)?.analysis?.forecasts.find((f) => f.seriesKey === "total");
      expect(new Big(total?.actualToDate ?? "-1").eq(billedMonthToDate[s.tenant] ?? "0"), s.tenant).toBe(true);
      // The ledger does hold the allocation beside it.
      expect(Object.keys(allocationByDay[s.tenant] ?? {}), s.tenant).toHaveLength(2);
    }
  });

  it("raises one billed anomaly, not a second on the allocation, when only the bill's Kubernetes part jumped", () => {
    // The split carried the bill's jump into the allocation: every namespace tripled.
    const day = allocationByDay["bill-jump"] ?? {};
    expect(new Big(day[AS_OF] ?? "0").div(day[addDays(AS_OF, -1)] ?? "1").gt("2.5")).toBe(true);
    expect((anomalies["bill-jump"] ?? []).map((a) => [a.seriesKey, a.view, a.direction])).toEqual([[`aws|${AWS_ACCOUNT}|Amazon EC2`, "billed", "increase"]]);
  });

  it("raises none when only the Kubernetes share of an unchanged bill jumped: no money moved", () => {
    // The allocation view more than doubled (40% to 90% of the same bill), in every namespace alike.
    const day = allocationByDay["share-jump"] ?? {};
    expect(new Big(day[AS_OF] ?? "0").div(day[addDays(AS_OF, -1)] ?? "1").gt("2")).toBe(true);
    expect(anomalies["share-jump"] ?? []).toEqual([]);
  });

  it("raises both when both views really move: the bill's anomaly and the allocation's on the namespace that drove it", () => {
    const keys = (anomalies["both-move"] ?? []).map((a) => [a.seriesKey, a.view, a.direction]).sort();
    expect(keys).toEqual([
      [`aws|${AWS_ACCOUNT}|Amazon EC2`, "billed", "increase"],
      ["kubernetes-allocation|cluster-both|web", "kubernetes-allocation", "increase"],
    ]);
    // The report lists both, the allocation one marked as such.
    expect(reportWhere).toEqual([`aws · ${AWS_ACCOUNT} · Amazon EC2`, "kubernetes · cluster-both · namespace web (Kubernetes allocation view)"]);
  });
});
