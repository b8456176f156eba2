/**
 * Removes secret-looking material from error text before it leaves the process (health output,
 * logs): bearer tokens, URL credentials and query secrets, key=value secrets, JWTs and long opaque
 * tokens.
 */
const RULES: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [REDACTED]"],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, "$1[REDACTED]@"],
  [
    /\b([\w-]*(?:key|token|secret|password|passwd|pwd|credential|signature|sig|auth)[\w-]*)(["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi,
    "$1$2[REDACTED]",
  ],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[REDACTED_JWT]"],
  [/\bhttps:\/\/hooks\.slack\.com\/services\/[^\s"']+/gi, "https://hooks.slack.com/services/[REDACTED]"],
  [/\b[A-Za-z0-9+/_-]{32,}={0,2}/g, "[REDACTED]"],
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
