import { isSecretKeyName } from "#kernel/redact.js";

/**
 * Masks secret-like values before config is logged or shown (DESIGN.md §10, after
 * firebase/extensions). A key is secret-like by the kernel's rule (kernel/redact.ts); its value
 * becomes "****", but an empty value stays empty so that "not set" remains visible. Walks nested
 * objects and arrays; returns a copy.
 */

/** Keys that contain a secret-like word but hold no secret (an API key's public prefix). */
const NOT_SECRET = new Set(["api_key_prefix"]);

export const MASK = "****";

export function isSecretKey(key: string): boolean {
  return isSecretKeyName(key) && !NOT_SECRET.has(key);
}

export function maskSecrets<T>(value: T): T {
  return mask(value, new WeakSet()) as T;
}

function mask(value: unknown, seen: WeakSet<object>): unknown {
  if (Array.isArray(value)) {
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    return value.map((v) => mask(v, seen));
  }
  if (value !== null && typeof value === "object") {
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (isSecretKey(k) && v !== "" && v !== null && v !== undefined) {
        out[k] = typeof v === "object" ? maskAll(v) : MASK;
      } else {
        out[k] = mask(v, seen);
      }
    }
    return out;
  }
  return value;
}

/** Under a secret key, every leaf is secret (e.g. `credentials: {user, pass}`). */
function maskAll(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskAll);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAll(v)]));
  }
  return MASK;
}
