/**
 * What anomaly detection on the Kubernetes allocation view costs the nightly analysis: a cluster
 * of `--namespaces` namespaces (default 200), 3 controllers each, a workload and an idle-share row
 * per controller and day, over `--days` days (default 400, the analysis' history), one namespace
 * jumping 4× on the last day. Times allocationUsageSeries (rows to series, breakdowns, cluster
 * totals) and findAllocationAnomalyRuns (the detector on every series, plus the share-of-cluster
 * check on the flagged ones). Prints JSON: rows, series, runs, and the milliseconds of each step.
 *
 *   npx tsx bench/providers/allocation-anomalies.ts [--namespaces 200] [--days 400]
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { findAllocationAnomalyRuns } from "#domain/analysis/anomaly/allocation-runs.js";
import { allocationUsageSeries } from "#domain/analysis/anomaly/allocation-series.js";
import type { LedgerRow } from "#domain/analysis/ledger-row.js";
import { addDays } from "#kernel/days.js";

const { values } = parseArgs({ options: { namespaces: { type: "string", default: "200" }, days: { type: "string", default: "400" } } });
const namespaces = Number(values.namespaces);
const days = Number(values.days);
const asOf = "2026-11-19";

const rows: LedgerRow[] = [];
for (let d = 0; d < days; d++) {
  const date = addDays(asOf, d - days + 1);
  for (let n = 0; n < namespaces; n++) {
    for (let c = 0; c < 3; c++) {
      const base = 10 + ((n * 7 + c * 3) % 17) + ((d * 37 + n * 11 + c) % 13) / 5;
      const cost = base * (d === days - 1 && n === 0 ? 4 : 1);
      const tags = { "k8s:cluster": "bench", "k8s:namespace": `ns-${n}`, "k8s:controller_kind": "deployment", "k8s:controller": `app-${c}` };
      const dims = { provider: "other", sub_account_id: `ns-${n}`, region_id: "", charge_category: "Usage", billing_currency: "USD" };
      rows.push({ date, billed_cost: (cost * 0.9).toFixed(6), dims: { ...dims, service_name: "Kubernetes workload" }, tags });
      rows.push({ date, billed_cost: (cost * 0.1).toFixed(6), dims: { ...dims, service_name: "Kubernetes idle" }, tags: { ...tags, "k8s:idle": "shared" } });
    }
  }
}

const t0 = performance.now();
const series = allocationUsageSeries(rows);
const t1 = performance.now();
const runs = findAllocationAnomalyRuns(series, { settings: {}, feedback: new Map(), asOf });
const t2 = performance.now();

console.log(
  JSON.stringify(
    {
      namespaces,
      days,
      rows: rows.length,
      series: series.length,
      runs: runs.map((r) => [r.seriesKey, r.direction, r.impact]),
      series_ms: Math.round(t1 - t0),
      detect_ms: Math.round(t2 - t1),
    },
    null,
    2,
  ),
);
