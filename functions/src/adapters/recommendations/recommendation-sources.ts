import { readFile } from "node:fs/promises";
import { ClientSecretCredential } from "@azure/identity";
import { JWT } from "google-auth-library";
import { z } from "zod";
import { type CloudAccountDoc, toAccountRef } from "#domain/billing/cloud-account.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { AwsScopeSchema } from "#domain/billing/providers/aws/source.js";
import { AzureScopeSchema } from "#domain/billing/providers/azure/source.js";
import type { ProviderLifecycleResolver } from "#domain/recommendations/provider-lifecycle.js";
import { demoRecommendations, type RecommendationSourceResolver, type SourcedRecommendation } from "#domain/recommendations/sync.js";
import { AppError } from "#kernel/errors.js";
import { type CredentialSource, perAccount, readCredentials, requireCredentials } from "../billing/account-clients.js";
import { costExplorerClientFactory } from "../billing/aws-cost-explorer-client.js";
import { AzureCredentialSecretSchema } from "../billing/azure-cost-management-client.js";
import { GcpCredentialSecretSchema } from "../billing/bigquery-billing-client.js";
import { awsRetryOptions, azureRetryOptions, type RetrySettings } from "../billing/retry-settings.js";
import { GcpRecommenderSource } from "../gcp/recommender/gcp-recommender-source.js";
import { AwsCostExplorerRecommendations } from "./aws-cost-explorer-recommendations.js";
import { AzureAdvisorRecommendations } from "./azure-advisor-recommendations.js";

/**
 * Which recommendations source reads each connected account, for the recommendations sync:
 * - `collector: "demo"`: the demo recommendations (sync.ts), when `demo` is on (local runtime);
 * - GCP: Recommender, per project of `scope.projectIds` and location of `scope.recommenderLocations`
 *   (Recommender has no all-locations listing, so an account without locations gets nothing read);
 *   the account's service-account key when it has one, else the platform's own identity;
 * - AWS: Cost Explorer rightsizing and Savings Plans, with the account's Cost Explorer credentials;
 * - Azure: Advisor, per subscription of the account's scope, with its service principal;
 * - anything else (OpenCost, Vultr, FOCUS files): none.
 *
 * @example
 *   const resolve = createRecommendationSources({ credentials, retry, awsRegion: "us-east-1", endpoints: {}, demo: true });
 *   await syncTenantRecommendations(store, "acme", resolve, new Date());
 */
export interface RecommendationSourcesOptions {
  credentials: CredentialSource;
  retry: RetrySettings;
  awsRegion: string;
  /** "" or undefined = the provider's public endpoint. */
  endpoints: {
    /** Recommender REST base, e.g. http://127.0.0.1:PORT (tests). */
    recommender?: string;
    costExplorer?: string;
    azureManagement?: string;
    azureAuthority?: string;
    azureTlsCaFile?: string;
  };
  /** Serve demo accounts their demo recommendations. */
  demo: boolean;
}

const GcpRecommenderScopeSchema = z.object({
  projectIds: z.union([z.string().transform((p) => [p]), z.array(z.string()).min(1)]),
  recommenderLocations: z.array(z.string().regex(/^[a-z0-9-]{2,40}$/, "a location such as us-central1 or us-central1-a")).max(100).default([]),
});

const orDefault = (s: string | undefined): string | undefined => (s ? s : undefined);

function scopeOf<T>(schema: z.ZodType<T>, account: CloudAccountRef): T {
  const parsed = schema.safeParse(account.scope);
  if (!parsed.success) {
    throw new AppError("failed-precondition", `cloud account ${account.accountId} has an invalid scope for recommendations: ${parsed.error.issues[0]?.message ?? "invalid"}`, { retryable: false });
  }
  return parsed.data;
}

/** One Recommender client per tenant and account: the account's service-account key when it has one, else the platform's identity. */
function gcpRecommenderFactory(opts: Pick<RecommendationSourcesOptions, "credentials" | "retry" | "endpoints">): (account: Pick<CloudAccountRef, "tenantId" | "accountId">) => Promise<GcpRecommenderSource> {
  // Only the tenant and account name the client and its credentials; the rest of the ref is not read.
  const cached = perAccount(async (account) => {
    const key = await readCredentials(opts.credentials, account, GcpCredentialSecretSchema, "is not a service-account key");
    const authClient = key ? new JWT({ email: key.client_email, key: key.private_key, scopes: ["https://www.googleapis.com/auth/cloud-platform"] }) : undefined;
    return new GcpRecommenderSource({ attempts: opts.retry.maxAttempts, ...(orDefault(opts.endpoints.recommender) ? { apiEndpoint: opts.endpoints.recommender } : {}), ...(authClient ? { authClient } : {}) });
  });
  return (account) => cached(account as CloudAccountRef);
}

/**
 * Where a lifecycle change is mirrored: GCP Recommender recommendations, through the account they
 * were read with; nothing else (Cost Explorer keeps no lifecycle, Advisor's suppressions are not
 * mirrored, demo recommendations have no provider).
 *
 * @example
 *   const mirror = createProviderLifecycles({ credentials, retry, endpoints: {} });
 *   await updateRecommendation(store, "acme", input, "u1", new Date(), mirror);
 */
export function createProviderLifecycles(opts: Pick<RecommendationSourcesOptions, "credentials" | "retry" | "endpoints">): ProviderLifecycleResolver {
  const recommenderFor = gcpRecommenderFactory(opts);
  return async (tenantId, rec) => {
    const { cloudAccount } = rec;
    if (rec.provider !== "gcp" || !cloudAccount || rec.providerId.startsWith("demo/")) return null;
    return { mark: async (name, state, etag) => (await recommenderFor({ tenantId, accountId: cloudAccount })).mark(name, state, etag) };
  };
}

export function createRecommendationSources(opts: RecommendationSourcesOptions): RecommendationSourceResolver {
  const costExplorerFor = costExplorerClientFactory(opts.credentials, {
    ...awsRetryOptions(opts.retry),
    region: opts.awsRegion,
    ...(orDefault(opts.endpoints.costExplorer) ? { endpoint: opts.endpoints.costExplorer } : {}),
  });
  let tlsCa: Promise<string | undefined> | undefined;
  const azureCa = () => (tlsCa ??= opts.endpoints.azureTlsCaFile ? readFile(opts.endpoints.azureTlsCaFile, "utf8") : Promise.resolve(undefined));
  const advisorFor = perAccount(async (account) => {
    const s = await requireCredentials(opts.credentials, account, AzureCredentialSecretSchema, "lacks tenantId, clientId or clientSecret");
    const ca = await azureCa();
    const authorityHost = orDefault(opts.endpoints.azureAuthority);
    const credential = new ClientSecretCredential(s.tenantId, s.clientId, s.clientSecret, {
      ...(authorityHost ? { authorityHost, disableInstanceDiscovery: true } : {}),
      ...(ca ? { tlsOptions: { ca } } : {}),
    });
    const retry = azureRetryOptions(opts.retry);
    return new AzureAdvisorRecommendations({
      credential,
      ...(orDefault(opts.endpoints.azureManagement) ? { endpoint: opts.endpoints.azureManagement } : {}),
      ...(ca ? { tlsCa: ca } : {}),
      maxRetries: retry.maxRetries,
      retryDelayInMs: retry.retryDelayInMs,
      maxRetryDelayInMs: retry.maxRetryDelayInMs,
    });
  });
  const recommenderFor = gcpRecommenderFactory(opts);

  return (tenantId: string, accountId: string, doc: CloudAccountDoc) => {
    if (doc.collector === "demo") return opts.demo ? { list: async () => demoRecommendations(tenantId, accountId, doc) } : null;
    if (doc.template === "opencost" || doc.template === "vultr" || doc.template === "focus") return null;
    const account = toAccountRef(tenantId, accountId, doc);
    switch (doc.provider) {
      case "gcp":
        return {
          list: async () => {
            const scope = scopeOf(GcpRecommenderScopeSchema, account);
            const source = await recommenderFor(account);
            const out: SourcedRecommendation[] = [];
            for (const project of scope.projectIds) for (const location of scope.recommenderLocations) out.push(...(await source.listFor(project, location)));
            return out;
          },
        };
      case "aws":
        return {
          list: async () => {
            const scope = scopeOf(AwsScopeSchema, account);
            return new AwsCostExplorerRecommendations(await costExplorerFor(account)).list({
              payerAccountId: scope.payerAccountId,
              ...(scope.linkedAccountIds ? { linkedAccountIds: scope.linkedAccountIds } : {}),
            });
          },
        };
      case "azure":
        return {
          list: async () => {
            const scope = scopeOf(AzureScopeSchema, account);
            const subscriptions = scope.scopeType === "billingAccount" ? scope.subscriptionIds : [scope.subscriptionId];
            return (await advisorFor(account)).listFor(subscriptions, scope.scopeType === "resourceGroup" ? scope.resourceGroup : undefined);
          },
        };
      default:
        return null;
    }
  };
}
