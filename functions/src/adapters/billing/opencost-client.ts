import { z } from "zod";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import type { AllocationQuery, OpenCostApi } from "#domain/billing/providers/opencost/source.js";
import { type CredentialSource, perAccount, requireCredentials } from "./account-clients.js";
import { getJsonWithRetry, httpRetryPolicy } from "./http-json.js";
import type { RetrySettings } from "./retry-settings.js";

/**
 * The account's secret for a cluster: the OpenCost API's base URL (behind the cluster's ingress
 * or auth proxy) and either a bearer token or basic-auth user and password.
 */
export const OpenCostSecretSchema = z
  .object({
    url: z.string().url().max(2048).refine((u) => /^https?:\/\//.test(u), "http(s) only"),
    token: z.string().min(1).max(8192).optional(),
    username: z.string().min(1).max(256).optional(),
    password: z.string().min(1).max(1024).optional(),
  })
  .refine((s) => (s.username === undefined) === (s.password === undefined), "username and password go together");
export type OpenCostSecret = z.infer<typeof OpenCostSecretSchema>;

export interface OpenCostClientOptions {
  retry: RetrySettings;
  /** Per-try timeout. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

function authHeader(s: OpenCostSecret): Record<string, string> {
  if (s.token) return { authorization: `Bearer ${s.token}` };
  if (s.username && s.password) return { authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString("base64")}` };
  return {};
}

/**
 * A client for one OpenCost API under the platform's retry policy (http-json.ts, kernel/retry.ts on
 * cockatiel): network failures, timeouts, 429, 5xx and unreadable bodies are tried again, honouring
 * Retry-After; other statuses fail at once (401/403/404 need the secret or the URL fixed). The URL
 * and token never appear in an error.
 *
 * @example
 *   const api = createOpenCostApi({ url: "https://opencost.example", token }, { retry });
 *   const { body } = await api.allocation(allocationQuery(window, "namespace"));
 */
export function createOpenCostApi(secret: OpenCostSecret, opts: OpenCostClientOptions): OpenCostApi {
  const policy = httpRetryPolicy(opts.retry);
  const base = secret.url.replace(/\/+$/, "");
  return {
    async allocation(query: AllocationQuery) {
      const params = new URLSearchParams({
        window: query.window,
        aggregate: query.aggregate,
        step: query.step,
        includeIdle: String(query.includeIdle),
        shareIdle: String(query.shareIdle),
      });
      let calls = 0;
      const body = await getJsonWithRetry(policy, `${base}/allocation?${params}`, authHeader(secret), { service: "OpenCost", fetch: opts.fetch, timeoutMs: opts.timeoutMs }, () => {
        calls += 1;
      });
      return { body, calls };
    },
    async cloudCost(window: string, aggregate: "provider" | "providerID" = "provider") {
      const params = new URLSearchParams({ window, aggregate, accumulate: "day" });
      let calls = 0;
      const body = await getJsonWithRetry(policy, `${base}/cloudCost?${params}`, authHeader(secret), { service: "OpenCost", fetch: opts.fetch, timeoutMs: opts.timeoutMs }, () => {
        calls += 1;
      });
      return { body, calls };
    },
  };
}

/** One OpenCost client per cluster account, from its secret. */
export function openCostApiFactory(credentials: CredentialSource, opts: OpenCostClientOptions): (account: CloudAccountRef) => Promise<OpenCostApi> {
  return perAccount(async (account) => {
    const secret = await requireCredentials(credentials, account, OpenCostSecretSchema, "is not an OpenCost secret ({url, token} or {url, username, password})");
    return createOpenCostApi(secret, opts);
  });
}
