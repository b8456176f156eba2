/**
 * Errors the API services throw. They carry a firebase-functions callable code and `expose`, which
 * is all the pipeline's error boundary needs, so domain code does not import the foundation.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly expose = true;
  readonly retryable = false;
  constructor(
    readonly code: "not-found" | "failed-precondition" | "invalid-argument" | "already-exists",
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError("not-found", `${what} not found`);
