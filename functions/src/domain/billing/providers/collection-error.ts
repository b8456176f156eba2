import type { z } from "zod";
import type { DayWindow } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";
import { redactText } from "#kernel/redact.js";
import type { CloudAccountRef } from "../ports.js";

/**
 * A collection that could not finish: the retry budget is spent or the provider answered with
 * something we cannot read. Never returned with partial data: the caller gets this or everything.
 */
export class CollectionError extends AppError {
  override readonly name = "CollectionError";
  readonly tenantId: string;
  readonly accountId: string;
  readonly provider: string;
  readonly window: DayWindow;

  constructor(
    account: Pick<CloudAccountRef, "tenantId" | "accountId" | "provider">,
    window: DayWindow,
    reason: string,
    opts: { cause?: unknown; retryable: boolean },
  ) {
    // Retryable: throttling, 5xx, timeouts, a later attempt may succeed. Otherwise the account's
    // scope, credentials or data must change first.
    super(
      opts.retryable ? "unavailable" : "failed-precondition",
      `${account.provider} collection failed for tenant ${account.tenantId}, account ${account.accountId}, window ${window.start}..${window.end}: ${reason}`,
      { cause: opts.cause, retryable: opts.retryable },
    );
    this.tenantId = account.tenantId;
    this.accountId = account.accountId;
    this.provider = account.provider;
    this.window = { ...window };
  }
}

/**
 * The account's scope as its source reads it. A scope that does not fit is not retryable: the
 * account must be fixed first. `namePath` puts the offending field in the message.
 *
 * @example
 *   const scope = accountScope(AwsScopeSchema, account, window, "AWS"); // throws "invalid AWS scope: …"
 */
export function accountScope<T>(schema: z.ZodType<T>, account: CloudAccountRef, window: DayWindow, what: string, opts: { namePath?: boolean } = {}): T {
  const parsed = schema.safeParse(account.scope);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = opts.namePath ? ` at ${issue?.path.join(".") ?? "?"}` : "";
  throw new CollectionError(account, window, `invalid ${what} scope${where}: ${issue?.message ?? "invalid"}`, { retryable: false });
}

/**
 * The account's SDK client. Failing to build one is not retryable when the credentials are missing
 * or invalid; it is when the failure says so itself (the secret store was unreachable).
 */
export async function clientForAccount<T>(
  clientFor: (account: CloudAccountRef) => Promise<T>,
  account: CloudAccountRef,
  window: DayWindow,
  what: string,
): Promise<T> {
  try {
    return await clientFor(account);
  } catch (err) {
    throw new CollectionError(account, window, `no ${what} client: ${describeError(err)}`, { cause: err, retryable: err instanceof AppError && err.retryable });
  }
}

/** Short description of an SDK error for CollectionError messages, with secret shapes masked. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode;
    return `${err.name}${code !== undefined ? ` (${String(code)})` : ""}: ${redactText(err.message).slice(0, 300)}`;
  }
  return redactText(String(err)).slice(0, 300);
}
