import { ExponentialBackoff, decorrelatedJitterGenerator, handleWhen, retry } from "cockatiel";

/**
 * F5 retry with exponential backoff and decorrelated jitter (cockatiel; the AWS "Exponential
 * Backoff and Jitter" scheme), for calls to external providers.
 */
export interface RetryOptions {
  /** Total attempts including the first; 1 means no retry. */
  maxAttempts: number;
  /** First backoff delay in ms. */
  baseMs: number;
  /** Cap on any single delay in ms. */
  maxMs: number;
  /**
   * Whether a failure is worth another attempt. Default: everything except errors that say
   * `retryable: false` (AppError, InputError) — those pass straight through on the first attempt.
   */
  isRetryable?: (e: unknown) => boolean;
}

export function defaultIsRetryable(e: unknown): boolean {
  return !(typeof e === "object" && e !== null && (e as { retryable?: unknown }).retryable === false);
}

export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  if (!Number.isInteger(opts.maxAttempts) || opts.maxAttempts < 1) {
    throw new RangeError(`retryWithBackoff: maxAttempts must be an integer >= 1, got ${opts.maxAttempts}`);
  }
  if (!(opts.baseMs >= 0) || !(opts.maxMs >= opts.baseMs)) {
    throw new RangeError("retryWithBackoff: need 0 <= baseMs <= maxMs");
  }
  const isRetryable = opts.isRetryable ?? defaultIsRetryable;
  const policy = retry(
    handleWhen((e) => isRetryable(e)),
    {
      maxAttempts: opts.maxAttempts - 1,
      backoff: new ExponentialBackoff({
        initialDelay: opts.baseMs,
        maxDelay: opts.maxMs,
        generator: decorrelatedJitterGenerator,
      }),
    },
  );
  let attempt = 0;
  return policy.execute(() => {
    attempt += 1;
    return fn(attempt);
  });
}
