import { inspect } from "node:util";
import { type Clock, type SecretStore, systemClock } from "#kernel/ports.js";
import { AppError } from "#kernel/errors.js";
import { cloudCredentialSecretName } from "#kernel/secret-names.js";

/**
 * F6 cloud credentials (DESIGN.md §10 "secrets are prefetched at cold start and cached with a max
 * age", after Powertools/middy). Stored as JSON per cloud account at `cloud-creds/{tenant}/{account}`
 * in the SecretStore, so that two accounts of one provider in one tenant never share or overwrite
 * each other's credentials; fetched on first use; cached per instance for `maxAgeMs`.
 *
 * Never returned or logged: only `get` hands values out, and what it hands out, like the store
 * itself, prints as "[REDACTED]" through JSON.stringify, util.inspect and console.log. Property
 * access and spreading still work, so an SDK client can be built from it.
 *
 * @example
 *   const credentials = createCredentialStore(secrets, { maxAgeMs: 300_000 });
 *   await credentials.put("acme", "aws-payer-1", { roleArn: "arn:aws:iam::123456789012:role/reader" });
 *   const creds = await credentials.get("acme", "aws-payer-1"); // from cache until max age
 */
export type Credentials = Record<string, string>;

/** One cloud account whose credentials an instance may prefetch. */
export interface CredentialRef {
  tenantId: string;
  accountId: string;
}

export interface CredentialStore {
  get(tenantId: string, accountId: string): Promise<Credentials | null>;
  put(tenantId: string, accountId: string, creds: Credentials): Promise<void>;
  delete(tenantId: string, accountId: string): Promise<void>;
  /** Best effort warm-up at cold start; failures are left for `get` to surface. */
  prefetch(pairs: readonly CredentialRef[]): Promise<void>;
}

export interface CredentialStoreOptions {
  /** Cache lifetime; default 5 minutes. */
  maxAgeMs?: number;
  clock?: Clock;
}

/**
 * `cloud-creds/{tenant}/{account}`; refuses ids that could escape it (slashes, dots, empty) with
 * `invalid-argument`.
 */
export function credentialSecretName(tenantId: string, accountId: string): string {
  return cloudCredentialSecretName(tenantId, accountId);
}

const REDACTED = "[REDACTED]";

/** Makes an object print as [REDACTED] without changing its enumerable contents. */
function redactOnPrint<T extends object>(target: T, label = REDACTED): T {
  Object.defineProperty(target, "toJSON", { value: () => label, enumerable: false });
  Object.defineProperty(target, inspect.custom, { value: () => label, enumerable: false });
  Object.defineProperty(target, "toString", { value: () => label, enumerable: false });
  return target;
}

function parseCredentials(name: string, raw: string): Credentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Never include `raw` or the parser's message (it quotes the input).
    throw new AppError("failed-precondition", `credentials at ${name} are not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new AppError("failed-precondition", `credentials at ${name} are not a JSON object`);
  }
  const out: Credentials = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== "string") throw new AppError("failed-precondition", `credentials at ${name}: field "${k}" is not a string`);
    out[k] = v;
  }
  return out;
}

function checkCredentials(creds: Credentials): void {
  if (typeof creds !== "object" || creds === null || Array.isArray(creds) || Object.keys(creds).length === 0) {
    throw new TypeError("credentials must be a non-empty object of strings");
  }
  for (const [k, v] of Object.entries(creds)) {
    if (typeof v !== "string") throw new TypeError(`credentials field "${k}" must be a string`);
  }
}

interface CacheEntry {
  value: Credentials;
  fetchedAtMs: number;
}

export function createCredentialStore(secrets: SecretStore, opts: CredentialStoreOptions = {}): CredentialStore {
  const clock = opts.clock ?? systemClock;
  const maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
  if (!(maxAgeMs >= 0)) throw new RangeError("maxAgeMs must be >= 0");
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<Credentials | null>>();

  /** A fresh copy per call, so a caller mutating it cannot poison the cache. */
  const handOut = (value: Credentials): Credentials => redactOnPrint({ ...value });

  async function fetch(name: string): Promise<Credentials | null> {
    const raw = await secrets.get(name);
    if (raw === null) {
      cache.delete(name);
      return null;
    }
    const value = parseCredentials(name, raw);
    cache.set(name, { value, fetchedAtMs: clock.now().getTime() });
    return value;
  }

  const store: CredentialStore = {
    async get(tenantId, accountId) {
      const name = credentialSecretName(tenantId, accountId);
      const hit = cache.get(name);
      if (hit && clock.now().getTime() - hit.fetchedAtMs < maxAgeMs) return handOut(hit.value);
      // Concurrent first uses share one fetch.
      let pending = inFlight.get(name);
      if (!pending) {
        pending = fetch(name).finally(() => inFlight.delete(name));
        inFlight.set(name, pending);
      }
      const value = await pending;
      return value ? handOut(value) : null;
    },
    async put(tenantId, accountId, creds) {
      const name = credentialSecretName(tenantId, accountId);
      checkCredentials(creds);
      const value = { ...creds };
      await secrets.put(name, JSON.stringify(value));
      cache.set(name, { value, fetchedAtMs: clock.now().getTime() });
    },
    async delete(tenantId, accountId) {
      const name = credentialSecretName(tenantId, accountId);
      cache.delete(name);
      await secrets.delete(name);
    },
    async prefetch(pairs) {
      await Promise.allSettled(pairs.map((p) => store.get(p.tenantId, p.accountId)));
    },
  };
  return redactOnPrint(store, "[CredentialStore]");
}
