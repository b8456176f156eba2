/**
 * The Query_Usage request body (QueryDefinition) the collector sends, written from the Cost
 * Management REST reference, api-version 2025-03-01 (recorded examples in
 * shared/data/azure-cost-management-2025-03-01). Member names and values are the wire's: the
 * object is the JSON body, dates included (date-time strings, not Date objects).
 * The response needs no type here: it is validated into mapper.ts's QueryResultBody.
 * adapters/billing/azure-cost-management-client.ts turns it into the SDK's QueryDefinition.
 */

/** ActualCost is billed cost; AmortizedCost spreads reservation and savings-plan purchases over their use. */
export type QueryType = "Usage" | "ActualCost" | "AmortizedCost";

/** Custom needs a timePeriod. */
export type Timeframe = "MonthToDate" | "BillingMonthToDate" | "TheLastMonth" | "TheLastBillingMonth" | "WeekToDate" | "Custom";

/** Both ends inclusive, as ISO 8601 date-times. */
export interface QueryTimePeriod {
  from: string;
  to: string;
}

/** `None` (one row per group for the whole period) appears in the recorded examples beside `Daily`. */
export type QueryGranularity = "Daily" | "None";

/** The aggregated column `name` (Cost, PreTaxCost, CostUSD, PreTaxCostUSD...) and its function. */
export interface QueryAggregation {
  name: string;
  function: "Sum";
}

export interface QueryGrouping {
  type: "Dimension" | "TagKey";
  name: string;
}

export interface QueryComparisonExpression {
  name: string;
  operator: "In";
  values: string[];
}

/** One of and, or (at least 2 items each), dimensions, tags per level. */
export interface QueryFilter {
  and?: QueryFilter[];
  or?: QueryFilter[];
  dimensions?: QueryComparisonExpression;
  tags?: QueryComparisonExpression;
}

export interface QueryDataset {
  granularity?: QueryGranularity;
  /** Keyed by the alias of the aggregated column; at most 2. */
  aggregation?: Record<string, QueryAggregation>;
  /** At most 2. */
  grouping?: QueryGrouping[];
  filter?: QueryFilter;
}

export interface QueryDefinition {
  type: QueryType;
  timeframe: Timeframe;
  timePeriod?: QueryTimePeriod;
  dataset: QueryDataset;
}
