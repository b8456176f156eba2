import { displayText } from "#domain/alerts/display-text.js";
import { createSendRetryPolicy } from "#domain/alerts/send-retry.js";
import type { AlertSink, OperationalAlert } from "#foundation/observability/alert-rules.js";
import { redactText } from "#kernel/redact.js";
import { type JsonPostOptions, postJsonWithRetry } from "./alert-http.js";
import { mrkdwn, slackText, truncate } from "./slack/slack-limits.js";

/** The operations channel's settings (F7 `alerts.*`), read live so a change needs no restart. */
export interface OpsChannelSettings {
  slackEnabled: boolean;
  slackWebhookUrl: string;
  pagerDutyEnabled: boolean;
  pagerDutyRoutingKey: string;
  pagerDutyEventsUrl: string;
  minSeverity: OperationalAlert["severity"];
}

const RANK: Record<OperationalAlert["severity"], number> = { info: 0, warning: 1, critical: 2 };

export interface OpsAlertSinkOptions extends JsonPostOptions {
  settings: () => Promise<OpsChannelSettings>;
  /** Told about a send that failed after its retries (the platform has nowhere else to page). */
  onFailure?: (channel: "slack" | "pagerduty", reason: string) => void;
}

/**
 * Operational alerts of the platform itself (health's alert rules) to the operations team's
 * Slack webhook and PagerDuty service, not to tenants: a Slack message with the rule and its
 * value, and a PagerDuty trigger deduplicated per rule, so a rule that keeps firing pages once.
 * Alerts below `minSeverity` and disabled channels are skipped; a failed send is reported to
 * `onFailure`, with any secret redacted, and never thrown at the caller.
 *
 * @example
 *   const sink = createOpsAlertSink({ settings: async () => ({ slackEnabled: true, slackWebhookUrl: url, ... }) });
 *   await sink.send({ rule: "documents failing", severity: "critical", summary: "…", value: 1 });
 */
export function createOpsAlertSink(opts: OpsAlertSinkOptions): AlertSink {
  const policy = createSendRetryPolicy();
  return {
    async send(alert) {
      const s = await opts.settings();
      if (RANK[alert.severity] < RANK[s.minSeverity]) return;
      if (s.slackEnabled && s.slackWebhookUrl) {
        // The summary can quote a tenant's channel id or a remote server's error text: escaped as user text.
        const body = JSON.stringify({
          text: slackText(`[${alert.severity}] ${alert.rule}: ${alert.summary}`),
          blocks: [
            { type: "header", text: { type: "plain_text", text: displayText(`Platform ${alert.severity}: ${alert.rule}`).slice(0, 150) } },
            { type: "section", text: mrkdwn(truncate(slackText(`${alert.summary} (value ${alert.value})`), 3000)) },
          ],
        });
        const r = await postJsonWithRetry(policy, s.slackWebhookUrl, body, opts, (status, text) =>
          status === 200 ? { ok: true, status } : { ok: false, retryable: status === 429 || status >= 500, status, reason: `Slack ${status} ${text.slice(0, 200)}` },
        );
        if (!r.ok) opts.onFailure?.("slack", redactText(r.reason, [s.slackWebhookUrl]));
      }
      if (s.pagerDutyEnabled && s.pagerDutyRoutingKey) {
        const body = JSON.stringify({
          routing_key: s.pagerDutyRoutingKey,
          event_action: "trigger",
          dedup_key: `costmon-platform-${alert.rule}`.slice(0, 255),
          payload: {
            summary: displayText(`${alert.rule}: ${alert.summary}`).slice(0, 1024),
            severity: alert.severity === "critical" ? "critical" : alert.severity === "warning" ? "warning" : "info",
            source: "costmon-platform",
            class: "platform.health",
            custom_details: { rule: alert.rule, value: alert.value },
          },
          client: "AI Cost Monitoring Platform",
        });
        const r = await postJsonWithRetry(policy, s.pagerDutyEventsUrl, body, opts, (status, text) =>
          status === 202 || status === 200 ? { ok: true, status } : { ok: false, retryable: status === 429 || status >= 500, status, reason: `PagerDuty ${status} ${text.slice(0, 200)}` },
        );
        if (!r.ok) opts.onFailure?.("pagerduty", redactText(r.reason, [s.pagerDutyRoutingKey]));
      }
    },
  };
}
