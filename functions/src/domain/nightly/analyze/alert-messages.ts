import type { AlertEvent } from "../../alerts/alert-event.js";
import type { AlertsMessageInput } from "../messages.js";

/** AlertsMessage takes at most this many events; a larger run is published in several messages. */
export const MAX_EVENTS_PER_MESSAGE = 500;

/** The alerts-topic messages carrying a run's new events, in order; none when there are none. */
export function alertMessages(tenantId: string, runDate: string, events: readonly AlertEvent[]): AlertsMessageInput[] {
  const out: AlertsMessageInput[] = [];
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_MESSAGE) {
    out.push({ tenantId, runDate, events: events.slice(i, i + MAX_EVENTS_PER_MESSAGE) });
  }
  return out;
}
