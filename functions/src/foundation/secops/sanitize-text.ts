import { filterXSS } from "xss";
import { InputError } from "#kernel/errors.js";

/**
 * Makes user text safe to store and later render as HTML: no tags are allowed, script and style
 * bodies are removed, other tags are stripped, and `<`/`>` left over are escaped (the `xss` package).
 * A module of its own so that only the functions that store user text load `xss` at cold start.
 */
export function sanitizeText(text: string): string {
  // A "<" that cannot open a tag ("a < b") is escaped first, else the parser would treat
  // "< b and c >" as a tag and drop ordinary words.
  const escapedLoneLt = text.replace(/<(?![A-Za-z/!?])/g, "&lt;");
  return filterXSS(escapedLoneLt, {
    whiteList: {},
    stripIgnoreTag: true,
    stripIgnoreTagBody: ["script", "style"],
  });
}

/**
 * {@link sanitizeText} for a field whose schema bounds its length: the sanitized text must still
 * fit those bounds, since it is what gets stored and later read back through the same schema.
 * Markup only ("<b></b>") leaves nothing; escaping ("<" → "&lt;") can make text longer.
 *
 * @example
 *   sanitizeBounded("name", input.name, { min: 1, max: 200 });
 */
export function sanitizeBounded(path: string, text: string, bounds: { min: number; max: number }): string {
  const clean = sanitizeText(text);
  if (clean.length < bounds.min) throw new InputError(`invalid input: ${path}: no text left once markup is removed`, [{ path, message: "no text left once markup is removed" }]);
  if (clean.length > bounds.max) throw new InputError(`invalid input: ${path}: longer than ${bounds.max} characters once markup is escaped`, [{ path, message: `longer than ${bounds.max} characters once markup is escaped` }]);
  return clean;
}
