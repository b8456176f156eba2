import { BigQuery, type BigQueryOptions } from "@google-cloud/bigquery";
import { TaskCancelledError, TimeoutStrategy, timeout, wrap } from "cockatiel";
import { backoffRetry } from "#kernel/retry.js";
import type { AuthClient } from "google-auth-library";
import { z } from "zod";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import type { BigQueryApi, PageRequest, QueryJobApi } from "#domain/billing/providers/gcp/query.js";
import { type CredentialSource, perAccount, readCredentials } from "./account-clients.js";

/**
 * BigQuery client for the billing-export collector. Retries are the client's own
 * (@google-cloud/common: 408, 429, 500, 502, 503, 504 and rateLimitExceeded/backendError, with
 * exponential backoff and jitter); this only sets the budget and the delay cap.
 *
 * Timeouts: the client's `timeout` option reaches teeny-request, whose node-fetch 3 ignores it,
 * so a hung connection would wait forever. Each call therefore runs under a cockatiel timeout,
 * and a timed-out call is retried with backoff (getQueryResults is a read, safe to repeat; a
 * repeated jobs.insert starts a second job, which costs one more query and changes nothing).
 */
export interface BillingBigQueryOptions {
  projectId: string;
  /** http://127.0.0.1:PORT in tests. */
  apiEndpoint?: string;
  /** A preset-token OAuth2Client in tests; Application Default Credentials when absent. */
  authClient?: AuthClient;
  /** A tenant's own service-account key, when the tenant does not grant our account access. */
  credentials?: { client_email: string; private_key: string };
  /** Retries after the first try (the client's meaning); default 5. */
  maxRetries?: number;
  /** Cap on one backoff, in seconds (the client's `maxRetryDelay`). */
  maxRetryDelaySeconds?: number;
  /** Per-call timeout in milliseconds. */
  timeoutMs?: number;
  /** Attempts after a timeout (default 3). */
  timeoutAttempts?: number;
  location?: string;
}

export function createBillingBigQuery(opts: BillingBigQueryOptions): BigQuery {
  const options: BigQueryOptions & { timeout?: number } = {
    projectId: opts.projectId,
    ...(opts.apiEndpoint ? { apiEndpoint: opts.apiEndpoint } : {}),
    ...(opts.authClient ? { authClient: opts.authClient } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(opts.location ? { location: opts.location } : {}),
    retryOptions: {
      autoRetry: true,
      maxRetries: opts.maxRetries ?? 5,
      maxRetryDelay: opts.maxRetryDelaySeconds ?? 32,
      retryDelayMultiplier: 2,
      totalTimeout: 600,
    },
  };
  return new BigQuery(options);
}

export interface CallTimeoutOptions {
  timeoutMs?: number;
  timeoutAttempts?: number;
  /** First backoff after a timeout, in milliseconds; default 100. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

function timeoutPolicy(opts: CallTimeoutOptions) {
  return wrap(
    backoffRetry({
      attempts: (opts.timeoutAttempts ?? 3) + 1,
      baseMs: opts.baseDelayMs ?? 100,
      maxMs: opts.maxDelayMs ?? 5_000,
      retryOn: (e) => e instanceof TaskCancelledError,
    }),
    timeout(opts.timeoutMs ?? 60_000, TimeoutStrategy.Aggressive),
  );
}

/** Narrows the client to what the collector calls, with the tuple shapes typed once here. */
export function bigQueryApi(bq: BigQuery, opts: CallTimeoutOptions = {}): BigQueryApi {
  const policy = timeoutPolicy(opts);
  return {
    async createQueryJob(q) {
      const [job] = await policy.execute(() => bq.createQueryJob({
        query: q.query,
        params: q.params,
        types: q.types,
        ...(q.location ? { location: q.location } : {}),
        ...(q.labels ? { labels: q.labels } : {}),
      }));
      const wrapped: QueryJobApi = {
        async getQueryResults(page: PageRequest) {
          const [rows, next, raw] = await policy.execute(() => job.getQueryResults({ ...page }));
          return [rows as unknown[], (next ?? null) as PageRequest | null, raw as unknown];
        },
      };
      return wrapped;
    },
  };
}

/** Optional `cloud-creds/{tenant}/{account}` of a GCP account: a service-account key that can read its export. */
export const GcpCredentialSecretSchema = z.object({
  client_email: z.string().email(),
  private_key: z.string().includes("PRIVATE KEY"),
  project_id: z.string().optional(),
});

/**
 * Per-account factory for GcpBillingExportSource. Without a secret for the account the platform's
 * own identity (ADC) queries the export, which the tenant shares with it; with one, the account's key.
 * Jobs run (and bill) in `base.projectId`, the platform's project, never in the tenant's.
 *
 * @example
 *   const clientFor = bigQueryApiFactory(createCredentialStore(secrets), { projectId: "costmon-prod" });
 *   const source = new GcpBillingExportSource({ clientFor });
 */
export function bigQueryApiFactory(
  credentials: CredentialSource,
  base: Omit<BillingBigQueryOptions, "credentials"> & CallTimeoutOptions,
): (account: CloudAccountRef) => Promise<BigQueryApi> {
  return perAccount(async (account) => {
    const key = await readCredentials(credentials, account, GcpCredentialSecretSchema, "is not a service-account key");
    const keyPair = key ? { client_email: key.client_email, private_key: key.private_key } : undefined;
    return bigQueryApi(createBillingBigQuery({ ...base, ...(keyPair ? { credentials: keyPair } : {}) }), base);
  });
}
