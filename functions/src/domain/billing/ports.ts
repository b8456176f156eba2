import type { DayWindow } from "#kernel/days.js";
import type { CostDimension, CostRecord, LedgerProvider, Provider } from "./cost-record.js";


/** A tenant's connected cloud account, as the collectors see it. */
export interface CloudAccountRef {
  tenantId: string;
  accountId: string;
  provider: Provider;
  /** Provider-native scope: GCP billing account + project ids, AWS payer + linked accounts, Azure scope path. */
  scope: Record<string, string | string[]>;
  /** Environment of the account, which decides the authorization zone. */
  environment: "nonprod" | "prod";
}

export interface CollectRequest {
  account: CloudAccountRef;
  window: DayWindow;
  /** The day the run is for; sources that simulate a day (the demo) judge freshness from it. */
  runDate?: string;
}

export interface CollectResult {
  records: CostRecord[];
  /** Days the provider still marks as estimated or incomplete (late data is normal for 24 to 72 h). */
  incompleteDays: string[];
  /** Provider calls made, including retries, for progress and metrics. */
  calls: number;
  /**
   * Providers whose rows of this account the page replaces; absent = the account's own provider.
   * A FOCUS export holds rows of several providers, each kept under its own.
   */
  replaces?: LedgerProvider[];
  /**
   * True when the source has nothing yet that replaces the page (a closed month whose invoice is
   * not out yet): the ledger keeps the rows it holds for the page, and `records` must be empty.
   */
  keepLedger?: boolean;
}

/** Pulls daily cost rows for one account and window, limited to the account's authorized scope. */
export interface BillingSource {
  readonly provider: Provider;
  collect(req: CollectRequest): Promise<CollectResult>;
  /**
   * Root-cause drill-down for one flagged anomaly, on sources whose rows lack the columns (AWS
   * rows carry no region or usage type, Azure rows no resource group or meter category): the
   * service's daily billed cost in one sub account, split by each dimension the API offers.
   * Returns null when the sub account is outside this account's scope.
   */
  drillDown?(req: DrillDownRequest): Promise<DrillDownSeries[] | null>;
}

export interface DrillDownRequest {
  account: CloudAccountRef;
  /** The anomaly's days and the history before them that the children's expectations need. */
  window: DayWindow;
  subAccountId: string;
  service: string;
}

/** One value of one dimension: its daily billed cost (exact decimals) over the window. */
export interface DrillDownSeries {
  /** "region", "usage_type", "resource_group", "meter_category". */
  dimension: string;
  value: string;
  currency: string;
  points: { date: string; cost: string }[];
}

/** Which rows a replaceWindow owns: re-pulling a window replaces exactly these. */
export interface WindowScope {
  tenantId: string;
  provider: LedgerProvider;
  subAccountIds?: string[];
  /** Only rows of these billing accounts (an import unit replaces the accounts its export covers). */
  billingAccountIds?: string[];
  source: string;
}

export interface UpsertStats {
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

/**
 * The columns a query can group and filter by: the analysis dimensions, the charge category, and
 * the billing currency (sums are only meaningful within one currency, so reports group by it).
 */
export type CostColumn = CostDimension | "charge_category" | "billing_currency";

/** How many tag keys one query may group by: each becomes a grouping column. */
export const MAX_GROUP_BY_TAGS = 20;

export interface CostQuery {
  window: DayWindow;
  groupBy: CostColumn[];
  /**
   * Tag keys to group by as well (at most MAX_GROUP_BY_TAGS, each once): every row then carries
   * `tags` with the values of these keys, so that tag scopes can be applied to rows in memory.
   */
  groupByTags?: string[];
  /** Exact-match filters on dimensions. */
  filter?: Partial<Record<CostColumn, string[]>>;
  /** Only rows whose tags hold every one of these key/value pairs (budget tag scopes). */
  tags?: Record<string, string>;
  /**
   * Which view of the ledger to read (ledger-view.ts): `billed`, what providers invoice, or
   * `kubernetes-allocation`, the same money by workload. Absent = viewOf(query): the allocation
   * view for a tag filter on a `k8s:` key, else billed. Never both, so nothing is counted twice.
   */
  view?: "billed" | "kubernetes-allocation";
}

export interface CostRow {
  date: string;
  dims: Partial<Record<CostColumn, string>>;
  /**
   * Present when the query grouped by tag keys: the value of each of those keys; a key the
   * records do not carry is absent (not an empty string).
   */
  tags?: Record<string, string>;
  billed_cost: string;
  effective_cost: string;
}

export interface CostTotals {
  rows: number;
  billed_cost: string;
  effective_cost: string;
}

/**
 * The ledger's analytics store: DuckDB locally, BigQuery in production.
 * Every call is scoped by tenant; no method can read across tenants.
 */
export interface CostWarehouse {
  /** Idempotent upsert by record_key. */
  upsert(tenantId: string, records: CostRecord[]): Promise<UpsertStats>;
  /** Upserts `records` and deletes rows of `scope` inside `window` that the new pull no longer has. */
  replaceWindow(scope: WindowScope, window: DayWindow, records: CostRecord[]): Promise<UpsertStats>;
  /**
   * Daily sums of billed and effective cost, grouped by the given columns and tag keys, ordered
   * by date, then by the groupBy columns in order, then by the tag values in order (a missing
   * tag after every value). Strings order by code point.
   */
  queryDaily(tenantId: string, query: CostQuery): Promise<CostRow[]>;
  /**
   * Row count and plain sums over every currency and both ledger views: a check figure for tests and benchmarks (did
   * every row arrive), never money to show. Totals per currency come from queryDaily grouped by
   * billing_currency.
   */
  totals(tenantId: string, window?: DayWindow): Promise<CostTotals>;
  /** Distinct days with data, newest last. */
  days(tenantId: string): Promise<string[]>;
  close(): Promise<void>;
}
