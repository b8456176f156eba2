/**
 * Masks secret-like fields before anything is logged (DESIGN.md §10: never log secrets).
 * Keys are matched by name; values that look like bearer tokens, PEM keys or API keys are
 * masked wherever they appear, so a secret passed under an innocent name is still hidden.
 */
const SECRET_KEY = /(secret|password|passwd|token|credential|private_?key|api_?key|authorization|cookie|webhook|routing_?key|signature)/i;
const SECRET_VALUE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /\bcm_[A-Za-z0-9]{6,}_[A-Za-z0-9_-]{16,}/g,
  /\bhttps:\/\/hooks\.slack\.com\/[^\s"']+/g,
];
const MASK = "[REDACTED]";
const MAX_DEPTH = 8;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? MASK : redact(v, depth + 1);
  return out;
}

export function redactText(text: string): string {
  let t = text;
  for (const re of SECRET_VALUE) t = t.replace(re, MASK);
  return t;
}
