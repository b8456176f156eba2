import { ALLOCATION_VIEW } from "../../billing/ledger-view.js";
import { toNumber } from "../../billing/money.js";
import { K8S_TAG } from "../../billing/providers/opencost/allocation-records.js";
import { addDays } from "#kernel/days.js";
import { toDailySeries } from "../daily-series.js";
import type { LedgerRow } from "../ledger-row.js";
import type { ChildSeries } from "./root-cause.js";
import type { CostPoint } from "./types.js";
import type { UsageSeries } from "./usage-series.js";

/**
 * Anomaly series on the Kubernetes allocation view (docs/kubernetes.md): one per cluster,
 * namespace and billing currency, summed from the allocation rows (OpenCost's, the cloud bill's
 * Kubernetes part split over them). The namespaces of a cluster partition its allocation, so a
 * workload's money is in exactly one series; controllers, resource types (workload or idle share)
 * and the `k8s:label:` keys a budget names are root-cause dimensions, not series of their own,
 * so one jump raises one allocation anomaly, not one per level.
 */

/**
 * First part of every allocation series key. A billed key starts with the row's provider, one of
 * LEDGER_PROVIDERS, which this is not: the two kinds of keys never collide (series-key.test.ts).
 */
export const ALLOCATION_SERIES_PREFIX = ALLOCATION_VIEW;

/** A cluster or namespace without its tag (rows written before the tag, or OpenCost's unshared idle). */
export const NO_VALUE = "(none)";

/** The allocation row tags a series and its root causes are built from; the ledger query groups by them. */
export const ALLOCATION_DIMENSION_TAGS = [K8S_TAG.cluster, K8S_TAG.namespace, K8S_TAG.controllerKind, K8S_TAG.controller] as const;

export interface AllocationSeriesWhere {
  cluster: string;
  namespace: string;
  /** Only for a namespace allocated in several currencies: one series per currency. */
  currency?: string;
}

// Key parts are free text (a cluster id may hold anything): "|" and "%" are escaped so a key
// always splits back into the parts it was made of.
const escapePart = (s: string) => s.replaceAll("%", "%25").replaceAll("|", "%7C");
const unescapePart = (s: string) => s.replaceAll("%7C", "|").replaceAll("%25", "%");

/**
 * The series key of a namespace's allocation.
 *
 * @example
 * allocationSeriesKeyOf({ cluster: "prod-eks", namespace: "web" }); // "kubernetes-allocation|prod-eks|web"
 */
export const allocationSeriesKeyOf = (w: AllocationSeriesWhere): string =>
  [ALLOCATION_SERIES_PREFIX, escapePart(w.cluster), escapePart(w.namespace), ...(w.currency ? [w.currency] : [])].join("|");

/** The parts of an allocation series key; null for any other key (a billed series'). */
export function parseAllocationSeriesKey(key: string): AllocationSeriesWhere | null {
  const [prefix, cluster, namespace, currency, ...rest] = key.split("|");
  if (prefix !== ALLOCATION_SERIES_PREFIX || cluster === undefined || namespace === undefined || rest.length > 0) return null;
  return { cluster: unescapePart(cluster), namespace: unescapePart(namespace), ...(currency ? { currency } : {}) };
}

/** One namespace's allocation series, with what its share of the cluster and its root causes need. */
export interface AllocationSeries extends UsageSeries {
  cluster: string;
  namespace: string;
  /**
   * The cluster's whole allocation in the same currency by date, every namespace together (idle
   * included). Model space (numbers), like the breakdowns' points: only the share of the cluster
   * is computed from it, never money shown.
   */
  clusterTotal: ReadonlyMap<string, number>;
  /** Each a partition of the series by one dimension (controller, resource type, each label key): root causes come from each. */
  breakdowns: ChildSeries[][];
}

const tagOf = (r: LedgerRow, key: string): string | undefined => r.tags?.[key] || undefined;

function controllerOf(r: LedgerRow): string {
  const name = tagOf(r, K8S_TAG.controller);
  const kind = tagOf(r, K8S_TAG.controllerKind);
  return name ? (kind ? `${kind}/${name}` : name) : NO_VALUE;
}

/** Daily sums by date in model space (floats: root causes and shares are model figures, not money shown). */
function sumByDate(rows: Iterable<LedgerRow>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.date, (out.get(r.date) ?? 0) + toNumber(r.billed_cost));
  return out;
}

/** Dense points from the first to the last date, a missing day 0, as toDailySeries lays its points out. */
function densePoints(byDate: ReadonlyMap<string, number>): CostPoint[] {
  const dates = [...byDate.keys()].sort();
  const points: CostPoint[] = [];
  if (dates.length > 0) for (let d = dates[0]!; d <= dates[dates.length - 1]!; d = addDays(d, 1)) points.push({ date: d, cost: byDate.get(d) ?? 0 });
  return points;
}

function childrenBy(rows: readonly LedgerRow[], dimension: string, childOf: (r: LedgerRow) => string): ChildSeries[] {
  const groups = new Map<string, LedgerRow[]>();
  for (const r of rows) {
    const value = childOf(r);
    const list = groups.get(value);
    if (list) list.push(r);
    else groups.set(value, [r]);
  }
  return [...groups].map(([value, own]) => ({ dimension, value, points: densePoints(sumByDate(own)) }));
}

/**
 * The allocation view's anomaly series, from its rows grouped by LEDGER_COLUMNS and by
 * ALLOCATION_DIMENSION_TAGS (plus `labelKeys`), in the order their first row appears. Usage rows
 * only, like the billed series; a row without a currency counts as `defaultCurrency`. The root-cause
 * breakdowns: `controller` (`deployment/api`), `resource_type` (the row's service: Kubernetes
 * workload or Kubernetes idle, its share of the cluster's idle) and `label:<key>` for each of
 * `labelKeys` (`k8s:label:team` gives `label:team`).
 *
 * @example
 * const series = allocationUsageSeries(allocationRows, { labelKeys: ["k8s:label:team"] });
 * series[0]?.seriesKey; // "kubernetes-allocation|prod-eks|web"
 */
export function allocationUsageSeries(rows: readonly LedgerRow[], opts: { labelKeys?: readonly string[]; defaultCurrency?: string } = {}): AllocationSeries[] {
  const defaultCurrency = opts.defaultCurrency ?? "USD";
  const groups = new Map<string, { cluster: string; namespace: string; currency: string; rows: LedgerRow[] }>();
  const clusterRows = new Map<string, LedgerRow[]>();
  const currenciesOf = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.dims.charge_category !== "Usage") continue;
    const cluster = tagOf(r, K8S_TAG.cluster) ?? NO_VALUE;
    const namespace = tagOf(r, K8S_TAG.namespace) ?? (r.dims.sub_account_id || NO_VALUE);
    const currency = r.dims.billing_currency || defaultCurrency;
    const ns = `${cluster}\u0000${namespace}`;
    const id = `${ns}\u0000${currency}`;
    const group = groups.get(id);
    if (group) group.rows.push(r);
    else groups.set(id, { cluster, namespace, currency, rows: [r] });
    const total = `${cluster}\u0000${currency}`;
    const inCluster = clusterRows.get(total);
    if (inCluster) inCluster.push(r);
    else clusterRows.set(total, [r]);
    currenciesOf.set(ns, (currenciesOf.get(ns) ?? new Set<string>()).add(currency));
  }
  const totals = new Map([...clusterRows].map(([id, rs]) => [id, sumByDate(rs)] as const));
  const labelKeys = (opts.labelKeys ?? []).filter((k) => k.startsWith(K8S_TAG.labelPrefix));
  return [...groups.values()].map(({ cluster, namespace, currency, rows: own }) => {
    const several = (currenciesOf.get(`${cluster}\u0000${namespace}`)?.size ?? 1) > 1;
    const breakdowns = [
      childrenBy(own, "controller", controllerOf),
      childrenBy(own, "resource_type", (r) => r.dims.service_name || NO_VALUE),
      ...labelKeys.map((k) => childrenBy(own, `label:${k.slice(K8S_TAG.labelPrefix.length)}`, (r) => tagOf(r, k) ?? NO_VALUE)),
    ];
    return {
      seriesKey: allocationSeriesKeyOf({ cluster, namespace, ...(several ? { currency } : {}) }),
      currency,
      series: toDailySeries(own),
      regions: breakdowns[0] ?? [],
      cluster,
      namespace,
      clusterTotal: totals.get(`${cluster}\u0000${currency}`) ?? new Map<string, number>(),
      breakdowns,
    };
  });
}
