import { filterXSS } from "xss";

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
