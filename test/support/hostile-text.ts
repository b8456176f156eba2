import { expect } from "vitest";
import type { SlackWebhookPayload } from "#adapters/slack/slack-limits.js";

/**
 * User text written to do harm where it is shown: HTML and script, Slack's control sequences
 * (a broadcast mention, a user mention, a disguised link), mrkdwn marks, line breaks that would
 * forge a field or a console line of their own, a terminal escape and a bidi override. 200
 * characters at most, so that it fits every free-text field (budget and workspace names are the
 * shortest), and free of SQL and prompt-injection shapes, which the input guard refuses anyway.
 */
export const HOSTILE =
  "<!channel> <@U024BE7LH> <https://evil.example|Acknowledge> <script>alert(1)</script><img src=x onerror=alert(2)> *b* _i_ `c` R&D\n> quoted\r\n*Impact*\n$0.00\t\u001b[31mred \u202Eevil";

/** Characters that may not reach a one-line rendering: C0/C1 controls, DEL, line separators, bidi overrides. */
export const UNSAFE_IN_A_LINE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

/** Slack's own decoding of the three entities it asks for: what a reader of the message sees. */
export const slackDecoded = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Every mrkdwn text object of a payload (sections, fields, context elements). */
function mrkdwnTexts(payload: SlackWebhookPayload): { text: string; verbatim?: boolean }[] {
  const out: { text: string; verbatim?: boolean }[] = [];
  for (const block of payload.blocks as unknown as Record<string, unknown>[]) {
    const candidates = [block.text, ...((block.fields as unknown[]) ?? []), ...((block.elements as unknown[]) ?? [])];
    for (const c of candidates as ({ type?: string; text?: string; verbatim?: boolean } | undefined)[]) {
      if (c?.type === "mrkdwn" && typeof c.text === "string") out.push({ text: c.text, ...(c.verbatim === undefined ? {} : { verbatim: c.verbatim }) });
    }
  }
  return out;
}

/**
 * Asserts that no user text in a Slack payload can act: every mrkdwn object is verbatim (no
 * automatic mentions or links), the only `<…>` sequences in mrkdwn and in the notification text
 * are the dashboard links we write, and neither the notification text nor the header holds a
 * control character.
 */
export function expectInertSlackPayload(payload: SlackWebhookPayload, dashboardOrigin: string): void {
  const texts = mrkdwnTexts(payload);
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) expect(t.verbatim, t.text).toBe(true);
  for (const text of [payload.text, ...texts.map((t) => t.text)]) {
    for (const sequence of text.match(/<[^>]*>?/g) ?? []) expect(sequence.startsWith(`<${dashboardOrigin}`), sequence).toBe(true);
  }
  expect(payload.text).not.toMatch(UNSAFE_IN_A_LINE);
  for (const block of payload.blocks) if (block.type === "header") expect(block.text.text).not.toMatch(UNSAFE_IN_A_LINE);
}
