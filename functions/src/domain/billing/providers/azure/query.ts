import type { DayWindow } from "#kernel/days.js";
import { readRetryPolicy, UnreadableBodyError } from "../read-retry.js";
import { parseQueryResult, type QueryResultBody } from "./mapper.js";
import type { QueryDefinition, QueryFilter } from "./query-definition.js";

/**
 * What the collector needs from the Cost Management SDK client, in the domain's QueryDefinition
 * (query-definition.ts). `usage` is the SDK's `query.usage`; `next` POSTs a `nextLink` with the
 * same body through the same client pipeline (the SDK has no pager for Query_Usage). Answers are
 * `unknown` until parseQueryResult has validated them. adapters/billing/azure-cost-management-client.ts
 * builds it and converts the body to the SDK's type.
 */
export interface CostManagementQueryApi {
  usage(scope: string, parameters: QueryDefinition): Promise<unknown>;
  next(nextLink: string, parameters: QueryDefinition): Promise<unknown>;
  /** HTTP attempts so far, retries included, when the adapter can count them. */
  attempts?(): number;
}

/** Grouping the SDK accepts: at most 2 items (QueryDataset.grouping MaxItems 2 in its mappers). */
export const GROUPING = ["ServiceName", "ResourceLocation"] as const;

/**
 * Query_Usage body for one window: ActualCost (billed) or AmortizedCost (effective: reservation
 * and savings-plan purchases spread over the days that use them), Daily, Custom time period covering whole UTC
 * days, summed Cost grouped by ServiceName and ResourceLocation. At billing-account scope the
 * tenant's subscriptions are a SubscriptionId filter, so the query never reads beyond them.
 */
export function buildQueryDefinition(
  window: DayWindow,
  subscriptionIds?: readonly string[],
  type: "ActualCost" | "AmortizedCost" = "ActualCost",
  opts: QueryDefinitionOptions = {},
): QueryDefinition {
  const filters: QueryFilter[] = [];
  if (subscriptionIds && subscriptionIds.length > 0) {
    filters.push({ dimensions: { name: "SubscriptionId", operator: "In", values: [...subscriptionIds] } });
  }
  for (const [name, value] of Object.entries(opts.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    filters.push({ tags: { name, operator: "In", values: [value] } });
  }
  // `and` takes at least two expressions; a single one stands alone.
  const filter = filters.length === 0 ? undefined : filters.length === 1 ? filters[0] : { and: filters };
  return {
    type,
    timeframe: "Custom",
    // The form Date#toISOString writes, which is what the SDK sends: both request paths send the same bytes.
    timePeriod: { from: `${window.start}T00:00:00.000Z`, to: `${window.end}T23:59:59.000Z` },
    dataset: {
      granularity: "Daily",
      aggregation: { totalCost: { name: "Cost", function: "Sum" } },
      grouping: opts.groupByTagKey
        ? [{ type: "TagKey", name: opts.groupByTagKey }]
        : GROUPING.map((name) => ({ type: "Dimension", name })),
      ...(filter ? { filter } : {}),
    },
  };
}

export interface QueryDefinitionOptions {
  /** Only costs carrying every one of these tag pairs (a `tags` filter per pair). */
  tags?: Readonly<Record<string, string>>;
  /** Group by this tag key alone (TagKey grouping): which values it takes. */
  groupByTagKey?: string;
}

/**
 * The values of `key` in a TagKey-grouped answer: its columns are TagKey and TagValue, and costs
 * without the tag come back with both empty. Tag names are case-insensitive in Azure, and the
 * answer may spell the key in lower case.
 */
export function tagValuesOf(pages: readonly QueryResultBody[], key: string): string[] {
  const values = new Set<string>();
  for (const page of pages) {
    const names = page.columns.map((c) => c.name.toLowerCase());
    const keyIdx = names.indexOf("tagkey");
    const valueIdx = names.indexOf("tagvalue");
    if (valueIdx < 0) continue;
    for (const row of page.rows) {
      const k = keyIdx < 0 ? key : String(row[keyIdx] ?? "");
      const v = String(row[valueIdx] ?? "");
      if (v !== "" && k.toLowerCase() === key.toLowerCase()) values.add(v);
    }
  }
  return [...values];
}

/** Follows nextLink to the end; every page is validated before any of it is used. */
export async function fetchAllPages(
  api: CostManagementQueryApi,
  scope: string,
  parameters: QueryDefinition,
  maxPages = 1_000,
): Promise<{ pages: QueryResultBody[]; requests: number }> {
  const pages: QueryResultBody[] = [];
  let requests = 0;
  const reads = readRetryPolicy();
  // Query_Usage is a read: POSTing the same body (or nextLink) again is safe.
  const read = (call: () => Promise<unknown>) =>
    reads.execute(async () => {
      requests += 1;
      const body = await call();
      // A 204 (no content) comes back as an empty object: no rows.
      if (body === undefined || (typeof body === "object" && body !== null && Object.keys(body).length === 0)) {
        return { columns: [], rows: [], nextLink: null };
      }
      try {
        return parseQueryResult(body);
      } catch (err) {
        throw new UnreadableBodyError((err as Error).message);
      }
    });
  let page: QueryResultBody = await read(() => api.usage(scope, parameters));
  const seen = new Set<string>();
  for (;;) {
    pages.push(page);
    const link = page.nextLink;
    if (!link) break;
    if (seen.has(link) || pages.length >= maxPages) throw new TypeError("query nextLink loops or never ends");
    seen.add(link);
    page = await read(() => api.next(link, parameters));
  }
  return { pages, requests };
}
