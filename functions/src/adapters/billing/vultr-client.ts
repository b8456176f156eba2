import { z } from "zod";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import type { VultrApi } from "#domain/billing/providers/vultr/source.js";
import { type CredentialSource, perAccount, requireCredentials } from "./account-clients.js";
import { getJsonWithRetry, httpRetryPolicy } from "./http-json.js";
import type { RetrySettings } from "./retry-settings.js";

/** The account's secret: a Vultr API key (Bearer), and the API base for tests (default https://api.vultr.com/v2). */
export const VultrSecretSchema = z.object({
  apiKey: z.string().min(1).max(256),
});

export interface VultrClientOptions {
  retry: RetrySettings;
  /** "" or undefined = https://api.vultr.com/v2. */
  endpoint?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const PATH = /^[a-z0-9\-/%._]{1,256}$/i;

/**
 * The Vultr API v2 for one key, under the platform's retry policy (http-json.ts): 429 and 503
 * (Vultr's rate limit answers) and other 5xx are backed off and retried, honouring Retry-After.
 *
 * @example
 *   const api = createVultrApi("key", { retry });
 *   const { items } = await listInvoices(api);
 */
export function createVultrApi(apiKey: string, opts: VultrClientOptions): VultrApi & { calls(): number } {
  const policy = httpRetryPolicy(opts.retry);
  const base = (opts.endpoint || "https://api.vultr.com/v2").replace(/\/+$/, "");
  let calls = 0;
  return {
    calls: () => calls,
    async get(path, query) {
      if (!PATH.test(path)) throw new RangeError(`not a Vultr API path: ${path.slice(0, 60)}`);
      const qs = new URLSearchParams(query).toString();
      return getJsonWithRetry(policy, `${base}/${path}${qs ? `?${qs}` : ""}`, { authorization: `Bearer ${apiKey}` }, { service: "Vultr", fetch: opts.fetch, timeoutMs: opts.timeoutMs }, () => {
        calls += 1;
      });
    },
  };
}

/** One Vultr client per account, from its secret. */
export function vultrApiFactory(credentials: CredentialSource, opts: VultrClientOptions): (account: CloudAccountRef) => Promise<VultrApi> {
  return perAccount(async (account) => {
    const secret = await requireCredentials(credentials, account, VultrSecretSchema, "is not a Vultr secret ({apiKey})");
    return createVultrApi(secret.apiKey, opts);
  });
}
