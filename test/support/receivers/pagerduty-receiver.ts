import { type FaultOptions, faultInjector, startHttpReceiver } from "./http-receiver.js";
import { pagerDutyEnqueueErrors } from "./pagerduty-schema.js";

/**
 * Stands in for PagerDuty's Events API v2 (`POST /v2/enqueue`) and answers with its documented
 * bodies: 202 `{status:"success", message:"Event processed", dedup_key}`; 400
 * `{status:"invalid event", message:"Event object is invalid", errors:[...]}` when the body fails the
 * OpenAPI schema; 429 / 500 / 503 for transient trouble (faults). Like PagerDuty, it groups
 * events by dedup_key: `alerts` holds each key's current state.
 */

export interface PagerDutyEventReceived {
  event_action: "trigger" | "acknowledge" | "resolve";
  dedup_key: string;
  routing_key: string;
  payload?: { summary: string; severity: string; source: string; custom_details?: Record<string, unknown> };
  links?: { href: string; text?: string }[];
}

export interface PagerDutyReceiver {
  url: string;
  events: PagerDutyEventReceived[];
  rejected: { status: number; body: unknown }[];
  /** dedup_key → triggered / acknowledged / resolved, as PagerDuty would show the alert. */
  alerts: Map<string, "triggered" | "acknowledged" | "resolved">;
  faults: () => number;
  /** Faults that struck after the event was processed (mode "mixed"). */
  lostResponses: () => number;
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

export async function startPagerDutyReceiver(opts: { faults?: FaultOptions } = {}): Promise<PagerDutyReceiver> {
  const events: PagerDutyEventReceived[] = [];
  const rejected: PagerDutyReceiver["rejected"] = [];
  const alerts: PagerDutyReceiver["alerts"] = new Map();
  const faults = faultInjector(opts.faults);
  const forced: number[] = [];
  let toggle = 0;
  let lostResponses = 0;
  const json = (status: number, body: unknown, headers?: Record<string, string>) => ({
    status,
    body: JSON.stringify(body),
    contentType: "application/json",
    ...(headers ? { headers } : {}),
  });
  const throttle = () => json(429, { status: "throttle event", message: "Requests for this service are arriving too quickly. Please retry later." });
  const serverError = (status: number) => json(status, { status: "error", message: "Internal error, please retry" });

  const running = await startHttpReceiver((req, body) => {
    if (req.method !== "POST" || req.url !== "/v2/enqueue") return json(404, { status: "not found", message: "Not found" });
    const forcedStatus = forced.shift();
    if (forcedStatus !== undefined) return forcedStatus === 429 ? throttle() : serverError(forcedStatus);
    const fault = faults.next();
    const faultReply = () => {
      toggle = (toggle + 1) % 3;
      return toggle === 0 ? throttle() : serverError(toggle === 1 ? 500 : 503);
    };
    if (fault && !faults.afterProcessing()) return faultReply();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      const err = { status: "Unrecognized object", message: "Event object format is unrecognized", errors: ["JSON parse error"] };
      rejected.push({ status: 400, body: err });
      return json(400, err);
    }
    const errors = pagerDutyEnqueueErrors(parsed);
    if (errors.length > 0) {
      const err = { status: "invalid event", message: "Event object is invalid", errors };
      rejected.push({ status: 400, body: err });
      return json(400, err);
    }
    const ev = parsed as PagerDutyEventReceived;
    events.push(ev);
    const state = ev.event_action === "trigger" ? "triggered" : ev.event_action === "resolve" ? "resolved" : "acknowledged";
    // PagerDuty ignores acknowledge/resolve for an unknown dedup_key (no open alert to act on).
    if (ev.event_action === "trigger" || alerts.has(ev.dedup_key)) alerts.set(ev.dedup_key, state);
    // Processed, but the caller never hears so: it will retry, and dedup_key keeps it one alert.
    if (fault) {
      lostResponses++;
      return faultReply();
    }
    return json(202, { status: "success", message: "Event processed", dedup_key: ev.dedup_key });
  });

  return {
    url: `${running.baseUrl}/v2/enqueue`,
    events,
    rejected,
    alerts,
    faults: () => faults.count,
    lostResponses: () => lostResponses,
    failNext: (n, status) => {
      for (let i = 0; i < n; i++) forced.push(status);
    },
    close: running.close,
  };
}
