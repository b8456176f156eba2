import type { RetryPolicy } from "cockatiel";
import { AppError } from "#kernel/errors.js";
import { backoffRetry } from "#kernel/retry.js";

/**
 * In-send retry shared by the alert channel adapters: exponential backoff with jitter (cockatiel),
 * stretched to the server's Retry-After when it asks for longer (Slack sends one with 429, see
 * "Rate limits" in Slack's docs), never beyond maxDelayMs. Only TransientSendError is retried;
 * everything else is an answer.
 */

export class TransientSendError extends AppError {
  override readonly name = "TransientSendError";
  constructor(
    readonly status: number | undefined,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super("unavailable", message, { retryable: true });
  }
}

export interface SendRetryOptions {
  /** Retries after the first try (default 3). */
  retries?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export function createSendRetryPolicy(opts: SendRetryOptions = {}): RetryPolicy {
  const maxDelay = opts.maxDelayMs ?? 10_000;
  return backoffRetry({
    attempts: (opts.retries ?? 3) + 1,
    baseMs: opts.initialDelayMs ?? 500,
    maxMs: maxDelay,
    retryOn: (e) => e instanceof TransientSendError,
    hintedDelayMs: (e) => (e instanceof TransientSendError ? e.retryAfterMs : undefined),
  });
}

/** Retry-After in seconds (RFC 9110 §10.2.3 also allows an HTTP date; both are handled). */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Names a fetch failure by its cause code (ECONNREFUSED, ETIMEDOUT...), never by the URL. */
export function networkErrorReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const name = (err as Error).name;
  if (name === "TimeoutError" || name === "AbortError") return `network error: ${name}`;
  return `network error: ${cause?.code ?? cause?.message ?? name}`;
}
