import { TaskCancelledError, TimeoutStrategy, timeout, wrap } from "cockatiel";
import { AppError } from "#kernel/errors.js";
import { backoffRetry } from "#kernel/retry.js";
import { fromApiError, httpStatusOf } from "./bigquery-errors.js";

export interface CallSettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  callTimeoutMs: number;
}

export interface CallOptions<T> {
  /** Also retry 408, 429, 5xx and connection errors (for calls the client sends only once). */
  retryTransient?: boolean;
  /** For a call that creates a job under a chosen id: a 409 means an earlier attempt got through; return that job. */
  adopt?: () => T;
}

/**
 * One BigQuery HTTP call under a timeout: the client's own `timeout` never reaches node-fetch, so
 * a hung connection would wait forever. A timed-out call is tried again with backoff (every call
 * the adapters make is a read, or creates a job under a chosen id, or inserts rows under insert
 * ids, so a repeat changes nothing); what still fails becomes an AppError.
 *
 * @example
 *   const [meta] = await bigQueryCall(settings, "merge jobs.get", () => job.getMetadata());
 */
export async function bigQueryCall<T>(s: CallSettings, what: string, fn: () => Promise<T>, opts: CallOptions<T> = {}): Promise<T> {
  const transient = (e: unknown) => {
    const status = httpStatusOf(e);
    return status === undefined || status === 408 || status === 429 || status >= 500;
  };
  const policy = wrap(
    backoffRetry({
      attempts: s.maxAttempts,
      baseMs: s.baseDelayMs,
      maxMs: s.maxDelayMs,
      retryOn: (e) => e instanceof TaskCancelledError || (opts.retryTransient === true && !(e instanceof AppError) && transient(e)),
    }),
    timeout(s.callTimeoutMs, TimeoutStrategy.Aggressive),
  );
  try {
    return await policy.execute(fn);
  } catch (err) {
    if (opts.adopt && httpStatusOf(err) === 409) return opts.adopt();
    if (err instanceof TaskCancelledError) {
      throw new AppError("deadline-exceeded", `BigQuery ${what} timed out ${s.maxAttempts} times`, { cause: err, retryable: true });
    }
    throw fromApiError(what, err);
  }
}
