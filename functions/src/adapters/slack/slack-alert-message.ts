import type { ActionsBlock, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import type { AlertEvent } from "#domain/alerts/alert-event.js";
import type { ChannelTestMessage } from "#domain/alerts/channel-port.js";
import { figures, formatSignedMoney, headline, rootCausesOf } from "#domain/alerts/describe.js";
import { displayText } from "#domain/alerts/display-text.js";
import { priorityOf, SEVERITY_TABLE } from "#domain/alerts/severity.js";
import { escapeMrkdwn, joinWithinLimit, mrkdwn, SLACK_LIMITS, type SlackWebhookPayload, slackText, truncate } from "./slack-limits.js";

/**
 * One readable Block Kit message per alert: what (header), where / expected vs actual / impact /
 * forecast vs budget (fields), root causes with their contributions (a list cut with "+N more"),
 * buttons to open, acknowledge and give feedback, and the alert id for support.
 *
 * Every piece of user text (names, scopes, billing dimensions, error text) goes through
 * `slackText` wherever Slack parses mrkdwn (fields, sections, context, the notification `text`),
 * and every mrkdwn object is `verbatim`; the header is plain_text, which Slack does not parse,
 * and gets the one-line form only.
 */

/** Root causes listed in full before "+N more". */
export const MAX_ROOT_CAUSES_SHOWN = 10;

/** The dashboard link with an intent, e.g. ?action=acknowledge, which the dashboard acts on after sign-in. */
export function dashboardLink(dashboardUrl: string, action?: "acknowledge" | "feedback"): string {
  const u = new URL(dashboardUrl);
  if (action) u.searchParams.set("action", action);
  return u.toString();
}

function header(text: string): HeaderBlock {
  return { type: "header", text: { type: "plain_text", text: truncate(displayText(text), SLACK_LIMITS.headerText), emoji: true } };
}

function fieldsSections(pairs: [string, string][]): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < pairs.length; i += SLACK_LIMITS.sectionFields) {
    out.push({
      type: "section",
      fields: pairs.slice(i, i + SLACK_LIMITS.sectionFields).map(([label, value]) =>
        mrkdwn(truncate(`*${escapeMrkdwn(label)}*\n${slackText(value)}`, SLACK_LIMITS.fieldText)),
      ),
    });
  }
  return out;
}

function rootCauseSection(event: AlertEvent): SectionBlock | null {
  const causes = rootCausesOf(event);
  if (causes.length === 0) return null;
  const shown = causes.slice(0, MAX_ROOT_CAUSES_SHOWN);
  const lines = shown.map(
    (c) => `• ${slackText(c.dimension)} = \`${slackText(c.value)}\`: ${formatSignedMoney(c.contribution, event.currency, event.locale)}`,
  );
  const hidden = causes.length - shown.length;
  if (hidden > 0) lines.push(`+${hidden} more`);
  const text = joinWithinLimit(["*Root causes*", ...lines], SLACK_LIMITS.sectionText);
  return { type: "section", text: mrkdwn(text) };
}

function buttons(event: AlertEvent): ActionsBlock {
  return {
    type: "actions",
    block_id: truncate(`alert-${event.id}`, 255),
    elements: [
      { type: "button", action_id: "open_dashboard", text: { type: "plain_text", text: "Open dashboard" }, url: dashboardLink(event.dashboardUrl), style: "primary" },
      { type: "button", action_id: "acknowledge", text: { type: "plain_text", text: "Acknowledge" }, url: dashboardLink(event.dashboardUrl, "acknowledge") },
      { type: "button", action_id: "feedback", text: { type: "plain_text", text: "Give feedback" }, url: dashboardLink(event.dashboardUrl, "feedback") },
    ],
  };
}

function context(event: AlertEvent, extra?: string): ContextBlock {
  const parts = [`${priorityOf(event.severity)} · ${event.severity}`, `tenant ${event.tenantId}`, `alert \`${event.id}\``, event.occurredAt];
  if (extra) parts.push(extra);
  return { type: "context", elements: [mrkdwn(truncate(slackText(parts.join(" · ")), SLACK_LIMITS.sectionText))] };
}

export function slackAlertMessage(event: AlertEvent): SlackWebhookPayload {
  const title = `${headline(event)}`;
  const blocks: KnownBlock[] = [header(title), ...fieldsSections(figures(event))];
  const rc = rootCauseSection(event);
  if (rc) blocks.push(rc);
  blocks.push(buttons(event), context(event));
  const emoji = SEVERITY_TABLE[event.severity].emoji;
  return { text: truncate(`${emoji} [${event.severity}] ${slackText(title)}`, 3000), blocks };
}

export function slackResolutionMessage(event: AlertEvent): SlackWebhookPayload {
  const title = headline(event);
  const blocks: KnownBlock[] = [
    header(`:white_check_mark: ${title}`),
    {
      type: "section",
      text: mrkdwn(truncate(`Back to normal. <${dashboardLink(event.dashboardUrl)}|Open in dashboard>`, SLACK_LIMITS.sectionText)),
    },
    context(event, "resolved"),
  ];
  return { text: truncate(`:white_check_mark: ${slackText(title)}`, 3000), blocks };
}

/** The answer to "test this channel": says which channel of which tenant it is, and links home. */
export function slackTestMessage(test: ChannelTestMessage): SlackWebhookPayload {
  const title = "Cost monitoring: test message";
  const text = `This Slack channel receives cost alerts for tenant *${slackText(test.tenantId)}* (channel \`${slackText(test.channelId)}\`). <${dashboardLink(test.dashboardUrl)}|Open the dashboard>`;
  const blocks: KnownBlock[] = [
    header(title),
    { type: "section", text: mrkdwn(truncate(text, SLACK_LIMITS.sectionText)) },
    { type: "context", elements: [mrkdwn(truncate(slackText(`sent ${test.sentAt}`), SLACK_LIMITS.sectionText))] },
  ];
  return { text: truncate(`${title} for tenant ${slackText(test.tenantId)}`, 3000), blocks };
}
