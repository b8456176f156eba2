import type {
  GetRightsizingRecommendationRequest,
  GetRightsizingRecommendationResponse,
  GetSavingsPlansPurchaseRecommendationRequest,
  GetSavingsPlansPurchaseRecommendationResponse,
  RightsizingRecommendation,
  SavingsPlansPurchaseRecommendationDetail,
  TargetInstance,
} from "@aws-sdk/client-cost-explorer";
import Big from "big.js";
import { isDecimal } from "#domain/billing/money.js";
import { type Recommendation, RecommendationSchema } from "#domain/recommendations/recommendation.js";
import type { SourcedRecommendation } from "#domain/recommendations/sync.js";

/**
 * AWS recommendations through Cost Explorer (ce-2017-10-25): EC2 rightsizing
 * (GetRightsizingRecommendation: MODIFY to a smaller type, or TERMINATE an idle instance) and
 * Savings Plans purchases (GetSavingsPlansPurchaseRecommendation).
 *
 * Why Cost Explorer and not Cost Optimization Hub: the Hub aggregates the same rightsizing and
 * Savings Plans findings (plus Compute Optimizer's), but it answers only after the account has
 * opted in to it (its own enrollment, per organization), and it needs a second SDK client. Cost
 * Explorer answers for every account that has Cost Explorer enabled, which the billing collector
 * already requires, with the client and credentials the collector already uses.
 *
 * Cost Explorer keeps no lifecycle: there is no recommendation id to claim and no etag, so etag is
 * null and the provider id is built from what identifies the finding (account, instance, kind).
 */

/** The two calls the source makes; the SDK's aggregated CostExplorer client satisfies it. */
export interface CostExplorerRecommendationsApi {
  getRightsizingRecommendation(input: GetRightsizingRecommendationRequest): Promise<GetRightsizingRecommendationResponse>;
  getSavingsPlansPurchaseRecommendation(input: GetSavingsPlansPurchaseRecommendationRequest): Promise<GetSavingsPlansPurchaseRecommendationResponse>;
}

export const AWS_RECOMMENDERS = {
  rightsizing: "aws.costexplorer.RightsizingRecommendation",
  savingsPlans: "aws.costexplorer.SavingsPlansPurchaseRecommendation",
} as const;

/** Cost Explorer names EC2 usage this way in its SERVICE dimension, which the ledger keeps as service_name. */
export const AWS_EC2_SERVICE = "Amazon Elastic Compute Cloud - Compute";

/** An amount as Cost Explorer sends it (a decimal string), or null when absent or not a decimal. */
function amountOf(text: string | undefined): string | null {
  if (text === undefined || text.trim() === "" || !isDecimal(text)) return null;
  return new Big(text.trim()).toFixed();
}

/** The target AWS marks as its default; else the one that saves most. */
function chosenTarget(targets: readonly TargetInstance[]): TargetInstance | undefined {
  const priced = targets.filter((t) => amountOf(t.EstimatedMonthlySavings) !== null);
  return (
    priced.find((t) => t.DefaultTargetInstance) ??
    [...priced].sort((a, b) => new Big(amountOf(b.EstimatedMonthlySavings) as string).cmp(amountOf(a.EstimatedMonthlySavings) as string))[0]
  );
}

/**
 * One rightsizing recommendation onto the model, or null when it carries no saving. MODIFY is a
 * resize (medium effort and risk: a stop, a type change and a start); its confidence is high only
 * when the lookback measured memory too (the CloudWatch agent), since a CPU-only finding may
 * shrink a memory-bound instance. TERMINATE is idle: low effort, high risk (not reversible).
 */
export function mapRightsizing(api: RightsizingRecommendation): SourcedRecommendation | null {
  const current = api.CurrentInstance;
  const instanceId = current?.ResourceId;
  const accountId = api.AccountId ?? "";
  if (!instanceId) return null;
  const currentType = current?.ResourceDetails?.EC2ResourceDetails?.InstanceType ?? "?";
  const reasons = (api.FindingReasonCodes ?? []).join(", ");
  let rec: Omit<Recommendation, "provider" | "recommender" | "accountId" | "etag" | "resource" | "ledgerService">;
  if (api.RightsizingType === "TERMINATE") {
    const amount = amountOf(api.TerminateRecommendationDetail?.EstimatedMonthlySavings);
    if (amount === null) return null;
    rec = {
      providerId: `aws/${accountId}/ec2/${instanceId}/TERMINATE`,
      category: "idle",
      action: "delete",
      description: `Terminate idle ${currentType} instance ${instanceId}${reasons ? ` (${reasons})` : ""}.`,
      monthlySavings: { amount, currency: api.TerminateRecommendationDetail?.CurrencyCode || current?.CurrencyCode || "USD" },
      effort: "low",
      risk: "high",
      confidence: "medium",
    };
  } else if (api.RightsizingType === "MODIFY") {
    const target = chosenTarget(api.ModifyRecommendationDetail?.TargetInstances ?? []);
    const amount = amountOf(target?.EstimatedMonthlySavings);
    if (!target || amount === null) return null;
    const memoryMeasured = current?.ResourceUtilization?.EC2ResourceUtilization?.MaxMemoryUtilizationPercentage !== undefined;
    const targetType = target.ResourceDetails?.EC2ResourceDetails?.InstanceType ?? "?";
    rec = {
      providerId: `aws/${accountId}/ec2/${instanceId}/MODIFY`,
      category: "rightsizing",
      action: "resize",
      description: `Change ${instanceId} from ${currentType} to ${targetType}${reasons ? ` (${reasons})` : ""}.`,
      monthlySavings: { amount, currency: target.CurrencyCode || current?.CurrencyCode || "USD" },
      effort: "medium",
      risk: "medium",
      confidence: memoryMeasured ? "high" : "medium",
    };
  } else {
    return null;
  }
  const recommendation = RecommendationSchema.parse({
    ...rec,
    description: rec.description.slice(0, 2000),
    provider: "aws",
    recommender: AWS_RECOMMENDERS.rightsizing,
    accountId,
    etag: null,
    resource: instanceId,
    ledgerService: AWS_EC2_SERVICE,
  });
  return { recommendation, providerState: "active" };
}

export interface SavingsPlansQuery {
  readonly savingsPlansType: NonNullable<GetSavingsPlansPurchaseRecommendationRequest["SavingsPlansType"]>;
  readonly termInYears: NonNullable<GetSavingsPlansPurchaseRecommendationRequest["TermInYears"]>;
  readonly paymentOption: NonNullable<GetSavingsPlansPurchaseRecommendationRequest["PaymentOption"]>;
  readonly lookbackPeriodInDays: NonNullable<GetSavingsPlansPurchaseRecommendationRequest["LookbackPeriodInDays"]>;
}

/** One configuration is asked for, so that each account gets one purchase to weigh. */
export const DEFAULT_SAVINGS_PLANS_QUERY: SavingsPlansQuery = {
  savingsPlansType: "COMPUTE_SP",
  termInYears: "ONE_YEAR",
  paymentOption: "NO_UPFRONT",
  lookbackPeriodInDays: "THIRTY_DAYS",
};

/**
 * One Savings Plans purchase onto the model: a commitment for the account, low effort, medium risk
 * (a one- or three-year lock-in), medium confidence (it assumes the lookback's usage continues).
 * The resource names the account and plan type, so that de-duplication keeps one purchase per
 * account and type. The saving spans services, so it names no ledger service.
 */
export function mapSavingsPlan(d: SavingsPlansPurchaseRecommendationDetail, q: SavingsPlansQuery, payerAccountId: string): SourcedRecommendation | null {
  const amount = amountOf(d.EstimatedMonthlySavingsAmount);
  if (amount === null || new Big(amount).lte(0)) return null;
  const accountId = d.AccountId ?? payerAccountId;
  const commitment = amountOf(d.HourlyCommitmentToPurchase);
  const recommendation = RecommendationSchema.parse({
    provider: "aws",
    providerId: d.RecommendationDetailId ? `aws/sp/${d.RecommendationDetailId}` : `aws/${accountId}/sp/${q.savingsPlansType}/${q.termInYears}/${q.paymentOption}`,
    etag: null,
    recommender: AWS_RECOMMENDERS.savingsPlans,
    accountId,
    resource: `${accountId}/savings-plans/${q.savingsPlansType}`,
    category: "commitment",
    action: "purchase",
    description: `Buy a ${q.termInYears === "ONE_YEAR" ? "1-year" : "3-year"} ${q.savingsPlansType} Savings Plan${commitment ? ` of ${commitment} ${d.CurrencyCode ?? "USD"} an hour` : ""} (${q.paymentOption}).`,
    monthlySavings: { amount, currency: d.CurrencyCode || "USD" },
    effort: "low",
    risk: "medium",
    confidence: "medium",
  });
  return { recommendation, providerState: "active" };
}

export interface AwsRecommendationsScope {
  /** The account the credentials belong to (the payer, or a standalone account). */
  readonly payerAccountId: string;
  /** Linked accounts the tenant may see; absent = everything the credentials see. */
  readonly linkedAccountIds?: readonly string[];
}

export interface AwsRecommendationsOptions {
  readonly pageSize?: number;
  /** A bound on pages per call, against a service that keeps answering with a token. */
  readonly maxPages?: number;
  readonly savingsPlans?: SavingsPlansQuery;
}

/**
 * Reads one account's recommendations, page by page (NextPageToken), through the official client;
 * throttling (LimitExceededException) is retried by the client's own retry strategy
 * (createCostExplorerClient). Findings for a linked account the tenant was not given are dropped.
 */
export class AwsCostExplorerRecommendations {
  constructor(
    private readonly api: CostExplorerRecommendationsApi,
    private readonly opts: AwsRecommendationsOptions = {},
  ) {}

  async list(scope: AwsRecommendationsScope): Promise<SourcedRecommendation[]> {
    const allowed = scope.linkedAccountIds && scope.linkedAccountIds.length > 0 ? new Set(scope.linkedAccountIds) : null;
    const filter = allowed ? { Dimensions: { Key: "LINKED_ACCOUNT" as const, Values: [...allowed] } } : undefined;
    const out: SourcedRecommendation[] = [];
    const pageSize = this.opts.pageSize ?? 100;
    const maxPages = this.opts.maxPages ?? 200;

    let token: string | undefined;
    let pages = 0;
    do {
      const page = await this.api.getRightsizingRecommendation({
        Service: "AmazonEC2",
        Configuration: { RecommendationTarget: "SAME_INSTANCE_FAMILY", BenefitsConsidered: true },
        PageSize: pageSize,
        ...(filter ? { Filter: filter } : {}),
        ...(token ? { NextPageToken: token } : {}),
      });
      for (const r of page.RightsizingRecommendations ?? []) {
        const mapped = mapRightsizing(r);
        if (mapped && (!allowed || allowed.has(mapped.recommendation.accountId))) out.push(mapped);
      }
      token = page.NextPageToken || undefined;
    } while (token && ++pages < maxPages);

    const q = this.opts.savingsPlans ?? DEFAULT_SAVINGS_PLANS_QUERY;
    token = undefined;
    pages = 0;
    do {
      const page = await this.api.getSavingsPlansPurchaseRecommendation({
        SavingsPlansType: q.savingsPlansType,
        TermInYears: q.termInYears,
        PaymentOption: q.paymentOption,
        LookbackPeriodInDays: q.lookbackPeriodInDays,
        // LINKED: one recommendation per member account, which is how the tenant's scope is drawn.
        AccountScope: allowed ? "LINKED" : "PAYER",
        PageSize: pageSize,
        ...(filter ? { Filter: filter } : {}),
        ...(token ? { NextPageToken: token } : {}),
      });
      for (const d of page.SavingsPlansPurchaseRecommendation?.SavingsPlansPurchaseRecommendationDetails ?? []) {
        const mapped = mapSavingsPlan(d, q, scope.payerAccountId);
        if (mapped && (!allowed || allowed.has(mapped.recommendation.accountId))) out.push(mapped);
      }
      token = page.NextPageToken || undefined;
    } while (token && ++pages < maxPages);
    return out;
  }
}
