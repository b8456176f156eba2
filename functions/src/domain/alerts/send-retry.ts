import {
  ExponentialBackoff,
  handleType,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
  retry,
} from "cockatiel";
import { AppError } from "#kernel/errors.js";

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

type Ctx = IRetryBackoffContext<unknown>;

class RetryAfterBackoff implements IBackoffFactory<Ctx> {
  constructor(
    private readonly inner: IBackoffFactory<Ctx>,
    private readonly maxMs: number,
  ) {}

  next(ctx: Ctx): IBackoff<Ctx> {
    const step = this.inner.next(ctx);
    const err = "error" in ctx.result ? ctx.result.error : undefined;
    const hinted = err instanceof TransientSendError ? (err.retryAfterMs ?? 0) : 0;
    return {
      duration: Math.min(Math.max(step.duration, hinted), this.maxMs),
      next: (c: Ctx) => new RetryAfterBackoff(step, this.maxMs).next(c),
    };
  }
}

export function createSendRetryPolicy(opts: SendRetryOptions = {}): RetryPolicy {
  const maxDelay = opts.maxDelayMs ?? 10_000;
  return retry(handleType(TransientSendError), {
    maxAttempts: opts.retries ?? 3,
    backoff: new RetryAfterBackoff(new ExponentialBackoff({ initialDelay: opts.initialDelayMs ?? 500, maxDelay }), maxDelay),
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
