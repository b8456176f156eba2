/**
 * Redaction: the one place that knows what a secret looks like, so that none reaches a log line,
 * an error message, a health answer or a stored failure reason (DESIGN.md §10).
 *
 * - {@link isSecretKeyName}: field names whose values are secrets wherever they appear.
 * - {@link redactText}: secret shapes in free text (PEM keys, JWTs, our API keys, Slack webhooks,
 *   bearer and basic credentials, URL passwords, `password=…` pairs) and any known secret value.
 * - {@link redactErrorText}: the same, plus any long opaque token, for error text that leaves the
 *   process; too eager for logs, where ids and hashes must stay readable.
 * - {@link redactFields}: a structured log payload, by field name and by value.
 *
 * @example
 *   redactText("POST https://hooks.slack.com/services/T/B/X failed"); // "POST [REDACTED] failed"
 *   redactText(`bad key ${routingKey}`, [routingKey]);                // "bad key [REDACTED]"
 */

export const MASK = "[REDACTED]";

const SECRET_NAME = /(secret|passw(or)?d|token|credential|private_?key|api_?key|routing_?key|authorization|cookie|webhook|signature)/i;

/** Whether a field of this name holds a secret (`clientSecret`, `slack_webhook_url`, `apiKeyHash`). */
export function isSecretKeyName(name: string): boolean {
  return SECRET_NAME.test(name);
}

const SHAPES: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, MASK],
  [/\bey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, MASK],
  [/\bcm_[A-Za-z0-9]{6,}_[A-Za-z0-9_-]{16,}/g, MASK],
  [/\bhttps:\/\/hooks\.slack\.com\/[^\s"']+/gi, MASK],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${MASK}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${MASK}@`],
  [
    /\b([\w-]*(?:key|token|secret|password|passwd|pwd|credential|signature|sig|auth)[\w-]*)(["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi,
    `$1$2${MASK}`,
  ],
];

const OPAQUE_TOKEN = /\b[A-Za-z0-9+/_-]{32,}={0,2}/g;

/** Every spelling of a known secret that may show up in text: as is, URL-encoded, a URL's path. */
function spellings(secret: string): string[] {
  const out = [secret, encodeURIComponent(secret)];
  try {
    const u = new URL(secret);
    // HTTP errors sometimes quote only the path of a webhook URL.
    if (u.pathname.length > 8) out.push(u.pathname + u.search);
  } catch {
    // not a URL: a routing key or token, redacted as is
  }
  return out.filter((s) => s.length >= 4);
}

/** Masks secret shapes and the given known secrets in `text`. */
export function redactText(text: string, known: readonly (string | null | undefined)[] = []): string {
  let out = text;
  for (const s of known) {
    if (!s) continue;
    for (const v of spellings(s)) out = out.split(v).join(MASK);
  }
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
  return out;
}

/** {@link redactText}, then any opaque token of 32 or more characters: for error text shown outside. */
export function redactErrorText(text: string, known: readonly (string | null | undefined)[] = []): string {
  return redactText(text, known).replace(OPAQUE_TOKEN, MASK);
}

const MAX_DEPTH = 8;

/** A copy of a log payload with secret fields masked and secret shapes removed from strings. */
export function redactFields(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKeyName(k) ? MASK : redactFields(v, depth + 1);
  return out;
}
