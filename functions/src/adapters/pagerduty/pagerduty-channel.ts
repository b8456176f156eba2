import { z } from "zod";
import type { AlertChannel, ChannelMessage, SendContext, SendResult } from "../../domain/alerts/channel-port.js";
import {
  createSendRetryPolicy,
  networkErrorReason,
  parseRetryAfter,
  type SendRetryOptions,
  TransientSendError,
} from "../../domain/alerts/send-retry.js";
import { pagerDutyBody } from "./pagerduty-event.js";

/**
 * PagerDuty Events API v2 channel. Responses (OpenAPI /enqueue): 202 `{status:"success", message,
 * dedup_key}`; 400 `{status, message, errors[]}` means the event is invalid and is never retried;
 * 429 (rate limited) and 5xx are transient and retried here (send-retry.ts), then handed back to
 * the dispatcher's queue. The routing key is never put in a reason.
 */

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

export interface PagerDutyChannelOptions extends SendRetryOptions {
  /** Events endpoint; a local receiver in tests. */
  url?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
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
  const doFetch = options.fetch ?? fetch;
  const url = options.url ?? PAGERDUTY_EVENTS_URL;
  const policy = createSendRetryPolicy(options);

  return {
    kind: "pagerduty",
    // Pages are per alert; digests are for chat channels.
    supports: (message) => message.kind === "alert",
    async send(message: ChannelMessage, ctx: SendContext): Promise<SendResult> {
      if (message.kind !== "alert") return { ok: true, detail: "digests are not paged" };
      const routingKey = ctx.secret;
      if (!routingKey) return { ok: false, retryable: false, reason: "no routing key" };
      const body = JSON.stringify(pagerDutyBody(message.event, message.transition, routingKey));
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
          const text = await res.text();
          if (res.status === 202 || res.status === 200) return { ok: true, status: res.status };
          const reason = describePagerDutyError(res.status, text);
          if (res.status === 429 || res.status >= 500)
            throw new TransientSendError(res.status, reason, parseRetryAfter(res.headers.get("retry-after")));
          return { ok: false, retryable: false, status: res.status, reason };
        });
      } catch (err) {
        if (err instanceof TransientSendError) return { ok: false, retryable: true, status: err.status, reason: err.message };
        return { ok: false, retryable: true, reason: `unexpected: ${(err as Error).message}` };
      }
    },
  };
}
