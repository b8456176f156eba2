import type { RetryPolicy } from "cockatiel";
import { UnreadableBodyError } from "#domain/billing/providers/read-retry.js";
import { AppError } from "#kernel/errors.js";
import { backoffRetry } from "#kernel/retry.js";
import type { RetrySettings } from "./retry-settings.js";

/** An HTTP answer another try may fix (429, 5xx): carries the wait the server asked for. */
export class TransientHttpError extends AppError {
  override readonly name = "TransientHttpError";
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super("unavailable", `HTTP ${status}`, { retryable: true });
  }
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The platform's retry policy (kernel/retry.ts, on cockatiel) for a JSON API, honouring Retry-After. */
export function httpRetryPolicy(r: RetrySettings): RetryPolicy {
  return backoffRetry({
    attempts: r.maxAttempts,
    baseMs: r.baseDelayMs,
    maxMs: r.maxDelayMs,
    hintedDelayMs: (err) => (err instanceof TransientHttpError ? err.retryAfterMs : undefined),
  });
}

export interface GetJsonOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Names the service in errors; the URL never appears (it may hold a secret). */
  service: string;
}

/**
 * GETs a JSON document under `policy`: network failures, timeouts, 429, 5xx and unreadable bodies
 * are tried again; other statuses fail at once, not retryable (401/403/404 need the secret or the
 * URL fixed). `onCall` counts every HTTP call, retries included.
 *
 * @example
 *   const body = await getJsonWithRetry(httpRetryPolicy(retry), url, { authorization: `Bearer ${key}` }, { service: "Vultr" });
 */
export async function getJsonWithRetry(policy: RetryPolicy, url: string, headers: Record<string, string>, opts: GetJsonOptions, onCall?: () => void): Promise<unknown> {
  const doFetch = opts.fetch ?? fetch;
  return policy.execute(async () => {
    onCall?.();
    let res: Response;
    try {
      res = await doFetch(url, { headers: { accept: "application/json", ...headers }, signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
    } catch (err) {
      throw new AppError("unavailable", `${opts.service} unreachable: ${(err as Error).name}`, { retryable: true });
    }
    const text = await res.text();
    if (res.status === 429 || res.status >= 500) throw new TransientHttpError(res.status, retryAfterMs(res.headers.get("retry-after")));
    if (!res.ok) {
      throw new AppError(res.status === 401 || res.status === 403 ? "permission-denied" : "failed-precondition", `${opts.service} answered HTTP ${res.status}`, { retryable: false });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UnreadableBodyError(`${opts.service} answered a body that is not JSON (${text.length} bytes)`);
    }
  });
}
