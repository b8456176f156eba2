import type { AlertChannel, ChannelMessage, SendContext, SendResult } from "../../domain/alerts/channel-port.js";
import {
  createSendRetryPolicy,
  networkErrorReason,
  parseRetryAfter,
  type SendRetryOptions,
  TransientSendError,
} from "../../domain/alerts/send-retry.js";
import { slackAlertMessage, slackResolutionMessage } from "./slack-alert-message.js";
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

export interface SlackChannelOptions extends SendRetryOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function slackPayloadFor(message: ChannelMessage): SlackWebhookPayload | null {
  if (message.kind === "digest") return slackDigestMessage(message.digest);
  if (message.transition === "trigger") return slackAlertMessage(message.event);
  if (message.transition === "resolve") return slackResolutionMessage(message.event);
  return null;
}

const PERMANENT = new Set([400, 401, 403, 404, 410]);

export function createSlackWebhookChannel(options: SlackChannelOptions = {}): AlertChannel {
  const doFetch = options.fetch ?? fetch;
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
      try {
        return await policy.execute(async (): Promise<SendResult> => {
          let res: Response;
          try {
            res = await doFetch(url, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body,
              signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
            });
          } catch (err) {
            throw new TransientSendError(undefined, networkErrorReason(err));
          }
          const text = (await res.text()).slice(0, 200);
          if (res.status === 200) return { ok: true, status: 200, detail: text };
          if (res.status === 429 || res.status >= 500)
            throw new TransientSendError(res.status, `Slack ${res.status} ${text}`, parseRetryAfter(res.headers.get("retry-after")));
          return { ok: false, retryable: !PERMANENT.has(res.status), status: res.status, reason: `Slack ${res.status} ${text}` };
        });
      } catch (err) {
        if (err instanceof TransientSendError) return { ok: false, retryable: true, status: err.status, reason: err.message };
        return { ok: false, retryable: true, reason: `unexpected: ${(err as Error).message}` };
      }
    },
  };
}
