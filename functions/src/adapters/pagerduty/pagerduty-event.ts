import type { AlertEvent, Transition } from "#domain/alerts/alert-event.js";
import type { ChannelTestMessage } from "#domain/alerts/channel-port.js";
import { describeScope, figures, formatSignedMoney, headline, rootCausesOf } from "#domain/alerts/describe.js";
import { displayText } from "#domain/alerts/display-text.js";
import { type PagerDutySeverity, pagerDutySeverity, priorityOf } from "#domain/alerts/severity.js";

/**
 * PagerDuty Events API v2 request bodies (POST https://events.pagerduty.com/v2/enqueue), shaped by
 * the OpenAPI in ../shared/data/pagerduty-events-v2/events-v2.openapiv3.json: `routing_key` and
 * `event_action` required; a trigger's `payload` requires summary, severity and source.
 * `dedup_key` is the alert's stable id, so re-sends update one PagerDuty alert instead of opening
 * another, and resolve/acknowledge find it.
 *
 * The Events API defines no markup for these fields (they are plain text to PagerDuty), so user
 * text is not entity-escaped here, which would show `&lt;` to the responder; it gets the one-line
 * form (display-text.ts): the summary and source reach phones and pagers, where a line break in
 * someone's budget name would read as a line of the alert of its own.
 */

/** PagerDuty truncates summary at 1024 characters (Events API v2 overview, "summary"). */
export const MAX_SUMMARY = 1024;
/** Root causes copied into custom_details; the count of the rest goes alongside. */
export const MAX_ROOT_CAUSES_IN_DETAILS = 20;

export interface PagerDutyTrigger {
  routing_key: string;
  event_action: "trigger";
  dedup_key: string;
  payload: {
    summary: string;
    severity: PagerDutySeverity;
    source: string;
    timestamp: string;
    component?: string;
    group?: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  client: string;
  client_url: string;
  links: { href: string; text: string }[];
}

export interface PagerDutyFollowUp {
  routing_key: string;
  event_action: "acknowledge" | "resolve";
  dedup_key: string;
}

export type PagerDutyEventBody = PagerDutyTrigger | PagerDutyFollowUp;

/** One plain line of at most `max` characters. */
function cut(text: string, max: number): string {
  const line = displayText(text);
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join("")}…`;
}

/** `source`: the affected system, here provider/account (or the tenant when the alert has no scope). */
export function pagerDutySource(event: AlertEvent): string {
  const w = event.where;
  const s = [w.provider, w.accountId].filter(Boolean).join("/");
  return s || `tenant/${event.tenantId}`;
}

export function pagerDutyBody(event: AlertEvent, transition: Transition, routingKey: string): PagerDutyEventBody {
  if (transition !== "trigger") return { routing_key: routingKey, event_action: transition, dedup_key: event.id };
  const causes = rootCausesOf(event);
  const details: Record<string, unknown> = {
    tenant: displayText(event.tenantId),
    type: event.type,
    priority: priorityOf(event.severity),
    where: describeScope(event),
    // The exact decimals beside the formatted figures, with the code of their currency.
    impact_value: event.impact,
    currency: event.currency,
    ...Object.fromEntries(figures(event).map(([k, v]) => [k.toLowerCase().replace(/[^a-z0-9]+/g, "_"), v])),
  };
  if ("expected" in event) {
    details.expected_value = event.expected;
    details.actual_value = event.actual;
  }
  if ("forecast" in event && event.forecast) {
    details.projected_value = event.forecast.projected;
    details.budget_value = event.forecast.budget;
  }
  if (causes.length > 0) {
    details.root_causes = causes
      .slice(0, MAX_ROOT_CAUSES_IN_DETAILS)
      .map((c) => `${c.dimension}=${c.value}: ${formatSignedMoney(c.contribution, event.currency, event.locale)}`);
    if (causes.length > MAX_ROOT_CAUSES_IN_DETAILS) details.root_causes_more = causes.length - MAX_ROOT_CAUSES_IN_DETAILS;
  }
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: event.id,
    payload: {
      summary: cut(`[${priorityOf(event.severity)}] ${headline(event)}`, MAX_SUMMARY),
      severity: pagerDutySeverity(event.severity),
      source: cut(pagerDutySource(event), 255),
      timestamp: event.occurredAt,
      ...(event.where.service ? { component: displayText(event.where.service) } : {}),
      ...(event.where.provider ? { group: displayText(event.where.provider) } : {}),
      class: event.type,
      custom_details: details,
    },
    client: "AI Cost Monitoring Platform",
    client_url: event.dashboardUrl,
    links: [{ href: event.dashboardUrl, text: "Open in the cost dashboard" }],
  };
}

/** The trigger and resolve of a channel test: severity info, one dedup key per tenant and channel. */
export function pagerDutyTestBodies(test: ChannelTestMessage, routingKey: string): [PagerDutyTrigger, PagerDutyFollowUp] {
  const dedupKey = cut(`costmon-test-${test.tenantId}-${test.channelId}`, 255);
  return [
    {
      routing_key: routingKey,
      event_action: "trigger",
      dedup_key: dedupKey,
      payload: {
        summary: cut(`Cost monitoring test alert for tenant ${test.tenantId} (channel ${test.channelId}); resolved automatically`, MAX_SUMMARY),
        severity: "info",
        source: cut(`tenant/${test.tenantId}`, 255),
        timestamp: test.sentAt,
        class: "channel.test",
        custom_details: { tenant: displayText(test.tenantId), channel: displayText(test.channelId) },
      },
      client: "AI Cost Monitoring Platform",
      client_url: test.dashboardUrl,
      links: [{ href: test.dashboardUrl, text: "Open the cost dashboard" }],
    },
    { routing_key: routingKey, event_action: "resolve", dedup_key: dedupKey },
  ];
}
