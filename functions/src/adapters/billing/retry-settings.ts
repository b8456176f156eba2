import { AppError } from "#kernel/errors.js";
import type { CostExplorerClientOptions } from "./aws-cost-explorer-client.js";
import type { CostManagementClientOptions } from "./azure-cost-management-client.js";
import type { BillingBigQueryOptions, CallTimeoutOptions } from "./bigquery-billing-client.js";

/**
 * One retry budget for every provider SDK, as configuration states it. Each SDK counts it its own
 * way (AWS in attempts, Azure and BigQuery in retries after the first try); the translators
 * below keep the meaning: `maxAttempts` tries in all, the first included.
 *
 * @example
 *   const retry: RetrySettings = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 };
 *   createCostExplorerClient({ ...awsRetryOptions(retry), region: "us-east-1" });
 */
export interface RetrySettings {
  /** Tries per provider call, the first included: 1 means no retry. */
  maxAttempts: number;
  /** First backoff delay in milliseconds (later ones grow exponentially, with jitter). */
  baseDelayMs: number;
  /** Cap on any one backoff delay in milliseconds. */
  maxDelayMs: number;
}

/** Refuses a budget no SDK can honour; called once, when the sources are built. */
export function checkRetrySettings(r: RetrySettings): RetrySettings {
  if (!Number.isInteger(r.maxAttempts) || r.maxAttempts < 1 || !(r.baseDelayMs >= 0) || !(r.maxDelayMs >= r.baseDelayMs)) {
    throw new AppError("invalid-argument", "retry needs an integer maxAttempts >= 1 and 0 <= baseDelayMs <= maxDelayMs", { expose: false });
  }
  return r;
}

/** Cost Explorer: the SDK's maxAttempts already counts the first try. */
export function awsRetryOptions(r: RetrySettings): Pick<CostExplorerClientOptions, "maxAttempts" | "baseDelayMs" | "maxDelayMs"> {
  return { maxAttempts: r.maxAttempts, baseDelayMs: r.baseDelayMs, maxDelayMs: r.maxDelayMs };
}

/** Cost Management: the pipeline's maxRetries counts retries only. */
export function azureRetryOptions(
  r: RetrySettings,
): Pick<CostManagementClientOptions, "maxRetries" | "retryDelayInMs" | "maxRetryDelayInMs"> {
  return { maxRetries: r.maxAttempts - 1, retryDelayInMs: r.baseDelayMs, maxRetryDelayInMs: r.maxDelayMs };
}

/**
 * BigQuery: the client's maxRetries counts retries only and its cap is in seconds. Its own
 * delays start near one second and double (retry-request fixes that), so `baseDelayMs` only
 * reaches the retries after a per-call timeout, which also count retries only.
 */
export function bigQueryRetryOptions(
  r: RetrySettings,
): Pick<BillingBigQueryOptions, "maxRetries" | "maxRetryDelaySeconds"> &
  Pick<CallTimeoutOptions, "timeoutAttempts" | "baseDelayMs" | "maxDelayMs"> {
  return {
    maxRetries: r.maxAttempts - 1,
    maxRetryDelaySeconds: r.maxDelayMs / 1000,
    timeoutAttempts: r.maxAttempts - 1,
    baseDelayMs: r.baseDelayMs,
    maxDelayMs: r.maxDelayMs,
  };
}
