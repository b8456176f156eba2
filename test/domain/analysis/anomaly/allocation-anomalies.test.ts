import Big from "big.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findAllocationAnomalyRuns, shareOfClusterPoints } from "#domain/analysis/anomaly/allocation-runs.js";
import { ALLOCATION_SERIES_PREFIX, allocationSeriesKeyOf, allocationUsageSeries, parseAllocationSeriesKey } from "#domain/analysis/anomaly/allocation-series.js";
import { findAnomalyRuns, parseSeriesKey, seriesKeyOf } from "#domain/analysis/anomaly/index.js";
import { anomalyWhereOf } from "#domain/analysis/anomaly/series-where.js";
import type { LedgerRow } from "#domain/analysis/ledger-row.js";
import { LEDGER_PROVIDERS } from "#domain/billing/cost-record.js";
import { addDays } from "#kernel/days.js";

/**
 * Anomaly series on the Kubernetes allocation view: one per cluster and namespace, keys that never
 * meet a billed key, root causes by controller and resource type, and the rule that a move of the
 * cloud bill alone (which the split spreads over every namespace) raises no allocation anomaly.
 */
const AS_OF = "2026-11-19";
const CLUSTER = "prod-eks";

interface Workload {
  namespace: string;
  kind: string;
  controller: string;
  /** OpenCost's own cost on day i (before the bill split). */
  cost: (i: number) => number;
}

const WORKLOADS: Workload[] = [
  { namespace: "web", kind: "deployment", controller: "api", cost: (i) => 40 + ((i * 37) % 13) / 4 },
  { namespace: "web", kind: "deployment", controller: "worker", cost: (i) => 20 + ((i * 11) % 7) / 4 },
  { namespace: "batch", kind: "job", controller: "etl", cost: (i) => 30 + ((i * 23) % 11) / 4 },
];
const DAYS = 120;

function allocationRow(date: string, cost: string, w: Workload, service = "Kubernetes workload", extra: Record<string, string> = {}): LedgerRow {
  return {
    date,
    billed_cost: cost,
    dims: { provider: "other", sub_account_id: w.namespace, service_name: service, region_id: "", charge_category: "Usage", billing_currency: "USD" },
    tags: { "k8s:cluster": CLUSTER, "k8s:namespace": w.namespace, "k8s:controller_kind": w.kind, "k8s:controller": w.controller, ...extra },
  };
}

/**
 * The allocation view of DAYS days as the OpenCost source writes it with `billSplit: cloudCost`:
 * each workload's OpenCost cost, scaled so the day sums to the bill's Kubernetes part. `jump`
 * multiplies one controller's own cost on the last day; `bill` multiplies the bill's price on it
 * (the bill follows the cluster's usage otherwise, as node autoscaling makes it).
 */
function ledger(opts: { jump?: { controller: string; factor: number }; bill?: number; flatBill?: number } = {}): LedgerRow[] {
  const rows: LedgerRow[] = [];
  for (let i = 0; i < DAYS; i++) {
    const date = addDays(AS_OF, i - DAYS + 1);
    const last = i === DAYS - 1;
    const own = WORKLOADS.map((w) => w.cost(i) * (last && opts.jump?.controller === w.controller ? opts.jump.factor : 1));
    // A flat bill: the day's Kubernetes part is `flatBill` whatever the workloads use.
    const price = opts.flatBill !== undefined ? opts.flatBill / own.reduce((a, b) => a + b, 0) : last ? (opts.bill ?? 1) : 1;
    WORKLOADS.forEach((w, k) => {
      const share = new Big(own[k] as number).times(price);
      // 90% workload, 10% its idle share, as the idle split writes two rows per workload.
      rows.push(allocationRow(date, share.times("0.9").toFixed(6), w));
      rows.push(allocationRow(date, share.times("0.1").toFixed(6), w, "Kubernetes idle", { "k8s:idle": "shared" }));
    });
  }
  return rows;
}

const options = { settings: {}, feedback: new Map(), asOf: AS_OF };

describe("allocation series keys", () => {
  it("never collide with a billed key: no ledger provider is the prefix, and a billed key never parses as one", () => {
    expect(LEDGER_PROVIDERS as readonly string[]).not.toContain(ALLOCATION_SERIES_PREFIX);
    fc.assert(
      fc.property(fc.constantFrom(...LEDGER_PROVIDERS), fc.string(), fc.string(), fc.option(fc.constantFrom("USD", "EUR"), { nil: undefined }), (provider, accountId, service, currency) => {
        const billed = seriesKeyOf({ provider, accountId, service, ...(currency ? { currency } : {}) });
        expect(parseAllocationSeriesKey(billed)).toBeNull();
        expect(anomalyWhereOf(billed).view).toBe("billed");
        expect(allocationSeriesKeyOf({ cluster: accountId, namespace: service })).not.toBe(billed);
      }),
    );
  });

  it("splits back into the cluster and namespace it was made of, whatever they hold", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.option(fc.constantFrom("USD", "EUR"), { nil: undefined }), (cluster, namespace, currency) => {
        const w = { cluster, namespace, ...(currency ? { currency } : {}) };
        expect(parseAllocationSeriesKey(allocationSeriesKeyOf(w))).toEqual(w);
      }),
    );
    expect(allocationSeriesKeyOf({ cluster: "a|b", namespace: "web" })).toBe("kubernetes-allocation|a%7Cb|web");
  });

  it("reads as provider kubernetes, the cluster and the namespace wherever an anomaly is shown", () => {
    expect(anomalyWhereOf(allocationSeriesKeyOf({ cluster: CLUSTER, namespace: "web" }))).toEqual({
      view: "kubernetes-allocation",
      where: { provider: "kubernetes", accountId: CLUSTER, service: "namespace web" },
    });
    expect(anomalyWhereOf("aws|123456789012|Amazon EC2")).toEqual({ view: "billed", where: parseSeriesKey("aws|123456789012|Amazon EC2") });
  });
});

describe("allocationUsageSeries", () => {
  it("gives one series per cluster and namespace with the cluster's total beside it, and a currency suffix only where a namespace has two", () => {
    const w = WORKLOADS[0] as Workload;
    const rows = [
      allocationRow("2026-11-01", "10", w),
      allocationRow("2026-11-01", "2", w, "Kubernetes idle"),
      allocationRow("2026-11-01", "5", WORKLOADS[2] as Workload),
      { ...allocationRow("2026-11-02", "7", w), dims: { ...allocationRow("2026-11-02", "7", w).dims, billing_currency: "EUR" } },
      // Rows from before the cluster tag read as cluster "(none)".
      { ...allocationRow("2026-11-01", "1", WORKLOADS[2] as Workload), tags: { "k8s:namespace": "batch" } },
    ];
    const series = allocationUsageSeries(rows, { labelKeys: ["k8s:label:team", "team"] });
    expect(series.map((s) => s.seriesKey)).toEqual([
      "kubernetes-allocation|prod-eks|web|USD",
      "kubernetes-allocation|prod-eks|batch",
      "kubernetes-allocation|prod-eks|web|EUR",
      "kubernetes-allocation|(none)|batch",
    ]);
    const web = series[0];
    expect([...(web?.series.exact ?? [])]).toEqual([["2026-11-01", "12"]]);
    expect([...(web?.clusterTotal ?? [])]).toEqual([["2026-11-01", 17]]);
    expect(web?.breakdowns.map((b) => b.map((c) => [c.dimension, c.value]))).toEqual([
      [["controller", "deployment/api"]],
      [
        ["resource_type", "Kubernetes workload"],
        ["resource_type", "Kubernetes idle"],
      ],
      // Only `k8s:label:` keys become label breakdowns; a row without the label reads "(none)".
      [["label:team", "(none)"]],
    ]);
  });
});

describe("findAllocationAnomalyRuns", () => {
  it("raises an anomaly on the namespace whose workload jumped, with its controller as the root cause in money", () => {
    const series = allocationUsageSeries(ledger({ jump: { controller: "api", factor: 4 } }));
    const runs = findAllocationAnomalyRuns(series, options);
    expect(runs.map((r) => [r.seriesKey, r.direction, r.start, r.end])).toEqual([["kubernetes-allocation|prod-eks|web", "increase", AS_OF, AS_OF]]);
    const run = runs[0]!;
    const controllers = run.rootCauses.filter((c) => c.dimension === "controller");
    expect(controllers[0]?.value).toBe("deployment/api");
    // Each breakdown splits the same deviation (the model's, to the cent): the sums agree, and
    // come within 1% of the run's impact (which sums the flags' rounded expectations).
    const sum = (dim: string) => run.rootCauses.filter((c) => c.dimension === dim).reduce((s, c) => s.plus(c.contribution), new Big(0));
    expect(sum("controller").toFixed(2)).toBe(sum("resource_type").toFixed(2));
    expect(sum("controller").minus(run.impact).abs().lte(new Big(run.impact).times("0.01"))).toBe(true);
    expect(run.rootCauses.filter((c) => c.dimension === "resource_type").map((c) => c.value)).toEqual(["Kubernetes workload", "Kubernetes idle"]);
    expect(new Big(controllers[0]?.contribution ?? "0").gt(new Big(run.impact).times("0.9"))).toBe(true);
  });

  it("raises none when only the cloud bill moved, though every namespace's money moved with it", () => {
    const series = allocationUsageSeries(ledger({ bill: 3 }));
    // The detector alone flags both namespaces: the split carried the bill's jump into each.
    expect(findAnomalyRuns(series, options).map((r) => r.seriesKey).sort()).toEqual(["kubernetes-allocation|prod-eks|batch", "kubernetes-allocation|prod-eks|web"]);
    // Their share of the cluster did not move: the billed series tell this money, once.
    for (const s of series) {
      const share = shareOfClusterPoints(s);
      expect(Math.abs(share.at(-1)!.cost / share.at(-2)!.cost - 1)).toBeLessThan(0.05);
      expect(s.series.points.at(-1)!.cost / s.series.points.at(-2)!.cost).toBeGreaterThan(2.5);
    }
    expect(findAllocationAnomalyRuns(series, options)).toEqual([]);
  });

  it("when both the bill and one workload move, raises the allocation anomaly of that namespace only", () => {
    const series = allocationUsageSeries(ledger({ jump: { controller: "api", factor: 4 }, bill: 2 }));
    expect(findAnomalyRuns(series, options).map((r) => r.seriesKey).sort()).toEqual(["kubernetes-allocation|prod-eks|batch", "kubernetes-allocation|prod-eks|web"]);
    expect(findAllocationAnomalyRuns(series, options).map((r) => [r.seriesKey, r.direction])).toEqual([["kubernetes-allocation|prod-eks|web", "increase"]]);
  });

  it("with a flat bill, raises the namespace that jumped, and a decrease on the one whose share of that bill fell", () => {
    const series = allocationUsageSeries(ledger({ jump: { controller: "api", factor: 4 }, flatBill: 100 }));
    expect(findAllocationAnomalyRuns(series, options).map((r) => [r.seriesKey, r.direction])).toEqual([
      ["kubernetes-allocation|prod-eks|web", "increase"],
      ["kubernetes-allocation|prod-eks|batch", "decrease"],
    ]);
  });

  it("never raises one on a cluster with a single namespace: its allocation is the bill's Kubernetes part itself", () => {
    const rows = ledger({ jump: { controller: "api", factor: 4 } }).filter((r) => r.tags?.["k8s:namespace"] === "web");
    const series = allocationUsageSeries(rows);
    expect(findAnomalyRuns(series, options)).toHaveLength(1);
    expect(findAllocationAnomalyRuns(series, options)).toEqual([]);
  });
});
