import { AppError } from "#kernel/errors.js";

/**
 * BigQuery failures as AppErrors, so that the event pipeline can decide retry or dead-letter.
 * HTTP-level throttling and 5xx are retried by the client first (@google-cloud/common); what
 * reaches this mapping has used that budget. A *job* that ran and failed for a transient reason
 * (backendError, a rate limit on DML jobs, "Could not serialize access ... concurrent update"
 * when two MERGEs touch one partition) is a {@link TransientJobFailure}: the statement is run
 * again as a new job, which is safe because every statement the warehouse runs is idempotent.
 *
 * Messages name the operation and BigQuery's reason, never parameters: values are tenant data.
 *
 * @example
 *   try { await job.getMetadata(); } catch (err) { throw fromApiError(err, "merge"); }
 */

/** A job that failed for a reason that may not recur; the statement may be re-run. */
export class TransientJobFailure extends AppError {
  override readonly name = "TransientJobFailure";
  readonly reason: string;

  constructor(what: string, reason: string, cause?: unknown) {
    super("unavailable", `BigQuery ${what} job failed (${reason}); retrying may succeed`, { cause, retryable: true });
    this.reason = reason;
  }
}

/** Job error reasons that describe a passing condition (BigQuery's error-message table). */
const TRANSIENT_JOB_REASONS = new Set(["backendError", "internalError", "rateLimitExceeded", "jobRateLimitExceeded", "jobBackendError", "jobInternalError"]);

/** Two DML jobs that touched the same partitions: the later one fails and may simply run again. */
const CONCURRENT_UPDATE = /could not serialize access .* due to concurrent update/i;

interface ErrorProto {
  reason?: string | null;
  message?: string | null;
}

function firstReason(errors: readonly ErrorProto[] | undefined): string {
  return errors?.find((e) => e.reason)?.reason ?? "unknown";
}

/** The error of a finished job (`status.errorResult`), as an AppError. */
export function fromJobError(what: string, errorResult: ErrorProto, errors?: readonly ErrorProto[], cause: unknown = errorResult): AppError {
  const reason = errorResult.reason ?? firstReason(errors);
  const messages = [errorResult, ...(errors ?? [])].map((e) => e.message ?? "");
  if (TRANSIENT_JOB_REASONS.has(reason) || messages.some((m) => CONCURRENT_UPDATE.test(m))) {
    return new TransientJobFailure(what, reason, cause);
  }
  if (reason === "quotaExceeded") {
    return new AppError("resource-exhausted", `BigQuery ${what} job exceeded a quota`, { cause, retryable: true, expose: false });
  }
  // invalid, invalidQuery, resourcesExceeded, stopped, ...: running the same job again fails again.
  return new AppError("internal", `BigQuery ${what} job failed (${reason})`, { cause, retryable: false });
}

interface ApiErrorLike {
  code?: number | string;
  errors?: ErrorProto[];
}

function isApiErrorLike(err: unknown): err is ApiErrorLike & Error {
  return err instanceof Error && ("code" in err || "errors" in err);
}

/** HTTP status of a client error, when it has one. */
export function httpStatusOf(err: unknown): number | undefined {
  return isApiErrorLike(err) && typeof err.code === "number" ? err.code : undefined;
}

/** A failed API call (after the client's own retries) as an AppError. */
export function fromApiError(what: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const status = httpStatusOf(err);
  const reason = isApiErrorLike(err) ? firstReason(err.errors) : "unknown";
  const label = `BigQuery ${what} failed (${status ?? "no status"} ${reason})`;
  if (status === undefined && isApiErrorLike(err) && err.errors?.length) {
    // The insert answered with a job that already failed: judge it like any finished job.
    return fromJobError(what, err.errors[0] ?? {}, err.errors, err);
  }
  if (status === 404) return new AppError("failed-precondition", `${label}: create the datasets and tables first`, { cause: err, expose: false });
  if (status === 401 || status === 403) {
    if (reason === "rateLimitExceeded" || reason === "quotaExceeded") {
      return new AppError("resource-exhausted", label, { cause: err, retryable: true, expose: false });
    }
    return new AppError("failed-precondition", `${label}: check the service account's BigQuery roles`, { cause: err, expose: false });
  }
  if (status === 400) return new AppError("internal", label, { cause: err, retryable: false });
  // 408, 429, 5xx and errors without a status (connection reset, DNS): the service was not reachable.
  return new AppError("unavailable", label, { cause: err, retryable: true });
}
