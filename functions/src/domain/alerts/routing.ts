import { compareDecimals } from "../billing/money.js";
import { type AlertEvent, directionOf, severityRank } from "./alert-event.js";
import type { AlertChannelConfig, QuietHours, RoutingRule } from "./channel-config.js";

/** Routing decisions: which channel gets which event, and whether quiet hours hold it back. */

function providerOf(event: AlertEvent): string | undefined {
  return event.where.provider;
}

export function ruleMatches(rule: RoutingRule, event: AlertEvent): boolean {
  if (rule.minSeverity && severityRank(event.severity) > severityRank(rule.minSeverity)) return false;
  if (rule.minImpact !== undefined) {
    const least = rule.minImpact[event.currency];
    if (least === undefined || compareDecimals(event.impact, least) < 0) return false;
  }
  if (rule.eventTypes && !rule.eventTypes.includes(event.type)) return false;
  if (rule.directions) {
    const d = directionOf(event);
    if (d && !rule.directions.includes(d)) return false;
  }
  if (rule.providers) {
    const p = providerOf(event)?.toLowerCase();
    if (!p || !rule.providers.some((x) => x.toLowerCase() === p)) return false;
  }
  return true;
}

/**
 * Whether a trigger goes to this channel. A drop in spend is worth knowing but not worth waking
 * someone for: PagerDuty channels get decreases only when one of their rules names "decrease" in
 * `directions`. Other channels take them by their rules as usual, and so do their digests.
 */
export function routes(config: AlertChannelConfig, event: AlertEvent): boolean {
  if (!config.enabled) return false;
  if (config.kind === "pagerduty" && directionOf(event) === "decrease" && !config.rules.some((r) => r.directions?.includes("decrease"))) return false;
  if (config.rules.length === 0) return true;
  return config.rules.some((r) => ruleMatches(r, event));
}

function minutesOfDay(hhmm: string): number {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/** Local wall-clock minutes since midnight in `timeZone` (Intl does the DST arithmetic). */
export function localMinutes(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const h = Number(parts.find((p) => p.type === "hour")?.value ?? "0");
  const m = Number(parts.find((p) => p.type === "minute")?.value ?? "0");
  return h * 60 + m;
}

/** True inside [start, end) local time; a window like 22:00–07:00 wraps midnight. start == end: never quiet. */
export function inQuietHours(q: QuietHours, now: Date): boolean {
  const t = localMinutes(now, q.timezone);
  const s = minutesOfDay(q.start);
  const e = minutesOfDay(q.end);
  if (s === e) return false;
  return s < e ? t >= s && t < e : t >= s || t < e;
}

export function isDeferredByQuietHours(config: AlertChannelConfig, event: AlertEvent, now: Date): boolean {
  const q = config.quietHours;
  if (!q || !inQuietHours(q, now)) return false;
  return !q.bypassSeverities.includes(event.severity);
}
