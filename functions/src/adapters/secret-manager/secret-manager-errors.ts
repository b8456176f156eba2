import { AppError, type CallableCode } from "#kernel/errors.js";
import { redactText } from "#kernel/redact.js";

/**
 * Secret Manager failures as AppErrors. The client fails in two shapes, depending on transport:
 * - gRPC: a GoogleError whose `code` is the canonical status number (5 NOT_FOUND, 7 PERMISSION_DENIED);
 * - REST (`fallback: true`): a GaxiosError whose `code` and `status` are the HTTP status (404, 403)
 *   and whose message is the JSON error body, `{"error": {"code", "message", "status"}}`, which
 *   names the canonical status ("FAILED_PRECONDITION" for a 400 on a disabled version).
 * Both are read into one canonical status first (the body's name where there is one, else the HTTP
 * status as google.rpc.Code documents it), then mapped to a callable code and `retryable`.
 *
 * The original error is not kept as the cause: a GaxiosError carries its request, and the request
 * of `addVersion` carries the secret. The cause is a new Error with the status and the service's
 * own message, which names resources and never payloads.
 */

/** google.rpc.Code, indexed by number. */
const CANONICAL = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

export type CanonicalStatus = (typeof CANONICAL)[number];

const isCanonical = (s: unknown): s is CanonicalStatus => typeof s === "string" && (CANONICAL as readonly string[]).includes(s);

/** HTTP status → canonical status, from google.rpc.Code's documented HTTP mapping. */
function fromHttp(http: number): CanonicalStatus {
  const exact: Record<number, CanonicalStatus> = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
  };
  return exact[http] ?? (http >= 500 ? "UNAVAILABLE" : "FAILED_PRECONDITION");
}

/** Connection-level failures, before any status: worth another try. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "ECONNABORTED", "UND_ERR_SOCKET"]);

export interface RpcFailure {
  status: CanonicalStatus;
  /** The HTTP status, over REST. */
  http?: number;
  /** The service's own message (resource names, never payloads). */
  message: string;
}

/** The body of a REST error, when the message is one. */
function restBody(message: string): { status?: unknown; message?: unknown } | null {
  try {
    const parsed = JSON.parse(message) as { error?: { status?: unknown; message?: unknown } };
    return parsed && typeof parsed === "object" && parsed.error && typeof parsed.error === "object" ? parsed.error : null;
  } catch {
    return null;
  }
}

const asInt = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;

/** The canonical status of a client failure, or null when it is not one (a bug, a bad argument). */
export function rpcFailureOf(err: unknown): RpcFailure | null {
  if (typeof err !== "object" || err === null) return null;
  const e = err as { code?: unknown; status?: unknown; name?: unknown; message?: unknown; response?: { status?: unknown } };
  const message = typeof e.message === "string" ? e.message : "";
  const code = asInt(e.code);
  if (code !== undefined && code >= 0 && code < CANONICAL.length) {
    return { status: CANONICAL[code] as CanonicalStatus, message };
  }
  const http = code !== undefined && code >= 100 ? code : (asInt(e.status) ?? asInt(e.response?.status));
  if (http !== undefined && http >= 100) {
    const body = restBody(message);
    const status = isCanonical(body?.status) ? body.status : fromHttp(http);
    return { status, http, message: typeof body?.message === "string" ? body.message : message };
  }
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return { status: "UNAVAILABLE", message };
  if (e.name === "AbortError" || e.name === "TimeoutError") return { status: "DEADLINE_EXCEEDED", message };
  return null;
}

/** Canonical status → callable code and whether the same request may succeed later. */
const TO_APP: Record<CanonicalStatus, { code: CallableCode; retryable: boolean }> = {
  OK: { code: "internal", retryable: false },
  CANCELLED: { code: "cancelled", retryable: true },
  UNKNOWN: { code: "internal", retryable: true },
  INVALID_ARGUMENT: { code: "invalid-argument", retryable: false },
  DEADLINE_EXCEEDED: { code: "deadline-exceeded", retryable: true },
  NOT_FOUND: { code: "not-found", retryable: false },
  ALREADY_EXISTS: { code: "already-exists", retryable: false },
  PERMISSION_DENIED: { code: "permission-denied", retryable: false },
  RESOURCE_EXHAUSTED: { code: "resource-exhausted", retryable: true },
  FAILED_PRECONDITION: { code: "failed-precondition", retryable: false },
  ABORTED: { code: "aborted", retryable: true },
  OUT_OF_RANGE: { code: "out-of-range", retryable: false },
  UNIMPLEMENTED: { code: "unimplemented", retryable: false },
  INTERNAL: { code: "internal", retryable: true },
  UNAVAILABLE: { code: "unavailable", retryable: true },
  DATA_LOSS: { code: "internal", retryable: false },
  // The platform's own identity was refused: no caller can fix that by signing in again.
  UNAUTHENTICATED: { code: "internal", retryable: false },
};

/** An AppError carrying the canonical status, for callers that decide on it (NOT_FOUND → null). */
export class SecretManagerError extends AppError {
  override readonly name = "SecretManagerError";
  /** The service's own words, redacted ("Secret Version [...] is in DISABLED state."): for logs, not callers. */
  readonly serviceMessage: string;

  constructor(
    readonly status: CanonicalStatus | "CLIENT",
    code: CallableCode,
    message: string,
    opts: { retryable: boolean; cause: Error; serviceMessage: string },
  ) {
    super(code, message, { retryable: opts.retryable, cause: opts.cause });
    this.serviceMessage = opts.serviceMessage;
  }
}

/**
 * The AppError for a failed call: "Secret Manager could not <action> secret <name>: <STATUS>".
 * `name` is the platform's secret name, never the resource path (which holds the project id).
 *
 * @example
 *   throw toSecretManagerError(err, "read", "cloud-creds/t1/a1"); // permission-denied, not retryable, for a 403
 */
export function toSecretManagerError(err: unknown, action: string, name: string): SecretManagerError {
  const failure = rpcFailureOf(err);
  if (!failure) {
    const what = err instanceof Error ? err.name : typeof err;
    const serviceMessage = redactText(err instanceof Error ? err.message : String(err)).slice(0, 300);
    const cause = new Error(`${what}: ${serviceMessage}`);
    return new SecretManagerError("CLIENT", "internal", `Secret Manager client failed to ${action} secret ${name} (${what})`, { retryable: false, cause, serviceMessage });
  }
  const { code, retryable } = TO_APP[failure.status];
  const http = failure.http === undefined ? "" : ` (HTTP ${failure.http})`;
  const serviceMessage = redactText(failure.message).slice(0, 300);
  const cause = new Error(`${failure.status}${http}: ${serviceMessage}`);
  cause.name = "SecretManagerStatus";
  return new SecretManagerError(failure.status, code, `Secret Manager could not ${action} secret ${name}: ${failure.status}${http}`, { retryable, cause, serviceMessage });
}
