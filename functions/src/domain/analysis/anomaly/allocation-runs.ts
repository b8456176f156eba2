import { fromNumber } from "../../billing/money.js";
import { type AnomalyRun, type AnomalyRunOptions, findAnomalyRuns, settingsFor } from "./anomaly-runs.js";
import type { AllocationSeries } from "./allocation-series.js";
import { detectSeries } from "./detect-series.js";
import { attributeRootCause } from "./root-cause.js";
import type { CostPoint } from "./types.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * The namespace's share of its cluster, valued at the cluster's median day: each day's cost
 * divided by the cluster's allocation that day, times the median of the cluster's days. A change
 * of the cluster's money alone (the cloud bill's Kubernetes part, split over every namespace in
 * proportion) leaves it flat; a namespace that uses more or less of the cluster moves it.
 * Model input only, like every point: the anomaly's money comes from the series itself.
 */
export function shareOfClusterPoints(s: AllocationSeries): CostPoint[] {
  const clusterDays = [...s.clusterTotal.values()].filter((c) => c > 0);
  const typical = median(clusterDays);
  return s.series.points.map((p) => {
    const cluster = s.clusterTotal.get(p.date) ?? 0;
    return { date: p.date, cost: cluster > 0 ? (p.cost / cluster) * typical : 0 };
  });
}

const cents = (n: number) => fromNumber(Math.abs(n) < 0.005 ? 0 : n, 2);

/**
 * Anomalies on the allocation view, by the same detector and settings as the billed series, with
 * one rule that keeps one move of money from alerting twice. The allocation is the cloud bill's
 * Kubernetes part split over namespaces, so when only the bill moves (node prices, the Kubernetes
 * share of the bill), every namespace moves with it and the billed series already tells. An
 * allocation anomaly is therefore raised only when its namespace's share of the cluster
 * (shareOfClusterPoints) is flagged too, in the same direction, on a day of the anomaly: the
 * namespace itself moved. When both the bill and a namespace's share move, both views raise an
 * anomaly: the billed one says what the bill did, the allocation one which workload did it.
 * A cluster with one namespace never raises one (its share is always all), and with
 * `billSplit: none` (no bill) the rule still asks that the namespace moved against the rest.
 *
 * Root causes: the run's last-day deviation split, in money, over each breakdown in turn
 * (controller, resource type, label values), as attributeRootCause does for regions.
 */
export function findAllocationAnomalyRuns(series: readonly AllocationSeries[], opts: AnomalyRunOptions): AnomalyRun[] {
  const byKey = new Map(series.map((s) => [s.seriesKey, s] as const));
  const out: AnomalyRun[] = [];
  for (const run of findAnomalyRuns(series, opts)) {
    const s = byKey.get(run.seriesKey);
    if (!s) continue;
    const settings = settingsFor(opts.settings, s.currency);
    const shareFlags = detectSeries(shareOfClusterPoints(s), settings, opts.feedback.get(s.seriesKey) ?? [], s.seriesKey);
    if (!shareFlags.some((f) => f.direction === run.direction && f.date >= run.start && f.date <= run.end)) continue;
    const rootCauses = s.breakdowns.flatMap((children) =>
      attributeRootCause(s.series.points, children, run.end, settings).map((c) => ({ dimension: c.dimension, value: c.value, contribution: cents(c.contribution) })),
    );
    out.push({ ...run, rootCauses });
  }
  return out;
}
