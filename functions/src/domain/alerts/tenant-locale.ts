import { z } from "zod";

/** The locale amounts are written in when a tenant sets none. */
export const DEFAULT_LOCALE = "en-US";

/** Longest tag accepted; real ones ("de-DE", "zh-Hant-TW", "sr-Latn-RS") are far shorter. */
const MAX_LOCALE_LENGTH = 35;

function canonicalLocale(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    // A well-formed tag this runtime has no data for would silently format as its default: refused.
    return canonical !== undefined && Intl.NumberFormat.supportedLocalesOf(canonical).length === 1 ? canonical : null;
  } catch {
    return null;
  }
}

/**
 * A tenant's locale: a BCP 47 language tag (RFC 5646) that Intl accepts and has formatting data
 * for, stored in canonical form. It decides symbols, grouping and decimal marks of the amounts in
 * the tenant's alerts and summaries; the currency stays the amount's own.
 *
 * @example
 * LocaleSchema.parse("de-de"); // "de-DE"
 */
export const LocaleSchema = z
  .string()
  .min(2)
  .max(MAX_LOCALE_LENGTH)
  .transform((tag, ctx) => {
    const canonical = canonicalLocale(tag);
    if (canonical === null) {
      ctx.addIssue({ code: "custom", message: "a BCP 47 locale such as en-US or de-DE" });
      return z.NEVER;
    }
    return canonical;
  });

/**
 * The locale of a tenant document (`locale`), en-US when it has none. A stored value that is not
 * a valid locale also reads as en-US: an alert is still sent, in the default format.
 */
export function tenantLocaleOf(tenantDoc: Record<string, unknown> | null | undefined): string {
  const r = LocaleSchema.safeParse(tenantDoc?.locale);
  return r.success ? r.data : DEFAULT_LOCALE;
}
