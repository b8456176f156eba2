import type { KnownBlock, MrkdwnElement } from "@slack/types";
import { displayText } from "#domain/alerts/display-text.js";

/**
 * Block Kit limits, from Slack's reference pages (docs.slack.dev/reference/block-kit/...):
 * - blocks: "You can include up to 50 blocks in each message" (block-kit/blocks);
 * - section block: text 1..3000 characters; fields at most 10 items of at most 2000 characters each;
 * - header block: plain_text of at most 150 characters;
 * - context block: at most 10 elements; actions block: at most 25 elements;
 * - button: text at most 75 characters, url at most 3000, action_id at most 255 (block-elements/button-element);
 * - message `text`: chat.postMessage truncates text over 40,000 characters; we stay far below.
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  actionId: 255,
  messageText: 40_000,
} as const;

export interface SlackWebhookPayload {
  /** Notification / fallback text, shown where blocks cannot be. */
  text: string;
  blocks: KnownBlock[];
}

/** Cuts `text` to `max` characters (code points), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters ("Formatting text"). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * User text for a mrkdwn string: one plain line (display-text.ts), then `&`, `<` and `>` escaped,
 * so it can open no link, mention (`<!channel>`, `<@U…>`) or other special sequence, nor start a
 * line (a quote, a fake field). Formatting marks (`*`, `_`, `~`, backticks) keep their meaning:
 * Slack has no escape for them, and they can style text but not make it do anything.
 *
 * @example
 *   slackText("<!channel> R&D\nteam");   // "&lt;!channel&gt; R&amp;D team"
 */
export function slackText(text: string): string {
  return escapeMrkdwn(displayText(text));
}

/**
 * A mrkdwn text object that Slack takes as written (`verbatim`): no automatic linking of URLs or
 * channel names, and no automatic parsing of mentions such as a bare "@channel" in user text.
 * The control sequences we write ourselves (our links) still work.
 *
 * @example
 *   { type: "section", text: mrkdwn(`*Budget*\n${slackText(name)}`) }
 */
export function mrkdwn(text: string): MrkdwnElement {
  return { type: "mrkdwn", text, verbatim: true };
}

/**
 * Lines joined into one text of at most `max` characters; the lines that do not fit are replaced by
 * a "+N more" line (which is always kept within the limit).
 */
export function joinWithinLimit(lines: readonly string[], max: number, moreSuffix = "more"): string {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const rest = lines.length - i - 1;
    const reserve = rest > 0 ? `\n+${rest} ${moreSuffix}`.length : 0;
    const cost = (out.length > 0 ? 1 : 0) + line.length;
    if (used + cost + reserve > max) {
      const more = `+${lines.length - i} ${moreSuffix}`;
      out.push(more);
      return truncate(out.join("\n"), max);
    }
    out.push(line);
    used += cost;
  }
  return out.join("\n");
}

const len = (s: string | undefined) => [...(s ?? "")].length;

/** Every limit violation in a payload (empty when it is within Slack's limits). */
export function slackLimitViolations(payload: SlackWebhookPayload): string[] {
  const v: string[] = [];
  if (len(payload.text) > SLACK_LIMITS.messageText) v.push("text longer than 40000");
  if (payload.blocks.length > SLACK_LIMITS.blocksPerMessage) v.push(`${payload.blocks.length} blocks > 50`);
  payload.blocks.forEach((b, i) => {
    if (b.type === "section") {
      if (b.text && (len(b.text.text) > SLACK_LIMITS.sectionText || len(b.text.text) < 1))
        v.push(`block ${i}: section text length ${len(b.text.text)}`);
      if (b.fields && b.fields.length > SLACK_LIMITS.sectionFields) v.push(`block ${i}: ${b.fields.length} fields > 10`);
      for (const f of b.fields ?? []) if (len(f.text) > SLACK_LIMITS.fieldText) v.push(`block ${i}: field > 2000`);
      if (!b.text && !b.fields?.length) v.push(`block ${i}: section without text or fields`);
    } else if (b.type === "header") {
      if (len(b.text.text) > SLACK_LIMITS.headerText) v.push(`block ${i}: header > 150`);
    } else if (b.type === "context") {
      if (b.elements.length > SLACK_LIMITS.contextElements) v.push(`block ${i}: context > 10 elements`);
    } else if (b.type === "actions") {
      if (b.elements.length > SLACK_LIMITS.actionsElements) v.push(`block ${i}: actions > 25 elements`);
      for (const e of b.elements) {
        if (e.type !== "button") continue;
        if (len(e.text.text) > SLACK_LIMITS.buttonText) v.push(`block ${i}: button text > 75`);
        if (len(e.url) > SLACK_LIMITS.buttonUrl) v.push(`block ${i}: button url > 3000`);
        if (len(e.action_id) > SLACK_LIMITS.actionId) v.push(`block ${i}: action_id > 255`);
      }
    }
  });
  return v;
}
