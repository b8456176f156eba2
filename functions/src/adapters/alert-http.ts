import type { RetryPolicy } from "cockatiel";
import type { SendResult } from "#domain/alerts/channel-port.js";
import { networkErrorReason, TransientSendError } from "#domain/alerts/send-retry.js";

/** How the alert channels post: their fetch (a test double in tests) and a per-try timeout. */
export interface JsonPostOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** What one HTTP answer means to a channel: a result, or a transient failure worth a retry. */
export type AnswerReader = (status: number, text: string, headers: Headers) => SendResult | TransientSendError;

/**
 * POSTs a JSON body under the channel's retry policy (send-retry.ts). Network failures and answers
 * the reader calls transient are retried; when retries run out, the result says retryable so the
 * dispatcher queues the send. The URL is never put in a reason (a webhook URL is a secret).
 */
export async function postJsonWithRetry(policy: RetryPolicy, url: string, body: string, opts: JsonPostOptions, read: AnswerReader): Promise<SendResult> {
  const doFetch = opts.fetch ?? fetch;
  try {
    return await policy.execute(async (): Promise<SendResult> => {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new TransientSendError(undefined, networkErrorReason(err));
      }
      const answer = read(res.status, await res.text(), res.headers);
      if (answer instanceof TransientSendError) throw answer;
      return answer;
    });
  } catch (err) {
    if (err instanceof TransientSendError) return { ok: false, retryable: true, status: err.status, reason: err.message };
    return { ok: false, retryable: true, reason: `unexpected: ${(err as Error).message}` };
  }
}
