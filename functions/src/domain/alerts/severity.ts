import type { Severity } from "./alert-event.js";

/**
 * The seed's severity table. Product severity → incident priority → PagerDuty Events API v2
 * `payload.severity` (which accepts only critical | error | warning | info, see the Payload schema
 * in ../shared/data/pagerduty-events-v2/events-v2.openapiv3.json).
 */
export const SEVERITY_TABLE = {
  critical: { priority: "P1", pagerduty: "critical", emoji: ":red_circle:" },
  high: { priority: "P2", pagerduty: "error", emoji: ":large_orange_circle:" },
  medium: { priority: "P3", pagerduty: "warning", emoji: ":large_yellow_circle:" },
  low: { priority: "P4", pagerduty: "info", emoji: ":white_circle:" },
} as const satisfies Record<Severity, { priority: string; pagerduty: string; emoji: string }>;

export type PagerDutySeverity = (typeof SEVERITY_TABLE)[Severity]["pagerduty"];

export function pagerDutySeverity(s: Severity): PagerDutySeverity {
  return SEVERITY_TABLE[s].pagerduty;
}

export function priorityOf(s: Severity): string {
  return SEVERITY_TABLE[s].priority;
}
