import { z } from "zod";
import type { AlertChannel, ChannelMessage, SendContext, SendResult } from "#domain/alerts/channel-port.js";
import { createSendRetryPolicy, parseRetryAfter, type SendRetryOptions, TransientSendError } from "#domain/alerts/send-retry.js";
import { type JsonPostOptions, postJsonWithRetry } from "../alert-http.js";
import { type PagerDutyEventBody, pagerDutyBody, pagerDutyTestBodies } from "./pagerduty-event.js";

/**
 * PagerDuty Events API v2 channel. Responses (OpenAPI /enqueue): 202 `{status:"success", message,
 * dedup_key}`; 400 `{status, message, errors[]}` means the event is invalid and is never retried;
 * 429 (rate limited) and 5xx are transient and retried here (send-retry.ts), then handed back to
 * the dispatcher's queue. The routing key is never put in a reason.
 */

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

export interface PagerDutyChannelOptions extends SendRetryOptions, JsonPostOptions {
  /** Events endpoint; a local receiver in tests. */
  url?: string;
}

const ErrorBody = z.object({
  status: z.string().optional(),
  message: z.string().optional(),
  errors: z.array(z.string()).optional(),
});

/** "PagerDuty 400: invalid event: Event object is invalid: errors: ..." from PagerDuty's error body. */
export function describePagerDutyError(status: number, text: string): string {
  let parsed: z.infer<typeof ErrorBody> = {};
  try {
    const r = ErrorBody.safeParse(JSON.parse(text));
    if (r.success) parsed = r.data;
  } catch {
    // not JSON: quote the start of the body below
  }
  const parts = [`PagerDuty ${status}`];
  if (parsed.status) parts.push(parsed.status);
  if (parsed.message) parts.push(parsed.message);
  if (parsed.errors?.length) parts.push(`errors: ${parsed.errors.slice(0, 5).join("; ")}`);
  if (parts.length === 1) parts.push(text.slice(0, 200));
  return parts.join(": ");
}

export function createPagerDutyChannel(options: PagerDutyChannelOptions = {}): AlertChannel {
  const url = options.url ?? PAGERDUTY_EVENTS_URL;
  const policy = createSendRetryPolicy(options);

  return {
    kind: "pagerduty",
    // Pages are per alert (and the test page); digests are for chat channels.
    supports: (message) => message.kind !== "digest",
    async send(message: ChannelMessage, ctx: SendContext): Promise<SendResult> {
      if (message.kind === "digest") return { ok: true, detail: "digests are not paged" };
      const routingKey = ctx.secret;
      if (!routingKey) return { ok: false, retryable: false, reason: "no routing key" };
      const post = (body: PagerDutyEventBody) =>
        postJsonWithRetry(policy, url, JSON.stringify(body), options, (status, text, headers) => {
          if (status === 202 || status === 200) return { ok: true, status };
          const reason = describePagerDutyError(status, text);
          if (status === 429 || status >= 500) return new TransientSendError(status, reason, parseRetryAfter(headers.get("retry-after")));
          return { ok: false, retryable: false, status, reason };
        });
      if (message.kind === "alert") return post(pagerDutyBody(message.event, message.transition, routingKey));
      // A test opens an info alert and resolves it at once: the routing key is proven, nobody stays paged.
      const [trigger, resolve] = pagerDutyTestBodies(message, routingKey);
      const opened = await post(trigger);
      return opened.ok ? post(resolve) : opened;
    },
  };
}
