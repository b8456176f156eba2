import { AppError, CALLABLE_CODES, type CallableCode, type CallableStatus } from "#kernel/errors.js";

/**
 * The one mapping from a thrown value to the Firebase callable protocol's error body (DESIGN.md
 * §6 step 3). Only an AppError says anything to a caller; anything else is a bug or an unexpected
 * dependency failure and becomes `internal` with a fixed message, so nothing about it (paths,
 * SQL, secrets) leaks.
 */

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

export function toCallableError(err: unknown): MappedError {
  if (!(err instanceof AppError)) {
    return {
      httpStatus: 500,
      body: { error: { status: "INTERNAL", message: "INTERNAL" } },
      code: "internal",
      retryable: false,
      unexpected: true,
    };
  }
  const { status, http } = CALLABLE_CODES[err.code];
  const message = err.expose ? err.message : status;
  const error: CallableErrorBody["error"] = { status, message };
  if (err.expose && err.details !== undefined) error.details = err.details;
  return { httpStatus: http, body: { error }, code: err.code, retryable: err.retryable, unexpected: false };
}
