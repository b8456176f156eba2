import {
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  noJitterGenerator,
  type RetryPolicy,
  retry,
} from "cockatiel";
import { AppError } from "./errors.js";

/**
 * Bounded retry with exponential backoff, the one way the platform retries (provider reads, alert
 * sends, bus deliveries, timed-out calls), on cockatiel's policies. Delays grow from `baseMs` to at
 * most `maxMs` with decorrelated jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"),
 * or without jitter where runs must repeat exactly (the local bus). A failure may ask for a longer
 * wait itself (a Retry-After header), which is honoured up to `maxMs`.
 *
 * @example
 *   const policy = backoffRetry({ attempts: 4, baseMs: 50, maxMs: 2_000, retryOn: isUnreadableBody });
 *   const page = await policy.execute(() => api.getCostAndUsage(request));
 */
export interface BackoffRetryOptions {
  /** Attempts in all, the first included (1 = no retry). */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Which failures are worth another attempt; default {@link isRetryable}. */
  retryOn?: (err: unknown) => boolean;
  /** "decorrelated" (default), or "none" for repeatable delays. */
  jitter?: "decorrelated" | "none";
  /** A wait the failure itself asks for, in ms (e.g. from Retry-After). */
  hintedDelayMs?: (err: unknown) => number | undefined;
}

/** Whether a failure may go away on its own: not when an AppError says it will not (bad input, no access). */
export function isRetryable(err: unknown): boolean {
  return !(err instanceof AppError && !err.retryable);
}

type Ctx = IRetryBackoffContext<unknown>;

/** Stretches each delay to the failure's own hint, never beyond `maxMs`. */
class HintedBackoff implements IBackoffFactory<Ctx> {
  constructor(
    private readonly inner: IBackoffFactory<Ctx>,
    private readonly maxMs: number,
    private readonly hint: (err: unknown) => number | undefined,
  ) {}

  next(ctx: Ctx): IBackoff<Ctx> {
    const step = this.inner.next(ctx);
    const err = "error" in ctx.result ? ctx.result.error : undefined;
    const hinted = this.hint(err) ?? 0;
    return {
      duration: Math.min(Math.max(step.duration, hinted), this.maxMs),
      next: (c: Ctx) => new HintedBackoff(step, this.maxMs, this.hint).next(c),
    };
  }
}

export function backoffRetry(opts: BackoffRetryOptions): RetryPolicy {
  if (!Number.isInteger(opts.attempts) || opts.attempts < 1) throw new RangeError(`backoffRetry: attempts must be an integer >= 1, got ${opts.attempts}`);
  if (!(opts.baseMs >= 0) || !(opts.maxMs >= 0)) throw new RangeError("backoffRetry: delays must be >= 0");
  // A cap below the first delay caps that one too.
  const baseMs = Math.min(opts.baseMs, opts.maxMs);
  const exponential: IBackoffFactory<Ctx> =
    opts.jitter === "none"
      ? new ExponentialBackoff({ initialDelay: baseMs, maxDelay: opts.maxMs, generator: noJitterGenerator })
      : new ExponentialBackoff({ initialDelay: baseMs, maxDelay: opts.maxMs, generator: decorrelatedJitterGenerator });
  return retry(handleWhen(opts.retryOn ?? isRetryable), {
    // cockatiel counts retries; we count attempts.
    maxAttempts: opts.attempts - 1,
    backoff: opts.hintedDelayMs ? new HintedBackoff(exponential, opts.maxMs, opts.hintedDelayMs) : exponential,
  });
}
