/**
 * The one error family of the platform (DESIGN.md §6 step 3, §10). Every failure that should
 * reach a caller, or decide whether a message is retried, is an AppError with a callable code
 * from firebase-functions' table; the pipeline's error boundary is the only place that turns it
 * into a callable error body or a retry decision. Subclasses add what their callers need
 * (`InputError` lists the issues); anything else thrown is a bug and maps to `internal`.
 *
 * Shaped after Powertools' idempotency errors: one base class, `cause` kept for the logs,
 * `expose` deciding what a caller may read and `retryable` what a queue should do.
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

/** A readable validation problem: `path` is dotted ("budgets.0.amount"), "" for the root. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * Input that fails validation or the injection checks: `invalid-argument`, with every issue in
 * the details a caller receives.
 *
 * @example
 *   throw new InputError("invalid input: amount: too large", [{ path: "amount", message: "too large" }]);
 */
export class InputError extends AppError {
  override readonly name = "InputError";
  readonly issues: InputIssue[];

  constructor(message: string, issues: InputIssue[], options?: { cause?: unknown }) {
    super("invalid-argument", message, { details: { issues }, ...(options?.cause === undefined ? {} : { cause: options.cause }) });
    this.issues = issues;
  }
}

export const invalidArgument = (message: string, details?: unknown) => new AppError("invalid-argument", message, { details });
export const unauthenticated = (message = "authentication required", opts?: AppErrorOptions) =>
  new AppError("unauthenticated", message, opts);
export const permissionDenied = (message = "permission denied", details?: unknown) =>
  new AppError("permission-denied", message, { details });
/** `notFound("budget b1")` → "budget b1 not found". */
export const notFound = (what: string) => new AppError("not-found", `${what} not found`);
export const alreadyExists = (message: string) => new AppError("already-exists", message);
export const resourceExhausted = (message: string, retryAfterMs: number) =>
  new AppError("resource-exhausted", message, { details: { retryAfterMs }, retryable: true });
export const failedPrecondition = (message: string, details?: unknown) => new AppError("failed-precondition", message, { details });
export const unavailable = (message: string, cause?: unknown) => new AppError("unavailable", message, { cause, retryable: true });
