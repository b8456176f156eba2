import { BigQuery, type BigQueryOptions } from "@google-cloud/bigquery";
import type { ResolvedOptions } from "./warehouse-options.js";

/**
 * The BigQuery client of the warehouse. The client retries throttled and failed HTTP calls itself
 * (@google-cloud/common: 408, 429, 5xx and the rateLimitExceeded/backendError reasons, with
 * exponential backoff); this sets its budget to the warehouse's: `maxAttempts - 1` retries (the
 * client counts retries) and a cap on one delay, in seconds.
 *
 * @example
 *   const bq = createWarehouseClient(resolveOptions({ projectId: "costmon-prod", location: "EU" }));
 */
export function createWarehouseClient(o: ResolvedOptions): BigQuery {
  const options: BigQueryOptions = {
    projectId: o.projectId,
    ...(o.apiEndpoint ? { apiEndpoint: o.apiEndpoint } : {}),
    ...(o.authClient ? { authClient: o.authClient } : {}),
    ...(o.location ? { location: o.location } : {}),
    retryOptions: {
      autoRetry: true,
      maxRetries: o.maxAttempts - 1,
      maxRetryDelay: o.maxDelayMs / 1000,
      retryDelayMultiplier: 2,
      totalTimeout: Math.ceil((o.jobTimeoutMs + o.callTimeoutMs) / 1000),
    },
  };
  return new BigQuery(options);
}
