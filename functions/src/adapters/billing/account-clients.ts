import type { ZodType } from "zod";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import type { SecretStore } from "#kernel/ports.js";

/**
 * Reads and validates a tenant's cloud credential secret (`cloud-creds/{tenant}/{provider}`, F6).
 * Errors name the secret and what was wrong, never its value.
 */
export async function readCredentialSecret<T>(secrets: SecretStore, name: string, schema: ZodType<T>, expected: string): Promise<T> {
  const raw = await secrets.get(name);
  if (raw === null) throw new Error(`secret ${name} is missing`);
  return parseCredentialSecret(name, raw, schema, expected);
}

/** Validates the text of secret `name`; `expected` completes "secret <name> …" when it does not fit. */
export function parseCredentialSecret<T>(name: string, raw: string, schema: ZodType<T>, expected: string): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`secret ${name} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`secret ${name} ${expected}`);
  return parsed.data;
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
