import { compareDecimals, roundDecimal, sub } from "../billing/money.js";
import type { AlertEvent, AlertWhere } from "./alert-event.js";
import { displayText } from "./display-text.js";

/**
 * Plain-text wording shared by every channel (Slack, PagerDuty, console), so an alert reads the
 * same everywhere. Channel adapters add their own markup around these strings. User text in them
 * (budget names, scopes, billing dimensions, error text) is as stored, made one plain line by
 * {@link displayText}; each channel still escapes it for its own syntax.
 */

const USD = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** "$1,234.57" from a decimal string, rounded half-even to cents; negative as "-$12.00". */
export function formatUsd(amount: string): string {
  // Intl formats the rounded decimal string exactly; it never goes through a float.
  return USD.format(roundDecimal(amount, 2) as unknown as number);
}

/** "+$12.00" / "-$3.50": a signed difference. */
export function formatSignedUsd(amount: string): string {
  return compareDecimals(amount, "0") >= 0 ? `+${formatUsd(amount)}` : formatUsd(amount);
}

export function describeWhere(where: AlertWhere | undefined): string {
  if (!where) return "all scopes";
  const parts = [where.provider, where.accountId, where.service, where.region].filter(
    (p): p is string => typeof p === "string" && p.length > 0,
  );
  return parts.length > 0 ? displayText(parts.join(" / ")) : "all scopes";
}

/**
 * The days an anomaly covers: "2026-11-13..2026-11-17" for a window, the day alone for a one-day
 * anomaly, so that a five-day drift does not read as a one-day jump.
 */
export function anomalyDays(event: { start?: string | undefined; date: string }): string {
  return event.start && event.start !== event.date ? `${event.start}..${event.date}` : event.date;
}

/** Where an event applies: a budget's scope in words when it has one, else its `where`. */
export function describeScope(event: AlertEvent): string {
  if (event.type === "budget.threshold_crossed" || event.type === "forecast.breach_ahead") {
    if (event.scope) return displayText(event.scope);
    const where = describeWhere(event.where);
    return where === "all scopes" ? "all costs" : where;
  }
  return describeWhere(event.where);
}

/** One-line headline: what happened, where, and how much. */
export function headline(event: AlertEvent): string {
  return displayText(unsafeHeadline(event));
}

function unsafeHeadline(event: AlertEvent): string {
  switch (event.type) {
    case "anomaly.opened":
    case "anomaly.updated":
      return `Cost anomaly ${formatSignedUsd(sub(event.actualUsd, event.expectedUsd))} on ${describeWhere(event.where)} (${anomalyDays(event)})`;
    case "anomaly.resolved":
      return `Resolved: cost anomaly on ${describeWhere(event.where)} (${anomalyDays(event)})`;
    case "anomaly.acknowledged":
      return `Acknowledged by ${event.acknowledgedBy}: cost anomaly on ${describeWhere(event.where)} (${anomalyDays(event)})`;
    case "budget.threshold_crossed":
      return `Budget "${event.budgetName}" ${event.basis === "forecast" ? "forecast to cross" : "crossed"} ${event.thresholdPct}% for ${event.periodKey}: ${formatUsd(event.spentUsd)} of ${formatUsd(event.budgetUsd)}`;
    case "forecast.breach_ahead":
      return `Budget "${event.budgetName}" forecast to be exceeded in ${event.daysUntilBreach} day${event.daysUntilBreach === 1 ? "" : "s"} (${event.breachDate})`;
    case "collection.failing":
      return `Cost collection failing for account ${event.accountId} since ${event.since} (${event.consecutiveFailures} failed run${event.consecutiveFailures === 1 ? "" : "s"})`;
    case "llm_budget.crossed":
      return `LLM budget "${event.budgetName}" crossed ${event.thresholdPct}% for ${event.periodKey}: ${formatUsd(event.spentUsd)} of ${formatUsd(event.budgetUsd)}`;
  }
}

/** Figures as label/value pairs (for Slack fields, PagerDuty custom_details, the console line). */
export function figures(event: AlertEvent): [label: string, value: string][] {
  const out: [string, string][] = [
    ["Severity", event.severity],
    ["Impact", formatUsd(event.impactUsd)],
  ];
  switch (event.type) {
    case "anomaly.opened":
    case "anomaly.updated":
    case "anomaly.resolved":
    case "anomaly.acknowledged":
      out.push(["Where", describeWhere(event.where)], event.start && event.start !== event.date ? ["Days", anomalyDays(event)] : ["Day", event.date]);
      out.push(["Expected", formatUsd(event.expectedUsd)], ["Actual", formatUsd(event.actualUsd)]);
      break;
    case "budget.threshold_crossed":
      out.push(["Budget", `${event.budgetName} (${event.periodKey})`], ["Threshold", `${event.thresholdPct}% (${event.basis})`]);
      out.push([event.basis === "forecast" ? "Forecast" : "Spent", formatUsd(event.spentUsd)], ["Budget amount", formatUsd(event.budgetUsd)]);
      if (describeScope(event) !== "all costs") out.push(["Scope", describeScope(event)]);
      break;
    case "forecast.breach_ahead":
      out.push(["Budget", `${event.budgetName} (${event.periodKey})`], ["Days until breach", String(event.daysUntilBreach)]);
      out.push(["Breach date", event.breachDate]);
      if (describeScope(event) !== "all costs") out.push(["Scope", describeScope(event)]);
      break;
    case "collection.failing":
      out.push(["Where", describeWhere(event.where)], ["Failing since", event.since]);
      out.push(["Failed runs", String(event.consecutiveFailures)], ["Last error", event.lastError || "(none recorded)"]);
      break;
    case "llm_budget.crossed":
      out.push(["Budget", `${event.budgetName} (${event.periodKey})`], ["Threshold", `${event.thresholdPct}%`]);
      out.push(["Spent", formatUsd(event.spentUsd)], ["Budget amount", formatUsd(event.budgetUsd)]);
      if (event.model) out.push(["Model", event.model]);
      break;
  }
  const fc = "forecast" in event ? event.forecast : undefined;
  if (fc) {
    out.push(["Forecast vs budget", `${formatUsd(fc.forecastUsd)} vs ${formatUsd(fc.budgetUsd)}${fc.periodEnd ? ` by ${fc.periodEnd}` : ""}`]);
  }
  return out.map(([label, value]): [string, string] => [label, displayText(value)]);
}

/** Root causes with their dimension and value made one plain line each (tag values are anyone's text). */
export function rootCausesOf(event: AlertEvent) {
  const causes = "rootCauses" in event ? event.rootCauses : [];
  return causes.map((c) => ({ ...c, dimension: displayText(c.dimension), value: displayText(c.value) }));
}
