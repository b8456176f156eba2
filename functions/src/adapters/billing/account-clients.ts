import type { ZodType } from "zod";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { AppError } from "#kernel/errors.js";
import { redactErrorText } from "#kernel/redact.js";

/**
 * Where the client factories read a tenant's cloud credentials from: the parsed JSON object
 * stored at `cloud-creds/{tenant}/{provider}`, or null when there is none. The foundation's
 * CredentialStore satisfies it (per-instance cache with a max age, cold-start prefetch).
 *
 * @example
 *   const credentials: CredentialSource = createCredentialStore(secrets, { maxAgeMs: 300_000 });
 *   const factory = costExplorerClientFactory(credentials, { region: "us-east-1" });
 */
export interface CredentialSource {
  get(tenantId: string, provider: string): Promise<Record<string, string> | null>;
}

/**
 * A tenant's credential secret is missing, unreadable or of the wrong shape. Not retryable: the
 * secret must change first. The message names the secret, never its content.
 */
export class CredentialSecretError extends AppError {
  override readonly name = "CredentialSecretError";

  constructor(message: string, cause?: unknown) {
    super("failed-precondition", message, { retryable: false, ...(cause === undefined ? {} : { cause }) });
  }
}

/** `cloud-creds/{tenant}/{provider}`, the name errors refer to. */
export function credentialSecretLabel(tenantId: string, provider: string): string {
  return `cloud-creds/${tenantId}/${provider}`;
}

/**
 * Reads and validates a tenant's credentials for `provider`; null when the tenant has none.
 * `expected` completes "secret <name> …" when the object does not fit `schema`.
 *
 * @example
 *   const key = await readCredentials(credentials, "t1", "gcp", GcpCredentialSecretSchema, "is not a service-account key");
 */
export async function readCredentials<T>(
  source: CredentialSource,
  tenantId: string,
  provider: string,
  schema: ZodType<T>,
  expected: string,
): Promise<T | null> {
  const name = credentialSecretLabel(tenantId, provider);
  let creds: Record<string, string> | null;
  try {
    creds = await source.get(tenantId, provider);
  } catch (err) {
    throw unreadable(name, err);
  }
  if (creds === null) return null;
  const parsed = schema.safeParse(creds);
  if (!parsed.success) throw new CredentialSecretError(`secret ${name} ${expected}`);
  return parsed.data;
}

/**
 * What a failed read means. The credential store refuses a secret it cannot parse with a
 * non-retryable AppError and a name it refuses with a TypeError: the secret must change. Anything
 * else is the secret store itself failing (Secret Manager unavailable), which a later try may pass.
 */
function unreadable(name: string, err: unknown): AppError {
  if (err instanceof AppError && !err.retryable) {
    return new CredentialSecretError(`secret ${name} is unreadable (not JSON, or not an object of strings)`, err);
  }
  if (err instanceof TypeError) return new CredentialSecretError(`secret ${name} cannot be read: ${err.message}`, err);
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new AppError("unavailable", `secret ${name} could not be read: ${redactErrorText(reason).slice(0, 200)}`, {
    cause: err,
    retryable: true,
  });
}

/** As readCredentials, for providers that cannot work without a tenant secret. */
export async function requireCredentials<T>(
  source: CredentialSource,
  tenantId: string,
  provider: string,
  schema: ZodType<T>,
  expected: string,
): Promise<T> {
  const creds = await readCredentials(source, tenantId, provider, schema, expected);
  if (creds === null) throw new CredentialSecretError(`secret ${credentialSecretLabel(tenantId, provider)} is missing`);
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
