import { type FaultOptions, faultInjector, startHttpReceiver } from "./http-receiver.js";
import { slackPayloadErrors } from "./slack-payload-check.js";

/**
 * Stands in for Slack incoming webhooks and answers as Slack does ("Handling errors" in Slack's
 * incoming-webhook docs): 200 `ok`; 400 `invalid_payload`; 404 `channel_not_found`; 410
 * `channel_is_archived` / `no_service`; 429 and 500 for transient trouble (faults).
 */

export type SlackHookBehaviour = "ok" | "channel_not_found" | "channel_is_archived" | "no_service";

const STATUS: Record<Exclude<SlackHookBehaviour, "ok">, number> = {
  channel_not_found: 404,
  channel_is_archived: 410,
  no_service: 410,
};

export interface SlackMessageReceived {
  path: string;
  payload: { text?: string; blocks?: unknown[] };
}

export interface SlackReceiver {
  baseUrl: string;
  /** Accepted messages, in arrival order. */
  messages: SlackMessageReceived[];
  /** Requests answered with a transient failure. */
  faults: () => number;
  /** Requests refused (4xx), with the text Slack would send. */
  rejected: { path: string; status: number; text: string }[];
  /** Makes a webhook path answer like a deleted / archived channel. */
  setBehaviour(path: string, behaviour: SlackHookBehaviour): void;
  /** The next `n` requests fail transiently with `status` (429 or 5xx). */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

export async function startSlackReceiver(opts: { faults?: FaultOptions } = {}): Promise<SlackReceiver> {
  const messages: SlackMessageReceived[] = [];
  const rejected: SlackReceiver["rejected"] = [];
  const behaviours = new Map<string, SlackHookBehaviour>();
  const faults = faultInjector(opts.faults);
  const forced: number[] = [];
  let faultToggle = 0;
  const text = (status: number, body: string) => ({ status, body, contentType: "text/plain; charset=utf-8" });

  const running = await startHttpReceiver((req, body) => {
    const path = req.url ?? "/";
    const forcedStatus = forced.shift();
    if (forcedStatus !== undefined) return text(forcedStatus, forcedStatus === 429 ? "rate_limited" : "rollup_error");
    if (faults.next()) {
      faultToggle++;
      return faultToggle % 2 === 0
        ? { ...text(429, "rate_limited"), headers: { "retry-after": "1" } }
        : text(500, "rollup_error");
    }
    const behaviour = behaviours.get(path) ?? "ok";
    if (behaviour !== "ok") {
      rejected.push({ path, status: STATUS[behaviour], text: behaviour });
      return text(STATUS[behaviour], behaviour);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      rejected.push({ path, status: 400, text: "invalid_payload" });
      return text(400, "invalid_payload");
    }
    const errors = slackPayloadErrors(payload);
    if (errors.length > 0) {
      rejected.push({ path, status: 400, text: `invalid_payload ${errors.join("; ")}` });
      return text(400, "invalid_payload");
    }
    messages.push({ path, payload: payload as SlackMessageReceived["payload"] });
    return text(200, "ok");
  });

  return {
    baseUrl: running.baseUrl,
    messages,
    rejected,
    faults: () => faults.count,
    setBehaviour: (path, b) => behaviours.set(path, b),
    failNext: (n, status) => {
      for (let i = 0; i < n; i++) forced.push(status);
    },
    close: running.close,
  };
}
