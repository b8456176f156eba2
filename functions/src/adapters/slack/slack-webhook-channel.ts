import type { AlertChannel, ChannelMessage, SendContext, SendResult } from "#domain/alerts/channel-port.js";
import { createSendRetryPolicy, parseRetryAfter, type SendRetryOptions, TransientSendError } from "#domain/alerts/send-retry.js";
import { type JsonPostOptions, postJsonWithRetry } from "../alert-http.js";
import { slackAlertMessage, slackResolutionMessage, slackTestMessage } from "./slack-alert-message.js";
import { slackDigestMessage } from "./slack-digest-message.js";
import { type SlackWebhookPayload, slackLimitViolations } from "./slack-limits.js";

/**
 * Slack incoming webhooks (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks,
 * "Handling errors"): 200 with body `ok`; 400 `invalid_payload` / `user_not_found`, 403
 * `action_prohibited` / `invalid_token`, 404 `channel_not_found` / `no_team`, 410
 * `channel_is_archived` / `no_service` are permanent (the webhook or payload must change);
 * 429 (about 1 message per second per webhook, with Retry-After) and 5xx are transient.
 * Transient failures are retried here (send-retry.ts); what still fails goes back to the
 * dispatcher, which queues it.
 */

export interface SlackChannelOptions extends SendRetryOptions, JsonPostOptions {}

export function slackPayloadFor(message: ChannelMessage): SlackWebhookPayload | null {
  if (message.kind === "digest") return slackDigestMessage(message.digest);
  if (message.kind === "test") return slackTestMessage(message);
  if (message.transition === "trigger") return slackAlertMessage(message.event);
  if (message.transition === "resolve") return slackResolutionMessage(message.event);
  return null;
}

const PERMANENT = new Set([400, 401, 403, 404, 410]);

export function createSlackWebhookChannel(options: SlackChannelOptions = {}): AlertChannel {
  const policy = createSendRetryPolicy(options);

  return {
    kind: "slack",
    // Slack has no notion of acknowledging; the product shows it, the channel stays quiet.
    supports: (message) => slackPayloadFor(message) !== null,
    async send(message: ChannelMessage, ctx: SendContext): Promise<SendResult> {
      const payload = slackPayloadFor(message);
      if (!payload) return { ok: true, detail: "nothing to send" };
      const violations = slackLimitViolations(payload);
      if (violations.length > 0)
        return { ok: false, retryable: false, reason: `payload exceeds Slack limits: ${violations.join("; ")}` };
      const url = ctx.secret;
      if (!url) return { ok: false, retryable: false, reason: "no webhook URL" };
      const body = JSON.stringify(payload);
      return postJsonWithRetry(policy, url, body, options, (status, fullText, headers) => {
        const text = fullText.slice(0, 200);
        if (status === 200) return { ok: true, status: 200, detail: text };
        if (status === 429 || status >= 500) return new TransientSendError(status, `Slack ${status} ${text}`, parseRetryAfter(headers.get("retry-after")));
        return { ok: false, retryable: !PERMANENT.has(status), status, reason: `Slack ${status} ${text}` };
      });
    },
  };
}
