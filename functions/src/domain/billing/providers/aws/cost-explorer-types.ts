import type { Group, GroupDefinition, MetricValue } from "./mapper.js";

/**
 * The Cost Explorer requests and responses the collector uses, GetCostAndUsage and GetCostForecast,
 * written from the API reference (service ce-2017-10-25, AWS JSON 1.1, target prefix
 * AWSInsightsIndexService; its model is in shared/data/aws-cost-explorer). Member names are the
 * wire names: a request built here is the JSON body Cost Explorer receives.
 *
 * Requests are as narrow as the collector builds them. Responses are typed as they arrive, before
 * validation: every member optional, even those the reference marks required, since nothing in a
 * response is trusted until mapper.ts's schema (whose MetricValue, Group and GroupDefinition are
 * reused here) has checked it. The SDK client is handed to the domain as a CostExplorerApi by
 * adapters/billing/aws-cost-explorer-client.ts, where the compiler checks both directions.
 */

/** `YYYY-MM-DD` dates; Start inclusive, End exclusive. Required in both members. */
export interface DateInterval {
  Start: string;
  End: string;
}

/** GetCostForecast takes only DAILY and MONTHLY. */
export type Granularity = "DAILY" | "MONTHLY" | "HOURLY";

/** Values of GetCostAndUsage `Metrics` (a list of strings in the model; these are the documented ones). */
export type CostAndUsageMetric =
  | "AmortizedCost"
  | "BlendedCost"
  | "NetAmortizedCost"
  | "NetUnblendedCost"
  | "NormalizedUsageAmount"
  | "UnblendedCost"
  | "UsageQuantity";

/** Values of GetCostForecast `Metric` for cost. */
export type ForecastMetric = "AMORTIZED_COST" | "BLENDED_COST" | "NET_AMORTIZED_COST" | "NET_UNBLENDED_COST" | "UNBLENDED_COST";

/** The dimensions the collector filters and groups on: a subset of the reference's Dimension values. */
export type DimensionKey = "LINKED_ACCOUNT" | "RECORD_TYPE" | "REGION" | "SERVICE" | "USAGE_TYPE";

export type GroupDefinitionType = "DIMENSION" | "TAG" | "COST_CATEGORY";

/** A GroupBy entry as the collector sends it (both members are optional in the model). */
export interface GroupBy {
  Type: GroupDefinitionType;
  Key: string;
}

/** Filter `Expression`: one of And, Or, Not, Dimensions, Tags, CostCategories per level. */
export interface Expression {
  And?: Expression[];
  Or?: Expression[];
  Not?: Expression;
  Dimensions?: { Key: DimensionKey; Values: string[] };
  Tags?: { Key: string; Values: string[] };
  CostCategories?: { Key: string; Values: string[] };
}

export interface GetCostAndUsageRequest {
  TimePeriod: DateInterval;
  Granularity: Granularity;
  Metrics: CostAndUsageMetric[];
  /** At most two. */
  GroupBy?: GroupBy[];
  Filter?: Expression;
  /** The previous page's NextPageToken; absent on the first page. */
  NextPageToken?: string;
}

/** ResultByTime as received (mapper.ts requires TimePeriod with both dates). */
export interface ResultByTime {
  TimePeriod?: Partial<DateInterval>;
  Total?: Record<string, MetricValue>;
  Groups?: Group[];
  Estimated?: boolean;
}

export interface DimensionValuesWithAttributes {
  Value?: string;
  Attributes?: Record<string, string>;
}

export interface GetCostAndUsageResponse {
  NextPageToken?: string;
  GroupDefinitions?: GroupDefinition[];
  ResultsByTime?: ResultByTime[];
  DimensionValueAttributes?: DimensionValuesWithAttributes[];
}

export interface GetCostForecastRequest {
  TimePeriod: DateInterval;
  Granularity: Granularity;
  Metric: ForecastMetric;
  Filter?: Expression;
  /** Confidence level of the prediction interval, 51 to 99. */
  PredictionIntervalLevel?: number;
}

export interface ForecastResult {
  TimePeriod?: Partial<DateInterval>;
  MeanValue?: string;
  PredictionIntervalLowerBound?: string;
  PredictionIntervalUpperBound?: string;
}

export interface GetCostForecastResponse {
  Total?: MetricValue;
  ForecastResultsByTime?: ForecastResult[];
}

/** Not part of the body: what the client adds to each response (HTTP attempts, retries included). */
export interface ResponseMetadata {
  $metadata?: { attempts?: number };
}
