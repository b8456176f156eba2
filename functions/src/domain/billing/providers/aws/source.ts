import { z } from "zod";
import { toDecimal } from "../../money.js";
import { type Clock, systemClock } from "#kernel/ports.js";
import type { BillingSource, CloudAccountRef, CollectRequest, CollectResult, DrillDownRequest, DrillDownSeries } from "../../ports.js";
import { drillDownAws } from "./drill-down.js";
import { type DayWindow, DayWindowSchema, daysInWindow } from "#kernel/days.js";
import { buildRecords, type RecordDraft } from "../record-builder.js";
import { accountScope, clientForAccount, CollectionError, describeError } from "../collection-error.js";
import { DEFAULT_TAG_QUERY_LIMIT, MAX_TAG_KEYS, TagKeySchema, TagQueryLimitSchema } from "../tag-keys.js";
import { splitByTags, TagSplitBudgetError } from "../tag-split.js";
import { draftsFromCostAndUsage, estimatedDays } from "./mapper.js";
import {
  type AwsQueryKind,
  buildCostAndUsageRequest,
  buildForecastRequest,
  type CostExplorerApi,
  fetchAllPages,
  tagValuesOf,
} from "./query.js";

const accountId = z.string().regex(/^\d{12}$/, "AWS account ids are 12 digits");

/** `CloudAccountRef.scope` for AWS: the payer account and the linked accounts the tenant may see. */
export const AwsScopeSchema = z.object({
  payerAccountId: accountId,
  linkedAccountIds: z.union([accountId.transform((a) => [a]), z.array(accountId)]).optional(),
  /**
   * Cost allocation tag keys (activated in the payer's Billing console) to carry into the ledger:
   * usage is split by them with extra GetCostAndUsage calls (providers/tag-split.ts).
   */
  tagKeys: z.array(TagKeySchema).max(MAX_TAG_KEYS).optional(),
  /** Cap on the extra calls one collection may spend on the tag split. */
  tagQueryLimit: TagQueryLimitSchema.optional(),
});
export type AwsScope = z.infer<typeof AwsScopeSchema>;

/** Errors that another attempt cannot fix (credentials, permissions, a request we built wrong). */
const PERMANENT = new Set([
  "AccessDeniedException",
  "UnrecognizedClientException",
  "ValidationException",
  "InvalidSignatureException",
  "BillExpirationException",
  "RequestChangedException",
  "CredentialsProviderError",
]);

function isRetryable(err: unknown): boolean {
  return !(err instanceof Error && PERMANENT.has(err.name));
}

export interface AwsSourceOptions {
  /** Builds (or returns a cached) Cost Explorer client for one tenant's account (assume-role credentials). */
  clientFor(account: CloudAccountRef): Promise<CostExplorerApi>;
  clock?: Clock;
}

export interface ProviderForecastPoint {
  date: string;
  mean: string;
  lower80: string | null;
  upper80: string | null;
}

export interface ProviderForecast {
  total: string | null;
  currency: string;
  points: ProviderForecastPoint[];
}

/** AWS Cost Explorer collector (issue 5): daily usage and credits for the authorized linked accounts. */
export class AwsCostExplorerSource implements BillingSource {
  readonly provider = "aws" as const;

  constructor(private readonly opts: AwsSourceOptions) {}

  async collect(req: CollectRequest): Promise<CollectResult> {
    const { account } = req;
    const window = DayWindowSchema.parse(req.window);
    const scope = this.scopeOf(account, window);
    const api = await clientForAccount(this.opts.clientFor, account, window, "Cost Explorer");

    const drafts: RecordDraft[] = [];
    const incomplete = new Set<string>();
    let calls = 0;
    const kinds: [AwsQueryKind, "Credit" | undefined][] = [
      ["usage", undefined],
      ["credits", "Credit"],
    ];
    for (const [kind, chargeCategory] of kinds) {
      const request = buildCostAndUsageRequest(window, kind, scope.linkedAccountIds);
      const mapOpts = { payerAccountId: scope.payerAccountId, chargeCategory };
      try {
        const { pages, attempts } = await fetchAllPages(api, request);
        calls += attempts;
        // DAILY results carry one ResultByTime per day, cost or not: a missing day means the
        // answer is partial, and a partial answer must never be stored as complete.
        const covered = new Set(pages.flatMap((p) => p.ResultsByTime.map((r) => r.TimePeriod.Start)));
        const missing = daysInWindow(window).filter((d) => !covered.has(d));
        if (missing.length > 0) throw new TypeError(`GetCostAndUsage pages lack ${missing.length} day(s), first ${missing[0]}`);
        const kindDrafts: RecordDraft[] = [];
        for (const page of pages) {
          kindDrafts.push(...draftsFromCostAndUsage(page, mapOpts));
          for (const d of estimatedDays(page)) incomplete.add(d);
        }
        // Credits and refunds carry no resource tags: only usage is split.
        if (kind === "usage" && scope.tagKeys && scope.tagKeys.length > 0) {
          const fetch = async (req: typeof request) => {
            const out = await fetchAllPages(api, req);
            calls += out.attempts;
            return out.pages;
          };
          const split = await splitByTags(
            kindDrafts,
            scope.tagKeys,
            {
              drafts: async (tags) =>
                (await fetch(buildCostAndUsageRequest(window, kind, scope.linkedAccountIds, { tags }))).flatMap((p) => draftsFromCostAndUsage(p, mapOpts)),
              values: async (tags, key) => tagValuesOf(await fetch(buildCostAndUsageRequest(window, kind, scope.linkedAccountIds, { tags, groupByTag: key }))),
            },
            scope.tagQueryLimit ?? DEFAULT_TAG_QUERY_LIMIT,
          );
          drafts.push(...split);
        } else {
          drafts.push(...kindDrafts);
        }
      } catch (err) {
        throw new CollectionError(account, window, `GetCostAndUsage (${kind}) failed: ${describeError(err)}`, {
          cause: err,
          retryable: !(err instanceof TagSplitBudgetError) && isRetryable(err),
        });
      }
    }

    const inWindow = new Set(daysInWindow(window));
    const allowed = scope.linkedAccountIds ? new Set(scope.linkedAccountIds) : null;
    const kept = drafts.filter(
      (d) => inWindow.has(d.charge_period_start) && (allowed === null || allowed.has(d.sub_account_id)),
    );
    const records = buildRecords(kept, { tenantId: account.tenantId, ingestedAt: (this.opts.clock ?? systemClock).now().toISOString() }, "aws-cost-explorer");
    return { records, incompleteDays: [...incomplete].filter((d) => inWindow.has(d)).sort(), calls };
  }

  /**
   * Root cause of a flagged anomaly: the service's cost in the linked account by region and by
   * usage type. Null for a linked account outside the scope.
   */
  async drillDown(req: DrillDownRequest): Promise<DrillDownSeries[] | null> {
    const window = DayWindowSchema.parse(req.window);
    const scope = this.scopeOf(req.account, window);
    const inScope = scope.linkedAccountIds ? scope.linkedAccountIds.includes(req.subAccountId) : /^\d{12}$/.test(req.subAccountId);
    if (!inScope) return null;
    const api = await clientForAccount(this.opts.clientFor, req.account, window, "Cost Explorer");
    try {
      return (await drillDownAws(api, { ...req, window })).series;
    } catch (err) {
      throw new CollectionError(req.account, window, `GetCostAndUsage (root cause) failed: ${describeError(err)}`, {
        cause: err,
        retryable: isRetryable(err),
      });
    }
  }

  /** GetCostForecast for the same scope, offered beside our own forecast for comparison. */
  async getProviderForecast(account: CloudAccountRef, window: DayWindow): Promise<ProviderForecast> {
    const w = DayWindowSchema.parse(window);
    const scope = this.scopeOf(account, w);
    try {
      const api = await this.opts.clientFor(account);
      const out = await api.getCostForecast(buildForecastRequest(w, scope.linkedAccountIds));
      return {
        total: out.Total?.Amount ? toDecimal(out.Total.Amount) : null,
        currency: out.Total?.Unit ?? "USD",
        points: (out.ForecastResultsByTime ?? []).map((p) => ({
          date: p.TimePeriod?.Start ?? "",
          mean: toDecimal(p.MeanValue ?? "0"),
          lower80: p.PredictionIntervalLowerBound ? toDecimal(p.PredictionIntervalLowerBound) : null,
          upper80: p.PredictionIntervalUpperBound ? toDecimal(p.PredictionIntervalUpperBound) : null,
        })),
      };
    } catch (err) {
      throw new CollectionError(account, w, `GetCostForecast failed: ${describeError(err)}`, {
        cause: err,
        retryable: isRetryable(err),
      });
    }
  }

  private scopeOf(account: CloudAccountRef, window: DayWindow): AwsScope {
    return accountScope(AwsScopeSchema, account, window, "AWS");
  }
}
