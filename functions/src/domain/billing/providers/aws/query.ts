import { nextUtcDay, type DayWindow } from "#kernel/days.js";
import { readRetryPolicy, UnreadableBodyError } from "../read-retry.js";
import type {
  CostAndUsageMetric,
  Expression,
  GetCostAndUsageRequest,
  GetCostAndUsageResponse,
  GetCostForecastRequest,
  GetCostForecastResponse,
  ResponseMetadata,
} from "./cost-explorer-types.js";
import { type CostAndUsageResponse, CostAndUsageResponseSchema } from "./mapper.js";

/**
 * The two Cost Explorer operations the collector calls, in the domain's own request and response
 * shapes (cost-explorer-types.ts). The aggregated SDK `CostExplorer` client satisfies it as is
 * (adapters/billing/aws-cost-explorer-client.ts); tests may pass the same client pointed at a
 * local replay server.
 *
 * Function-typed properties, not method signatures, on purpose: a method's parameters are
 * compared bivariantly, a function property's strictly, so handing the SDK client over as a
 * CostExplorerApi only compiles while every request here is assignable to the SDK's input type
 * (and the SDK's output to the response here).
 */
export interface CostExplorerApi {
  getCostAndUsage: (input: GetCostAndUsageRequest) => Promise<GetCostAndUsageResponse & ResponseMetadata>;
  getCostForecast: (input: GetCostForecastRequest) => Promise<GetCostForecastResponse & ResponseMetadata>;
}

/** Metrics from issue 5: billed (unblended) and the two amortized views for effective cost. */
export const METRICS = ["UnblendedCost", "AmortizedCost", "NetAmortizedCost"] as const satisfies readonly CostAndUsageMetric[];

/** Credits and refunds are pulled apart so they never hide inside usage (DESIGN.md §4). */
const CREDIT_RECORD_TYPES = ["Credit", "Refund"];

export type AwsQueryKind = "usage" | "credits";

/**
 * GetCostAndUsage request for one window: DAILY, grouped by SERVICE and LINKED_ACCOUNT (the API
 * allows two groupings), optionally limited to costs carrying some tag pairs, or grouped by one
 * tag key to learn its values (tag-split.ts uses both). Cost Explorer's End is exclusive, so the
 * day after the window's last day.
 */
export function buildCostAndUsageRequest(
  window: DayWindow,
  kind: AwsQueryKind,
  linkedAccountIds: readonly string[] | undefined,
  opts: CostAndUsageRequestOptions = {},
): GetCostAndUsageRequest {
  const recordType: Expression = { Dimensions: { Key: "RECORD_TYPE", Values: CREDIT_RECORD_TYPES } };
  const parts: Expression[] = [kind === "credits" ? recordType : { Not: recordType }];
  if (linkedAccountIds && linkedAccountIds.length > 0) {
    parts.push({ Dimensions: { Key: "LINKED_ACCOUNT", Values: [...linkedAccountIds] } });
  }
  for (const [key, value] of Object.entries(opts.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    parts.push({ Tags: { Key: key, Values: [value] } });
  }
  const filter: Expression = parts.length === 1 ? (parts[0] as Expression) : { And: parts };
  return {
    TimePeriod: { Start: window.start, End: nextUtcDay(window.end) },
    Granularity: "DAILY",
    Metrics: [...METRICS],
    GroupBy: opts.groupByTag
      ? [{ Type: "TAG", Key: opts.groupByTag }]
      : [
          { Type: "DIMENSION", Key: "SERVICE" },
          { Type: "DIMENSION", Key: "LINKED_ACCOUNT" },
        ],
    Filter: filter,
  };
}

export interface CostAndUsageRequestOptions {
  /** Only costs carrying every one of these cost allocation tag pairs (a Tags filter per pair). */
  tags?: Readonly<Record<string, string>>;
  /** Group by this tag key alone instead of SERVICE and LINKED_ACCOUNT: which values the key takes. */
  groupByTag?: string;
}

/**
 * The values a tag key takes in a GroupBy TAG answer. Cost Explorer writes each group key as
 * `key$value`, and `key$` for the costs that lack the tag (left out here).
 */
export function tagValuesOf(pages: readonly CostAndUsageResponse[]): string[] {
  const values = new Set<string>();
  for (const page of pages) {
    for (const r of page.ResultsByTime) {
      for (const g of r.Groups ?? []) {
        const k = g.Keys?.[0] ?? "";
        const value = k.slice(k.indexOf("$") + 1);
        if (value !== "") values.add(value);
      }
    }
  }
  return [...values];
}

export interface PagedResult {
  pages: CostAndUsageResponse[];
  /** HTTP attempts, retries included (from the client's $metadata.attempts). */
  attempts: number;
}

/**
 * Follows NextPageToken to the end (GetCostAndUsage has no SDK paginator). Each page is
 * validated; a body that is not a Cost Explorer response throws, so nothing partial escapes.
 */
export async function fetchAllPages(api: CostExplorerApi, request: GetCostAndUsageRequest): Promise<PagedResult> {
  const pages: CostAndUsageResponse[] = [];
  let attempts = 0;
  let token: string | undefined;
  const seen = new Set<string>();
  const reads = readRetryPolicy();
  do {
    const pageToken = token;
    const page = await reads.execute(async () => {
      let out: GetCostAndUsageResponse & ResponseMetadata;
      try {
        out = await api.getCostAndUsage({ ...request, NextPageToken: pageToken });
      } catch (err) {
        // SDK errors (service and deserialization alike) carry the attempts they used.
        attempts += (err as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
        throw err;
      }
      attempts += out.$metadata?.attempts ?? 1;
      const parsed = CostAndUsageResponseSchema.safeParse(out);
      if (!parsed.success) {
        throw new UnreadableBodyError(`malformed GetCostAndUsage page: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      }
      return parsed;
    });
    pages.push(page.data);
    token = page.data.NextPageToken || undefined;
    if (token !== undefined) {
      // A provider that hands back a token twice would loop forever; treat it as a bad response.
      if (seen.has(token)) throw new TypeError("GetCostAndUsage returned a NextPageToken twice");
      seen.add(token);
    }
  } while (token !== undefined);
  return { pages, attempts };
}

/** GetCostForecast request: daily UNBLENDED_COST with an 80% prediction interval. */
export function buildForecastRequest(window: DayWindow, linkedAccountIds?: readonly string[]): GetCostForecastRequest {
  return {
    TimePeriod: { Start: window.start, End: nextUtcDay(window.end) },
    Granularity: "DAILY",
    Metric: "UNBLENDED_COST",
    PredictionIntervalLevel: 80,
    ...(linkedAccountIds && linkedAccountIds.length > 0
      ? { Filter: { Dimensions: { Key: "LINKED_ACCOUNT", Values: [...linkedAccountIds] } } }
      : {}),
  };
}
