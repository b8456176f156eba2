/**
 * User text (budget names, scope values, tag values from billing data, provider error text) is
 * stored exactly as it was given and made safe where it is shown. This is the part every channel
 * shares: one line of plain text. Line breaks, tabs and other control characters (C0, DEL, C1,
 * the Unicode line and paragraph separators) become a space, so text cannot start a line of its
 * own in a console line, a Slack field or a PagerDuty summary, nor move a terminal's cursor (ESC);
 * bidirectional embedding, override and isolate controls are dropped, so text cannot display in
 * an order other than the one it is stored in. Everything else, markup included, is left for the
 * channel to escape in its own syntax (Slack: slack-limits.ts `slackText`).
 *
 * @example
 *   displayText("Team A\n*Impact*: $0");     // "Team A *Impact*: $0"
 *   displayText("invoice\u202Egnp.exe");     // "invoicegnp.exe"
 */
export function displayText(text: string): string {
  return text.replace(LINE_BREAKING, " ").replace(BIDI_CONTROLS, "");
}

/** Control characters (Unicode category Cc: C0, DEL, C1) and the line and paragraph separators. */
const LINE_BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
/** Bidi embeddings, overrides and isolates (LRE…RLO, LRI…PDI); the plain marks LRM and RLM stay. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/gu;
