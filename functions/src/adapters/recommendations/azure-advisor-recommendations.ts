import { AdvisorManagementClient, type ResourceRecommendationBase } from "@azure/arm-advisor";
import { type PipelinePolicy, RestError } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import Big from "big.js";
import { isDecimal } from "#domain/billing/money.js";
import type { Level, RecommendationAction, RecommendationCategory } from "#domain/recommendations/recommendation.js";
import { RecommendationSchema } from "#domain/recommendations/recommendation.js";
import type { SourcedRecommendation } from "#domain/recommendations/sync.js";

/**
 * Azure Advisor cost recommendations through the official `@azure/arm-advisor` client
 * (Recommendations_List, api-version 2020-01-01, `$filter=Category eq 'Cost'`), one subscription
 * at a time.
 *
 * The saving is `extendedProperties.savingsAmount` (monthly) in `savingsCurrency`, the fields
 * Microsoft's own Resource Graph samples sum for Advisor cost recommendations; when only
 * `annualSavingsAmount` is given, a twelfth of it. Both are decimal strings on the wire, read
 * exactly. Advisor recommendations carry no etag, so etag is null; the ARM id is the provider id.
 */

export const AZURE_RECOMMENDER = "azure.advisor.Cost";

interface Kind {
  readonly category: RecommendationCategory;
  readonly action: RecommendationAction;
  readonly effort: Level;
  readonly risk: Level;
  readonly confidence: Level;
  /** The Cost Management service name the saving shows up under, where one service carries it. */
  readonly ledgerService?: string;
}

/**
 * How each kind of Advisor cost recommendation maps, by the resource type it names
 * (`impactedField`). Effort, risk and confidence are fixed per kind, as for the other clouds:
 * Advisor's `impact` is business impact, not confidence in the estimate.
 * - VM right-size: medium effort and risk (a resize restarts the VM), high confidence (Advisor
 *   measured CPU and memory over its lookback).
 * - VM shutdown (targetSku "Shutdown"): idle, low effort, medium risk (reversible).
 * - unattached disk, unassociated public IP: idle delete, low effort, high risk (not reversible).
 * - reservations and savings plans (impactedField is the subscription): a purchase, low effort,
 *   medium risk (a lock-in), medium confidence.
 * - storage and snapshots: change the storage class, low effort and risk.
 * - anything else: `other`, low confidence, so that it ranks below the kinds read here.
 */
export function azureKind(api: ResourceRecommendationBase): Kind {
  const field = (api.impactedField ?? "").toLowerCase();
  const ext = api.extendedProperties ?? {};
  if (field === "microsoft.compute/virtualmachines" || field === "microsoft.compute/virtualmachinescalesets") {
    const shutdown = ext.targetSku === "Shutdown" || ext.recommendationType === "Shutdown";
    return shutdown
      ? { category: "idle", action: "stop", effort: "low", risk: "medium", confidence: "medium", ledgerService: "Virtual Machines" }
      : { category: "rightsizing", action: "resize", effort: "medium", risk: "medium", confidence: "high", ledgerService: "Virtual Machines" };
  }
  if (field === "microsoft.compute/disks" || field === "microsoft.network/publicipaddresses") {
    return { category: "idle", action: "delete", effort: "low", risk: "high", confidence: "medium" };
  }
  if (field === "microsoft.subscriptions/subscriptions") return { category: "commitment", action: "purchase", effort: "low", risk: "medium", confidence: "medium" };
  if (field.startsWith("microsoft.storage/") || field === "microsoft.compute/snapshots") {
    return { category: "storage", action: "change_storage_class", effort: "low", risk: "low", confidence: "medium" };
  }
  return { category: "rightsizing", action: "other", effort: "medium", risk: "medium", confidence: "low" };
}

function amountOf(text: string | undefined): Big | null {
  if (text === undefined || text.trim() === "" || !isDecimal(text)) return null;
  return new Big(text.trim());
}

/** `/subscriptions/{id}/…` → id, or "" when the resource is not under a subscription. */
function subscriptionOf(resourceId: string): string {
  return /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? "";
}

/**
 * One Advisor recommendation onto the model, or null for one that is not a cost recommendation
 * or carries no positive saving. The resource is the assessed resource's ARM id; a commitment
 * names the subscription and what to reserve, so that de-duplication keeps one per kind.
 */
export function mapAdvisorRecommendation(api: ResourceRecommendationBase, subscriptionId: string): SourcedRecommendation | null {
  if ((api.category ?? "").toLowerCase() !== "cost" || !api.id) return null;
  const ext = api.extendedProperties ?? {};
  const monthly = amountOf(ext.savingsAmount) ?? amountOf(ext.annualSavingsAmount)?.div(12) ?? null;
  if (monthly === null || monthly.lte(0)) return null;
  const kind = azureKind(api);
  const assessed = api.resourceMetadata?.resourceId ?? api.id.replace(/\/providers\/Microsoft\.Advisor\/recommendations\/[^/]+$/i, "");
  const account = subscriptionOf(assessed) || subscriptionId;
  const resource =
    kind.category === "commitment" ? `/subscriptions/${account}/commitments/${ext.reservedResourceType ?? ext.savingsPlanType ?? "benefit"}`.toLowerCase() : assessed;
  const change = kind.action === "resize" && ext.currentSku && ext.targetSku ? ` (${ext.currentSku} → ${ext.targetSku})` : "";
  const description = `${api.shortDescription?.solution ?? api.shortDescription?.problem ?? "Advisor cost recommendation"}${change}`;
  const recommendation = RecommendationSchema.parse({
    provider: "azure",
    providerId: api.id,
    etag: null,
    recommender: `${AZURE_RECOMMENDER}/${api.recommendationTypeId ?? "unknown"}`,
    accountId: account,
    resource,
    category: kind.category,
    action: kind.action,
    description: description.slice(0, 2000),
    monthlySavings: { amount: monthly.round(9, Big.roundHalfEven).toFixed(), currency: ext.savingsCurrency || "USD" },
    effort: kind.effort,
    risk: kind.risk,
    confidence: kind.confidence,
    ...(kind.ledgerService ? { ledgerService: kind.ledgerService } : {}),
  });
  return { recommendation, providerState: "active" };
}

/**
 * The bearer token follows every request, next links included: refuse any request that would
 * leave the endpoint the client was built for.
 */
export function sameOriginPolicy(endpoint: string): PipelinePolicy {
  const origin = new URL(endpoint).origin;
  return {
    name: "advisorSameOriginPolicy",
    sendRequest(request, next) {
      if (new URL(request.url).origin !== origin) throw new RestError(`request leaves ${origin}`, { code: "UNTRUSTED_NEXT_LINK" });
      return next(request);
    },
  };
}

export interface AzureAdvisorOptions {
  readonly credential: TokenCredential;
  /** Defaults to https://management.azure.com; tests pass the local HTTPS replay server. */
  readonly endpoint?: string;
  /** PEM of a CA to trust (the replay server's self-signed certificate). */
  readonly tlsCa?: string;
  /** Retries after the first try (the SDK's meaning); 429s wait as Retry-After says. */
  readonly maxRetries?: number;
  readonly retryDelayInMs?: number;
  readonly maxRetryDelayInMs?: number;
  readonly pageSize?: number;
  /** A bound on pages, against a service that keeps sending a next link. */
  readonly maxPages?: number;
}

/** Reads the cost recommendations of subscriptions, page by page, through the official client. */
export class AzureAdvisorRecommendations {
  constructor(private readonly opts: AzureAdvisorOptions) {}

  private client(subscriptionId: string): AdvisorManagementClient {
    const endpoint = this.opts.endpoint ?? "https://management.azure.com";
    const client = new AdvisorManagementClient(this.opts.credential, subscriptionId, {
      endpoint,
      retryOptions: {
        maxRetries: this.opts.maxRetries ?? 4,
        retryDelayInMs: this.opts.retryDelayInMs ?? 1_000,
        maxRetryDelayInMs: this.opts.maxRetryDelayInMs ?? 30_000,
      },
      ...(this.opts.tlsCa ? { tlsOptions: { ca: this.opts.tlsCa } } : {}),
      userAgentOptions: { userAgentPrefix: "costmon" },
    });
    client.pipeline.addPolicy(sameOriginPolicy(endpoint));
    return client;
  }

  /**
   * Cost recommendations of the subscriptions; with `resourceGroup`, of that resource group only
   * (Advisor's `ResourceGroup eq` filter, and the resource ids checked again here).
   */
  async listFor(subscriptionIds: readonly string[], resourceGroup?: string): Promise<SourcedRecommendation[]> {
    const out: SourcedRecommendation[] = [];
    const maxPages = this.opts.maxPages ?? 200;
    // Resource group names are [\w.()-] (AzureScopeSchema), so no quote can end the literal early.
    const filter = `Category eq 'Cost'${resourceGroup ? ` and ResourceGroup eq '${resourceGroup}'` : ""}`;
    const inGroup = resourceGroup ? `/resourcegroups/${resourceGroup.toLowerCase()}/` : null;
    for (const subscriptionId of subscriptionIds) {
      const pages = this.client(subscriptionId)
        .recommendations.list({ filter, top: this.opts.pageSize ?? 100 })
        .byPage();
      let n = 0;
      for await (const page of pages) {
        for (const api of page) {
          const mapped = mapAdvisorRecommendation(api, subscriptionId);
          if (!mapped) continue;
          // Only the subscriptions (and resource group) the tenant connected, whatever else the credentials can read.
          if (!subscriptionIds.some((s) => s.toLowerCase() === mapped.recommendation.accountId.toLowerCase())) continue;
          if (inGroup && !`${mapped.recommendation.resource.toLowerCase()}/`.includes(inGroup)) continue;
          out.push(mapped);
        }
        if (++n >= maxPages) break;
      }
    }
    return out;
  }
}
