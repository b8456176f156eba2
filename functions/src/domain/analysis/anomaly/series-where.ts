import type { LedgerView } from "../../billing/ledger-view.js";
import { ALLOCATION_SERIES_PREFIX, parseAllocationSeriesKey } from "./allocation-series.js";
import { parseSeriesKey } from "./series-key.js";

/** What an anomaly document and its alerts say about where it is: the ledger view, and the labels channels show. */
export interface AnomalyWhere {
  view: LedgerView;
  where: { provider: string; accountId: string; service: string };
}

/** The provider label of an allocation anomaly: its rows are provider `other`, which would say nothing. */
export const KUBERNETES_PROVIDER_LABEL = "kubernetes";

/**
 * Where a series is, for people: a billed series names its provider, sub-account and service; an
 * allocation series (allocation-series.ts) reads as provider `kubernetes`, its cluster as the
 * account and `namespace <name>` as the service, so a dashboard, report or alert line reads
 * "kubernetes · prod-eks · namespace web" and a routing rule on provider `kubernetes` picks them.
 *
 * @example
 * anomalyWhereOf("aws|123456789012|Amazon EC2").view;            // "billed"
 * anomalyWhereOf("kubernetes-allocation|prod-eks|web").where;     // { provider: "kubernetes", accountId: "prod-eks", service: "namespace web" }
 */
export function anomalyWhereOf(seriesKey: string): AnomalyWhere {
  const allocation = parseAllocationSeriesKey(seriesKey);
  if (allocation) {
    return { view: ALLOCATION_SERIES_PREFIX, where: { provider: KUBERNETES_PROVIDER_LABEL, accountId: allocation.cluster, service: `namespace ${allocation.namespace}` } };
  }
  const w = parseSeriesKey(seriesKey);
  return { view: "billed", where: { provider: w.provider, accountId: w.accountId, service: w.service } };
}
