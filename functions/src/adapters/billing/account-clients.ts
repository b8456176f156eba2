import type { ZodType } from "zod";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { AppError } from "#kernel/errors.js";
import { redactErrorText, redactText } from "#kernel/redact.js";

/**
 * Where the client factories read an account's cloud credentials from: the parsed JSON object
 * stored at `cloud-creds/{tenant}/{account}`, or null when there is none. The foundation's
 * CredentialStore satisfies it (per-instance cache with a max age, cold-start prefetch).
 *
 * @example
 *   const credentials: CredentialSource = createCredentialStore(secrets, { maxAgeMs: 300_000 });
 *   const factory = costExplorerClientFactory(credentials, { region: "us-east-1" });
 */
export interface CredentialSource {
  get(tenantId: string, accountId: string): Promise<Record<string, string> | null>;
}

/**
 * An account's credential secret is missing, unreadable or of the wrong shape. Not retryable: the
 * secret must change first. The message names the secret, never its content.
 */
export class CredentialSecretError extends AppError {
  override readonly name = "CredentialSecretError";

  constructor(message: string, cause?: unknown) {
    super("failed-precondition", message, { retryable: false, ...(cause === undefined ? {} : { cause }) });
  }
}

/** `cloud-creds/{tenant}/{account}`, the name errors refer to (as given, even when it is not a valid name). */
export function credentialSecretLabel(tenantId: string, accountId: string): string {
  return `cloud-creds/${tenantId}/${accountId}`;
}

/**
 * Reads and validates the credentials of one account; null when it has none. `expected` completes
 * "secret <name> …" when the object does not fit `schema`.
 *
 * @example
 *   const key = await readCredentials(credentials, account, GcpCredentialSecretSchema, "is not a service-account key");
 */
export async function readCredentials<T>(
  source: CredentialSource,
  account: Pick<CloudAccountRef, "tenantId" | "accountId">,
  schema: ZodType<T>,
  expected: string,
): Promise<T | null> {
  const name = credentialSecretLabel(account.tenantId, account.accountId);
  let creds: Record<string, string> | null;
  try {
    creds = await source.get(account.tenantId, account.accountId);
  } catch (err) {
    throw unreadable(name, err);
  }
  if (creds === null) return null;
  const parsed = schema.safeParse(creds);
  if (!parsed.success) throw new CredentialSecretError(`secret ${name} ${expected}`);
  return parsed.data;
}

/**
 * What a failed read means. A non-retryable AppError (a stored value that is not a JSON object of
 * strings, an id that cannot name a secret, a latest version that was disabled) or a TypeError
 * means the secret or the account must change: its reason, which never quotes the value, is kept.
 * Anything else is the secret store itself failing (Secret Manager unavailable), which a later try
 * may pass.
 */
function unreadable(name: string, err: unknown): AppError {
  if ((err instanceof AppError && !err.retryable) || err instanceof TypeError) {
    return new CredentialSecretError(`secret ${name} is unreadable: ${redactText(err.message).slice(0, 300)}`, err);
  }
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new AppError("unavailable", `secret ${name} could not be read: ${redactErrorText(reason).slice(0, 200)}`, {
    cause: err,
    retryable: true,
  });
}

/** As readCredentials, for providers that cannot work without credentials of their own. */
export async function requireCredentials<T>(
  source: CredentialSource,
  account: Pick<CloudAccountRef, "tenantId" | "accountId">,
  schema: ZodType<T>,
  expected: string,
): Promise<T> {
  const creds = await readCredentials(source, account, schema, expected);
  if (creds === null) throw new CredentialSecretError(`secret ${credentialSecretLabel(account.tenantId, account.accountId)} is missing`);
  return creds;
}

/** One client per tenant and account, built on first use and reused (a failed build is retried). */
export function perAccount<T>(build: (account: CloudAccountRef) => Promise<T>): (account: CloudAccountRef) => Promise<T> {
  const cache = new Map<string, T>();
  return async (account) => {
    const key = `${account.tenantId}\u001f${account.accountId}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const client = await build(account);
    cache.set(key, client);
    return client;
  };
}
