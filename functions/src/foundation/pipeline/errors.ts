/**
 * The one error family of the platform (DESIGN.md §6 step 3, §10). Every failure that should
 * reach a caller is an AppError with a callable code from firebase-functions' table; the error
 * boundary (error-boundary.ts) is the only place that turns it into a callable error body.
 */

/** firebase-functions `FunctionsErrorCode` → canonical status name and HTTP status. */
export const CALLABLE_CODES = {
  "invalid-argument": { status: "INVALID_ARGUMENT", http: 400 },
  "failed-precondition": { status: "FAILED_PRECONDITION", http: 400 },
  "out-of-range": { status: "OUT_OF_RANGE", http: 400 },
  unauthenticated: { status: "UNAUTHENTICATED", http: 401 },
  "permission-denied": { status: "PERMISSION_DENIED", http: 403 },
  "not-found": { status: "NOT_FOUND", http: 404 },
  "already-exists": { status: "ALREADY_EXISTS", http: 409 },
  aborted: { status: "ABORTED", http: 409 },
  "resource-exhausted": { status: "RESOURCE_EXHAUSTED", http: 429 },
  cancelled: { status: "CANCELLED", http: 499 },
  internal: { status: "INTERNAL", http: 500 },
  unimplemented: { status: "UNIMPLEMENTED", http: 501 },
  unavailable: { status: "UNAVAILABLE", http: 503 },
  "deadline-exceeded": { status: "DEADLINE_EXCEEDED", http: 504 },
} as const;

export type CallableCode = keyof typeof CALLABLE_CODES;
export type CallableStatus = (typeof CALLABLE_CODES)[CallableCode]["status"];

export interface AppErrorOptions {
  cause?: unknown;
  /** Whether `message` may be shown to the caller; default true for 4xx codes, false for 5xx. */
  expose?: boolean;
  /** Whether repeating the same request may succeed (event handlers retry on true). */
  retryable?: boolean;
  /** JSON-safe details sent to the caller when exposed (never secrets). */
  details?: unknown;
}

/**
 * An error with a callable code.
 *
 * @example
 *   throw new AppError("not-found", `budget ${id} not found`);
 *   throw new AppError("unavailable", "warehouse busy", { cause: err, retryable: true });
 */
export class AppError extends Error {
  override readonly name: string = "AppError";
  readonly code: CallableCode;
  readonly expose: boolean;
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(code: CallableCode, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.expose = opts.expose ?? CALLABLE_CODES[code].http < 500;
    this.retryable = opts.retryable ?? (code === "unavailable" || code === "deadline-exceeded");
    this.details = opts.details;
  }

  get httpStatus(): number {
    return CALLABLE_CODES[this.code].http;
  }
}

export const invalidArgument = (message: string, details?: unknown) =>
  new AppError("invalid-argument", message, { details });
export const unauthenticated = (message = "authentication required", opts?: AppErrorOptions) =>
  new AppError("unauthenticated", message, opts);
export const permissionDenied = (message = "permission denied", details?: unknown) =>
  new AppError("permission-denied", message, { details });
export const notFound = (message: string) => new AppError("not-found", message);
export const alreadyExists = (message: string) => new AppError("already-exists", message);
export const resourceExhausted = (message: string, retryAfterMs: number) =>
  new AppError("resource-exhausted", message, { details: { retryAfterMs }, retryable: true });
export const failedPrecondition = (message: string, details?: unknown) =>
  new AppError("failed-precondition", message, { details });
export const unavailable = (message: string, cause?: unknown) =>
  new AppError("unavailable", message, { cause, retryable: true });

/** The callable error body of the Firebase protocol: `{error:{status,message,details}}`. */
export interface CallableErrorBody {
  error: { status: CallableStatus; message: string; details?: unknown };
}

export interface MappedError {
  httpStatus: number;
  body: CallableErrorBody;
  code: CallableCode;
  retryable: boolean;
  /** True when the error was not an AppError (a bug or an unexpected dependency failure). */
  unexpected: boolean;
}

/** Duck-typed errors that carry a callable code (e.g. secops' InputError) count as AppErrors. */
function asCoded(err: unknown): { code: CallableCode; message: string; expose: boolean; retryable: boolean; details: unknown } | null {
  if (err instanceof AppError) return err;
  if (err instanceof Error && typeof (err as { code?: unknown }).code === "string") {
    const e = err as Error & { code: string; expose?: unknown; retryable?: unknown; issues?: unknown; details?: unknown };
    if (e.code in CALLABLE_CODES && typeof e.expose === "boolean") {
      return {
        code: e.code as CallableCode,
        message: e.message,
        expose: e.expose,
        retryable: e.retryable === true,
        details: e.details ?? (e.issues === undefined ? undefined : { issues: e.issues }),
      };
    }
  }
  return null;
}

/**
 * Maps any thrown value to the callable error body. Unknown errors become `internal` with a
 * fixed message so that nothing about the failure (paths, SQL, secrets) leaks to the caller.
 */
export function toCallableError(err: unknown): MappedError {
  const coded = asCoded(err);
  if (!coded) {
    return {
      httpStatus: 500,
      body: { error: { status: "INTERNAL", message: "INTERNAL" } },
      code: "internal",
      retryable: false,
      unexpected: true,
    };
  }
  const { status, http } = CALLABLE_CODES[coded.code];
  const message = coded.expose ? coded.message : status;
  const error: CallableErrorBody["error"] = { status, message };
  if (coded.expose && coded.details !== undefined) error.details = coded.details;
  return { httpStatus: http, body: { error }, code: coded.code, retryable: coded.retryable, unexpected: false };
}
