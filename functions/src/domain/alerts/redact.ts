/**
 * Last line of defence for "never log a secret": every reason an adapter returns passes through
 * here before it is logged or stored. A webhook URL is also redacted by its path alone, since
 * HTTP errors sometimes quote only the path.
 */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    const variants = [s, encodeURIComponent(s)];
    try {
      const u = new URL(s);
      if (u.pathname.length > 8) variants.push(u.pathname + u.search);
    } catch {
      // not a URL: a routing key or token, redacted as is
    }
    for (const v of variants) if (v.length >= 4) out = out.split(v).join("[redacted]");
  }
  return out;
}
