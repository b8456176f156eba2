/**
 * Figures for the OpenCost and Vultr sources, against the local replay servers and a DuckDB
 * ledger in memory (the local runtime's CostWarehouse). Prints JSON:
 *  - opencost.namespaces_plus_idle_vs_cluster_total: per-namespace workload cost plus __idle__,
 *    against the cluster total OpenCost sent, as a relative difference;
 *  - opencost.ingest_ms: one window of `--allocations` allocations (default 10,000) fetched over
 *    HTTP, parsed, idle shared, and written with replaceWindow;
 *  - rerun_added_rows: rows the same window adds when pulled again (both sources);
 *  - vultr.invoice_difference: |items − invoice total| for a 1,203-item, 3-page invoice.
 *
 *   npx tsx bench/providers/kubernetes-vultr.ts [--allocations 10000]
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import Big from "big.js";
import { openCostApiFactory } from "#adapters/billing/opencost-client.js";
import { vultrApiFactory } from "#adapters/billing/vultr-client.js";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { IDLE_SERVICE, WORKLOAD_SERVICE } from "#domain/billing/providers/opencost/allocation-records.js";
import { OpenCostAllocationSource } from "#domain/billing/providers/opencost/source.js";
import { VultrBillingSource } from "#domain/billing/providers/vultr/source.js";
import { allocationResponse, syntheticDay } from "../../test/support/replay/opencost-fixtures.js";
import { startOpenCostServer } from "../../test/support/replay/opencost-server.js";
import { startVultrServer } from "../../test/support/replay/vultr-server.js";

const { values } = parseArgs({ options: { allocations: { type: "string", default: "10000" } } });
const n = Number(values.allocations);
const retry = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 200 };
const clock = { now: () => new Date("2026-12-05T06:00:00Z") };
const day = "2026-11-01";
const window = { start: day, end: day };

// OpenCost: n workloads over 200 namespaces plus __idle__, one daily step.
const body = allocationResponse({ [day]: syntheticDay(n, 200) });
const oc = await startOpenCostServer({ token: "bench", body: () => body });
const ocAccount: CloudAccountRef = { tenantId: "bench", accountId: "k8s", provider: "other", scope: { clusterId: "bench-cluster", billSplit: "none" }, environment: "prod" };
const ocSource = new OpenCostAllocationSource({ clientFor: openCostApiFactory({ get: async () => ({ url: oc.url, token: "bench" }) }, { retry }), clock });
const wh = await DuckDbCostWarehouse.open({ file: ":memory:" });
const scope = { tenantId: "bench", provider: "other" as const, source: "opencost" };

const t0 = performance.now();
const first = await ocSource.collect({ account: ocAccount, window });
const firstStats = await wh.replaceWindow(scope, window, first.records);
const ingestMs = performance.now() - t0;
const second = await ocSource.collect({ account: ocAccount, window });
const secondStats = await wh.replaceWindow(scope, window, second.records);
await oc.close();

const entries = Object.values(body.data[0] ?? {}) as { name: string; totalCost: number | null; properties: { namespace?: string } }[];
const clusterTotal = entries.reduce((s, a) => s.plus(a.totalCost === null ? 0 : a.totalCost.toFixed(5)), new Big(0));
const rows = await wh.queryDaily("bench", { window, groupBy: ["service_name"], groupByTags: ["k8s:namespace"] });
const namespaces = rows.filter((r) => r.dims.service_name === WORKLOAD_SERVICE).reduce((s, r) => s.plus(r.billed_cost), new Big(0));
const idle = rows.filter((r) => r.dims.service_name === IDLE_SERVICE).reduce((s, r) => s.plus(r.billed_cost), new Big(0));
const rel = namespaces.plus(idle).minus(clusterTotal).abs().div(clusterTotal);

// Vultr: one 1,203-item invoice over three pages of 500.
const items: Record<string, unknown>[] = [];
let sum = new Big(0);
for (let i = 0; i < 1_203; i++) {
  const total = new Big(i % 97).div(7).round(3).plus("0.015");
  sum = sum.plus(total);
  items.push({ description: `server-${i}`, product: "Cloud Compute", start_date: "2026-11-01T00:00:00+00:00", end_date: "2026-11-30T23:59:59+00:00", units: 720, unit_type: "hours", total: i % 2 ? total.toFixed() : Number(total.toFixed()) });
}
const invoice = { id: 7, date: "2026-12-01T00:00:00+00:00", description: "Invoice", amount: sum.round(2).toFixed(), balance: "0" };
const vs = await startVultrServer({ apiKey: "bench", data: { invoices: [invoice], items: { "7": items }, history: [], pending: [] } });
const vSource = new VultrBillingSource({ clientFor: vultrApiFactory({ get: async () => ({ apiKey: "bench" }) }, { retry, endpoint: `${vs.url}/v2` }), clock });
const vAccount: CloudAccountRef = { tenantId: "bench", accountId: "vultr", provider: "other", scope: {}, environment: "prod" };
const vScope = { tenantId: "bench", provider: "other" as const, source: "vultr-invoice" };
// November's page, as the nightly pages a Vultr account by invoice month: its invoice is dated 1 December.
const monthWindow = { start: "2026-11-01", end: "2026-11-30" };
const v1 = await vSource.collect({ account: vAccount, window: monthWindow });
await wh.replaceWindow(vScope, monthWindow, v1.records);
const v2 = await vSource.collect({ account: vAccount, window: monthWindow });
const vStats = await wh.replaceWindow(vScope, monthWindow, v2.records);
await vs.close();
const vTotal = v1.records.reduce((s, r) => s.plus(r.billed_cost), new Big(0));
await wh.close();

console.log(
  JSON.stringify(
    {
      opencost: {
        allocations: n,
        records: first.records.length,
        inserted: firstStats.inserted,
        ingest_ms: Math.round(ingestMs),
        cluster_total: clusterTotal.toFixed(),
        namespaces_plus_idle: namespaces.plus(idle).toFixed(),
        namespaces_plus_idle_vs_cluster_total: rel.toFixed(),
        rerun_added_rows: secondStats.inserted,
        rerun_deleted_rows: secondStats.deleted,
      },
      vultr: {
        items: items.length,
        invoice_total: invoice.amount,
        items_total: vTotal.toFixed(),
        invoice_difference: vTotal.minus(invoice.amount).abs().toFixed(),
        calls: v1.calls,
        rerun_added_rows: vStats.inserted,
      },
    },
    null,
    2,
  ),
);
