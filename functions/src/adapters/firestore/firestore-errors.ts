import { AppError, type CallableCode } from "#kernel/errors.js";

/**
 * Firestore failures as AppErrors. The client reports gRPC status codes (numbers 0–16) over gRPC
 * and, through google-gax's REST fallback, HTTP statuses; a dropped connection may surface as a
 * Node network error code. Each maps to the callable code a caller can act on, and `retryable`
 * follows Firestore's own advice ("Error codes" in its docs): ABORTED, DEADLINE_EXCEEDED,
 * INTERNAL, RESOURCE_EXHAUSTED and UNAVAILABLE are worth another attempt with backoff;
 * INVALID_ARGUMENT and FAILED_PRECONDITION (a query without its composite index) never are.
 *
 * The message names the operation and the status only: Firestore's own text (which may quote
 * document names or an index-creation link) stays in `cause`, for the logs.
 */

interface Mapping {
  status: string;
  code: CallableCode;
  retryable: boolean;
}

/** gRPC status → mapping. PERMISSION_DENIED and UNAUTHENTICATED are the service account's problem, not the caller's. */
const GRPC: Record<number, Mapping> = {
  1: { status: "CANCELLED", code: "cancelled", retryable: true },
  2: { status: "UNKNOWN", code: "internal", retryable: false },
  3: { status: "INVALID_ARGUMENT", code: "invalid-argument", retryable: false },
  4: { status: "DEADLINE_EXCEEDED", code: "deadline-exceeded", retryable: true },
  5: { status: "NOT_FOUND", code: "not-found", retryable: false },
  6: { status: "ALREADY_EXISTS", code: "already-exists", retryable: false },
  7: { status: "PERMISSION_DENIED", code: "internal", retryable: false },
  8: { status: "RESOURCE_EXHAUSTED", code: "resource-exhausted", retryable: true },
  9: { status: "FAILED_PRECONDITION", code: "failed-precondition", retryable: false },
  10: { status: "ABORTED", code: "aborted", retryable: true },
  11: { status: "OUT_OF_RANGE", code: "out-of-range", retryable: false },
  12: { status: "UNIMPLEMENTED", code: "unimplemented", retryable: false },
  13: { status: "INTERNAL", code: "internal", retryable: true },
  14: { status: "UNAVAILABLE", code: "unavailable", retryable: true },
  15: { status: "DATA_LOSS", code: "internal", retryable: false },
  16: { status: "UNAUTHENTICATED", code: "internal", retryable: false },
};

/** HTTP status (REST fallback) → the gRPC status Google's APIs pair it with. */
const HTTP_TO_GRPC: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 10, 412: 9, 429: 8, 499: 1, 500: 13, 501: 12, 503: 14, 504: 4 };

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "ECONNABORTED"]);

const BY_NAME = new Map(Object.entries(GRPC).map(([n, m]) => [m.status, Number(n)]));

/** A canonical status name a REST reply carries (`error.status`), which tells 409 ALREADY_EXISTS from 409 ABORTED. */
function restStatusName(err: unknown): string | undefined {
  const e = err as { response?: { data?: { error?: { status?: unknown } } } } | null;
  const name = e?.response?.data?.error?.status;
  return typeof name === "string" ? name : undefined;
}

/** The gRPC status number of a Firestore failure, or undefined when it is not one. */
export function grpcStatusOf(err: unknown): number | undefined {
  const named = BY_NAME.get(restStatusName(err) ?? "");
  if (named !== undefined) return named;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "number") {
    if (Number.isInteger(code) && code >= 0 && code <= 16) return code;
    return HTTP_TO_GRPC[code] ?? (code >= 500 ? 13 : undefined);
  }
  if (typeof code === "string" && NETWORK_CODES.has(code)) return 14;
  return undefined;
}

/**
 * The AppError for a failure of `op`; an AppError passes through unchanged. Anything that is not
 * a Firestore status (a client-side check of the SDK, a bug) becomes a non-retryable `internal`.
 *
 * @example
 *   try { await ref.get(); } catch (err) { throw toAppError(err, "get"); }
 */
export function toAppError(err: unknown, op: string): AppError {
  if (err instanceof AppError) return err;
  const status = grpcStatusOf(err);
  const m = status === undefined ? undefined : GRPC[status];
  if (!m) return new AppError("internal", `Firestore ${op} failed`, { cause: err, retryable: false });
  return new AppError(m.code, `Firestore ${op} failed (${m.status})`, { cause: err, retryable: m.retryable });
}

/** A caller's mistake found before anything reached Firestore (bad path, query, cursor or value). */
export function invalid(message: string, cause?: unknown): AppError {
  return new AppError("invalid-argument", message, { retryable: false, ...(cause === undefined ? {} : { cause }) });
}

/** Runs a synchronous check whose helpers throw TypeError, turning it into `invalid-argument`. */
export function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid(err instanceof Error ? err.message : String(err), err);
  }
}
