import { CostManagementClient, type QueryDefinition as SdkQueryDefinition } from "@azure/arm-costmanagement";
import {
  createPipelineRequest,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  RestError,
} from "@azure/core-rest-pipeline";
import { ClientSecretCredential, type TokenCredential } from "@azure/identity";
import { z } from "zod";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import type { CostManagementQueryApi } from "#domain/billing/providers/azure/query.js";
import type { QueryDefinition } from "#domain/billing/providers/azure/query-definition.js";
import { type CredentialSource, perAccount, requireCredentials } from "./account-clients.js";

/**
 * Builds the Cost Management SDK client with three pipeline policies the SDK lacks:
 * - Cost Management throttles with `x-ms-ratelimit-microsoft.costmanagement-{qpu,entity,tenant,client}-retry-after`
 *   (learn.microsoft.com, "Cost Management API throttling"), which the SDK's retry policy ignores;
 *   mapped to `retry-after` so the SDK's own throttling retry waits as told.
 * - `ClientType` header, which the same page asks callers to send.
 * - a per-try timeout that surfaces as ETIMEDOUT, which the SDK's exponential retry retries
 *   (its own `timeout` aborts, and an abort is never retried).
 */

export const RATE_LIMIT_HEADERS = ["qpu", "entity", "tenant", "client"].map(
  (k) => `x-ms-ratelimit-microsoft.costmanagement-${k}-retry-after`,
);

/** Maps the Cost Management retry-after headers (seconds) onto `retry-after`; counts attempts. */
export function costManagementRetryAfterPolicy(opts: { defaultRetryAfterSeconds: number; onAttempt?: () => void }): PipelinePolicy {
  return {
    name: "costManagementRetryAfterPolicy",
    async sendRequest(request, next) {
      opts.onAttempt?.();
      const response = await next(request);
      if (response.status !== 429 && response.status !== 503) return response;
      if (response.headers.has("retry-after") || response.headers.has("retry-after-ms")) return response;
      const waits = RATE_LIMIT_HEADERS.map((h) => Number(response.headers.get(h))).filter(
        (n) => Number.isFinite(n) && n >= 0,
      );
      if (waits.length > 0) response.headers.set("retry-after", String(Math.max(...waits)));
      else if (response.status === 429) response.headers.set("retry-after", String(opts.defaultRetryAfterSeconds));
      return response;
    },
  };
}

export function clientTypeHeaderPolicy(clientType: string): PipelinePolicy {
  return {
    name: "clientTypeHeaderPolicy",
    sendRequest(request, next) {
      request.headers.set("ClientType", clientType);
      return next(request);
    },
  };
}

/** Aborts one try after `ms` and reports it as ETIMEDOUT so the retry policy tries again. */
export function perTryTimeoutPolicy(ms: number): PipelinePolicy {
  return {
    name: "perTryTimeoutPolicy",
    async sendRequest(request: PipelineRequest, next): Promise<PipelineResponse> {
      const outer = request.abortSignal;
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, ms);
      const forward = () => controller.abort();
      outer?.addEventListener("abort", forward);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (err) {
        if (timedOut) throw new RestError(`request timed out after ${ms} ms`, { code: "ETIMEDOUT", request });
        throw err;
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener("abort", forward);
        request.abortSignal = outer;
      }
    },
  };
}

export interface CostManagementClientOptions {
  credential: TokenCredential;
  /** Defaults to https://management.azure.com; tests pass the local HTTPS replay server. */
  endpoint?: string;
  /** Retries after the first try (the SDK's meaning, unlike AWS's maxAttempts); default 4. */
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
  requestTimeoutMs?: number;
  /** Wait for a 429 that names no retry-after at all. */
  defaultRetryAfterSeconds?: number;
  /** PEM of a CA to trust (the replay server's self-signed certificate). */
  tlsCa?: string;
  clientType?: string;
}

/**
 * The domain's Query_Usage body as the SDK's QueryDefinition. Only timePeriod differs: the wire and
 * the domain carry date-time strings, the SDK types them as Date and serializes them back with
 * toISOString. Everything else is assigned as is, so the compiler checks it against the SDK's type.
 */
export function toSdkQueryDefinition(definition: QueryDefinition): SdkQueryDefinition {
  const { timePeriod, ...rest } = definition;
  if (!timePeriod) return rest;
  return { ...rest, timePeriod: { from: new Date(timePeriod.from), to: new Date(timePeriod.to) } };
}

export interface CostManagementHandle {
  client: CostManagementClient;
  api: CostManagementQueryApi;
}

export function createCostManagementClient(opts: CostManagementClientOptions): CostManagementHandle {
  const endpoint = opts.endpoint ?? "https://management.azure.com";
  let attempts = 0;
  const client = new CostManagementClient(opts.credential, {
    apiVersion: "2025-03-01",
    endpoint,
    retryOptions: {
      maxRetries: opts.maxRetries ?? 4,
      retryDelayInMs: opts.retryDelayInMs ?? 1_000,
      maxRetryDelayInMs: opts.maxRetryDelayInMs ?? 30_000,
    },
    ...(opts.tlsCa ? { tlsOptions: { ca: opts.tlsCa } } : {}),
    // Never let a nextLink or retry log carry the bearer token; the SDK redacts by default.
    userAgentOptions: { userAgentPrefix: "costmon" },
  });
  client.pipeline.addPolicy(
    costManagementRetryAfterPolicy({
      defaultRetryAfterSeconds: opts.defaultRetryAfterSeconds ?? 5,
      onAttempt: () => {
        attempts += 1;
      },
    }),
    { afterPhase: "Retry" },
  );
  client.pipeline.addPolicy(perTryTimeoutPolicy(opts.requestTimeoutMs ?? 60_000), { afterPhase: "Retry" });
  client.pipeline.addPolicy(clientTypeHeaderPolicy(opts.clientType ?? "costmon-collector"));

  const origin = new URL(endpoint).origin;
  const api: CostManagementQueryApi = {
    usage: (scope, parameters) => client.query.usage(scope, toSdkQueryDefinition(parameters)),
    async next(nextLink: string, parameters: QueryDefinition) {
      // The bearer token follows this URL: only ever send it back to the endpoint we trust.
      if (new URL(nextLink).origin !== origin) throw new RestError(`nextLink leaves ${origin}`, { code: "UNTRUSTED_NEXT_LINK" });
      const request = createPipelineRequest({
        url: nextLink,
        method: "POST",
        body: JSON.stringify(parameters),
      });
      request.headers.set("content-type", "application/json");
      request.headers.set("accept", "application/json");
      const response = await client.sendRequest(request);
      if (response.status === 204) return {};
      if (response.status !== 200) {
        throw new RestError(`nextLink answered ${response.status}`, { statusCode: response.status, request, response });
      }
      return JSON.parse(response.bodyAsText ?? "");
    },
    attempts: () => attempts,
  };
  return { client, api };
}

/** `cloud-creds/{tenant}/{account}` of an Azure account: a service principal with Cost Management Reader on its scope. */
export const AzureCredentialSecretSchema = z.object({
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

export interface CostManagementFactoryOptions extends Omit<CostManagementClientOptions, "credential"> {
  /**
   * Microsoft Entra authority host for the service principal's token, e.g.
   * https://login.microsoftonline.us; default the public cloud's. A host set here is trusted as
   * given (no instance discovery, which only knows Microsoft's own clouds); `tlsCa` applies to it too.
   */
  authorityHost?: string;
}

/**
 * Per-account factory for AzureCostManagementSource: signs in as the service principal stored for
 * the account it builds a client for (`cloud-creds/{tenant}/{account}`); one client per tenant and
 * account.
 *
 * @example
 *   const clientFor = costManagementApiFactory(createCredentialStore(secrets), { maxRetries: 4 });
 *   const source = new AzureCostManagementSource({ clientFor });
 */
export function costManagementApiFactory(
  credentials: CredentialSource,
  base: CostManagementFactoryOptions = {},
): (account: CloudAccountRef) => Promise<CostManagementQueryApi> {
  const { authorityHost, ...clientOptions } = base;
  return perAccount(async (account) => {
    const s = await requireCredentials(credentials, account, AzureCredentialSecretSchema, "lacks tenantId, clientId or clientSecret");
    const credential = new ClientSecretCredential(s.tenantId, s.clientId, s.clientSecret, {
      ...(authorityHost ? { authorityHost, disableInstanceDiscovery: true } : {}),
      ...(base.tlsCa ? { tlsOptions: { ca: base.tlsCa } } : {}),
    });
    return createCostManagementClient({ ...clientOptions, credential }).api;
  });
}
