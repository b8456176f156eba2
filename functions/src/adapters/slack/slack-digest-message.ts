import type { KnownBlock } from "@slack/types";
import { formatMoney, totalImpactText } from "#domain/alerts/describe.js";
import type { AlertDigest } from "#domain/alerts/digest.js";
import { SEVERITY_TABLE } from "#domain/alerts/severity.js";
import { mrkdwn, SLACK_LIMITS, type SlackWebhookPayload, slackText, truncate } from "./slack-limits.js";

/**
 * The daily / weekly digest: a header, a summary, then the alerts in severity and impact order,
 * packed into sections of at most 3000 characters, within 50 blocks; the rest is "+N more".
 */

const ITEMS_PER_SECTION = 10;
/** header + summary + divider + the closing "+N more" context. */
const RESERVED_BLOCKS = 4;

function line(item: AlertDigest["items"][number], locale: string | undefined): string {
  const tags = [item.deferred ? "held by quiet hours" : null, item.resolved ? "resolved" : null].filter(Boolean);
  const suffix = tags.length ? ` _(${tags.join(", ")})_` : "";
  // The headline was stored when the alert was sent: it is made safe here, at the point of display.
  const link = `<${item.dashboardUrl}|${slackText(truncate(item.headline, 300))}>`;
  return `${SEVERITY_TABLE[item.severity].emoji} ${link}: ${formatMoney(item.impact, item.currency, locale)}${suffix}`;
}

export function slackDigestMessage(digest: AlertDigest): SlackWebhookPayload {
  const label = digest.period === "daily" ? "Daily" : "Weekly";
  const title = `${label} cost alert digest: ${digest.totalCount} alert${digest.totalCount === 1 ? "" : "s"}, ${totalImpactText(digest)} impact`;
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(title, SLACK_LIMITS.headerText) } },
    {
      type: "section",
      text: mrkdwn(
        `From ${slackText(digest.from)} to ${slackText(digest.to)} for tenant ${slackText(digest.tenantId)}.${digest.deferredCount > 0 ? ` ${digest.deferredCount} held back by quiet hours appear here first.` : ""}`,
      ),
    },
    { type: "divider" },
  ];
  const maxSections = SLACK_LIMITS.blocksPerMessage - RESERVED_BLOCKS;
  let shown = 0;
  let section: string[] = [];
  let sectionLen = 0;
  let sections = 0;
  const flush = () => {
    if (section.length === 0) return;
    blocks.push({ type: "section", text: mrkdwn(section.join("\n")) });
    sections++;
    section = [];
    sectionLen = 0;
  };
  for (const item of digest.items) {
    const l = truncate(line(item, digest.locale), SLACK_LIMITS.sectionText);
    const full = section.length >= ITEMS_PER_SECTION || sectionLen + l.length + 1 > SLACK_LIMITS.sectionText;
    if (full) flush();
    if (sections >= maxSections) break;
    section.push(l);
    sectionLen += l.length + 1;
    shown++;
  }
  flush();
  const more = digest.totalCount - shown;
  if (more > 0) {
    blocks.push({ type: "context", elements: [mrkdwn(`+${more} more in the dashboard`)] });
  }
  return { text: title, blocks };
}
