import { AppError } from "#kernel/errors.js";
import { backoffRetry } from "#kernel/retry.js";

/** A provider answer that is not the documented shape (truncated or malformed body). */
export class UnreadableBodyError extends AppError {
  override readonly name = "UnreadableBodyError";
  constructor(message: string) {
    super("unavailable", message, { retryable: true });
  }
}

/** Body parse failures: SyntaxError (AWS SDK), PARSE_ERROR (Azure core-client), our own shape checks. */
export function isUnreadableBody(err: unknown): boolean {
  return err instanceof SyntaxError || err instanceof UnreadableBodyError || (err as { code?: unknown })?.code === "PARSE_ERROR";
}

/**
 * Retries one provider read whose body did not parse. The SDKs deserialize outside their retry
 * loops (a truncated 200 is never retried by them), so without this a single bad body would cost
 * the whole window. Only idempotent reads go through it.
 */
export function readRetryPolicy(retries = 3, initialDelayMs = 50) {
  return backoffRetry({ attempts: retries + 1, baseMs: initialDelayMs, maxMs: 2_000, retryOn: isUnreadableBody });
}
