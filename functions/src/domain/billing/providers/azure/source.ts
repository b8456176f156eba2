import { z } from "zod";
import { type Clock, systemClock } from "#kernel/ports.js";
import type { BillingSource, CloudAccountRef, CollectRequest, CollectResult, DrillDownRequest, DrillDownSeries } from "../../ports.js";
import { drillDownAzure } from "./drill-down.js";
import { buildRecords, type RecordDraft } from "../record-builder.js";
import { accountScope, clientForAccount, CollectionError, describeError } from "../collection-error.js";
import { DayWindowSchema, daysInWindow } from "#kernel/days.js";
import { DEFAULT_TAG_QUERY_LIMIT, MAX_TAG_KEYS, TagKeySchema, TagQueryLimitSchema } from "../tag-keys.js";
import { splitByTags, TagSplitBudgetError } from "../tag-split.js";
import { draftsFromQueryResult } from "./mapper.js";
import { buildQueryDefinition, type CostManagementQueryApi, fetchAllPages, type QueryDefinitionOptions, tagValuesOf } from "./query.js";

const guid = z.string().regex(/^[0-9a-fA-F-]{36}$/, "expected a subscription GUID");
// ARM resource group names: letters, digits, '_', '-', '.', '(' and ')', up to 90 characters.
const resourceGroup = z.string().regex(/^[\w.()-]{1,90}$/, "invalid resource group name");
const billingAccount = z.string().regex(/^[\w:.-]{1,128}$/, "invalid billing account id");

/**
 * Tag keys to carry into the ledger (usage is split by them with extra queries,
 * providers/tag-split.ts) and the cap on those extra queries per collection.
 */
const tagOptions = {
  tagKeys: z.array(TagKeySchema).max(MAX_TAG_KEYS).optional(),
  tagQueryLimit: TagQueryLimitSchema.optional(),
};

/** `CloudAccountRef.scope` for Azure: the three scopes issue 5 names. */
export const AzureScopeSchema = z.discriminatedUnion("scopeType", [
  z.object({ scopeType: z.literal("subscription"), subscriptionId: guid, billingAccountId: billingAccount.optional(), ...tagOptions }),
  z.object({
    scopeType: z.literal("resourceGroup"),
    subscriptionId: guid,
    resourceGroup,
    billingAccountId: billingAccount.optional(),
    ...tagOptions,
  }),
  z.object({
    scopeType: z.literal("billingAccount"),
    billingAccountId: billingAccount,
    subscriptionIds: z.union([guid.transform((g) => [g]), z.array(guid).min(1)]),
    ...tagOptions,
  }),
]);
export type AzureScope = z.infer<typeof AzureScopeSchema>;

/**
 * The ARM scope Query_Usage is called on, without a leading slash: the SDK's path template is
 * `/{scope}/providers/...`, so a leading slash would make `//subscriptions/...`, which a URL
 * parser reads as a host name (the recorded SubscriptionQuery example writes it this way too).
 */
export function scopePath(scope: AzureScope): string {
  switch (scope.scopeType) {
    case "subscription":
      return `subscriptions/${scope.subscriptionId}`;
    case "resourceGroup":
      return `subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
    case "billingAccount":
      return `providers/Microsoft.Billing/billingAccounts/${scope.billingAccountId}`;
  }
}

function isRetryable(err: unknown): boolean {
  // A body that does not parse is most often a truncated answer: worth another try.
  if ((err as { code?: unknown }).code === "PARSE_ERROR" || err instanceof SyntaxError) return true;
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === "number") return status === 408 || status === 429 || status >= 500;
  return true;
}

export interface AzureSourceOptions {
  clientFor(account: CloudAccountRef): Promise<CostManagementQueryApi>;
  clock?: Clock;
}

/**
 * Azure Cost Management collector (issue 5): per window and scope, an ActualCost Query_Usage
 * (billed) and an AmortizedCost one (effective), each followed through nextLink.
 */
export class AzureCostManagementSource implements BillingSource {
  readonly provider = "azure" as const;

  constructor(private readonly opts: AzureSourceOptions) {}

  async collect(req: CollectRequest): Promise<CollectResult> {
    const { account } = req;
    const window = DayWindowSchema.parse(req.window);
    const scope = accountScope(AzureScopeSchema, account, window, "Azure");
    const subs = scope.scopeType === "billingAccount" ? scope.subscriptionIds : [scope.subscriptionId];

    const api = await clientForAccount(this.opts.clientFor, account, window, "Cost Management");

    const drafts: RecordDraft[] = [];
    const before = api.attempts?.();
    let requests = 0;
    // At billing-account scope each authorized subscription is its own query: the grouping
    // limit (2) leaves no room for SubscriptionId beside ServiceName and ResourceLocation.
    const queries =
      scope.scopeType === "billingAccount"
        ? scope.subscriptionIds.map((id) => ({ subscriptionId: id, filter: [id] }))
        : [{ subscriptionId: scope.subscriptionId, filter: undefined }];
    const measures = [
      ["ActualCost", "billed"],
      ["AmortizedCost", "effective"],
    ] as const;
    for (const q of queries) {
      for (const [type, measure] of measures) {
        const mapOpts = {
          subscriptionId: q.subscriptionId,
          billingAccountId: scope.billingAccountId,
          resourceGroup: scope.scopeType === "resourceGroup" ? scope.resourceGroup : undefined,
          measure,
        };
        const query = async (opts: QueryDefinitionOptions = {}) => {
          const { pages, requests: n } = await fetchAllPages(api, scopePath(scope), buildQueryDefinition(window, q.filter, type, opts));
          requests += n;
          return pages.filter((p) => p.rows.length > 0);
        };
        try {
          const base = (await query()).flatMap((p) => draftsFromQueryResult(p, mapOpts));
          if (scope.tagKeys && scope.tagKeys.length > 0) {
            const split = await splitByTags(
              base,
              scope.tagKeys,
              {
                drafts: async (tags) => (await query({ tags })).flatMap((p) => draftsFromQueryResult(p, mapOpts)),
                values: async (tags, key) => tagValuesOf(await query({ tags, groupByTagKey: key }), key),
              },
              scope.tagQueryLimit ?? DEFAULT_TAG_QUERY_LIMIT,
            );
            drafts.push(...split);
          } else {
            drafts.push(...base);
          }
        } catch (err) {
          throw new CollectionError(account, window, `Query_Usage (${type}) failed: ${describeError(err)}`, {
            cause: err,
            retryable: !(err instanceof TagSplitBudgetError) && isRetryable(err),
          });
        }
      }
    }

    const inWindow = new Set(daysInWindow(window));
    const allowed = new Set(subs.map((s) => s.toLowerCase()));
    const kept = drafts.filter((d) => inWindow.has(d.charge_period_start) && allowed.has(d.sub_account_id.toLowerCase()));
    const records = buildRecords(
      kept,
      { tenantId: account.tenantId, ingestedAt: (this.opts.clock ?? systemClock).now().toISOString() },
      "azure-cost-management",
    );
    const after = api.attempts?.();
    const calls = before !== undefined && after !== undefined ? after - before : requests;
    // The Query API does not flag estimated days; the trailing re-pull (DESIGN.md §2) covers them.
    return { records, incompleteDays: [], calls };
  }

  /**
   * Root cause of a flagged anomaly: the service's cost in the subscription by resource group
   * and by meter category. Null for a subscription outside the scope.
   */
  async drillDown(req: DrillDownRequest): Promise<DrillDownSeries[] | null> {
    const window = DayWindowSchema.parse(req.window);
    const parsed = AzureScopeSchema.safeParse(req.account.scope);
    if (!parsed.success) {
      throw new CollectionError(req.account, window, `invalid Azure scope: ${parsed.error.issues[0]?.message ?? "invalid"}`, { retryable: false });
    }
    const scope = parsed.data;
    const subs = scope.scopeType === "billingAccount" ? scope.subscriptionIds : [scope.subscriptionId];
    if (!subs.some((s) => s.toLowerCase() === req.subAccountId.toLowerCase())) return null;
    const api = await clientForAccount(this.opts.clientFor, req.account, window, "Cost Management");
    try {
      return (await drillDownAzure(api, scopePath(scope), { ...req, window })).series;
    } catch (err) {
      throw new CollectionError(req.account, window, `Query_Usage (root cause) failed: ${describeError(err)}`, {
        cause: err,
        retryable: isRetryable(err),
      });
    }
  }
}
