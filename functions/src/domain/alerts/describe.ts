import { compareDecimals, roundDecimal, sub } from "../billing/money.js";
import type { AlertEvent, AlertWhere } from "./alert-event.js";
import { displayText } from "./display-text.js";
import { DEFAULT_LOCALE } from "./tenant-locale.js";

/**
 * Plain-text wording shared by every channel (Slack, PagerDuty, console), so an alert reads the
 * same everywhere. Channel adapters add their own markup around these strings. User text in them
 * (budget names, scopes, billing dimensions, error text) is as stored, made one plain line by
 * {@link displayText}; each channel still escapes it for its own syntax.
 */

const formatters = new Map<string, Intl.NumberFormat>();
function formatterOf(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, f);
  }
  return f;
}

/**
 * An amount in its currency: "$1,234.57", "€12.30", "¥1,235", rounded half-even to the
 * currency's minor unit (Intl's fraction digits: 2 for USD and EUR, 0 for JPY); negative as
 * "-$12.00". `locale` decides the symbols and grouping: an alert's is its tenant's (the event's
 * `locale`, set by the dispatcher from the tenant document), en-US otherwise.
 *
 * @example
 * formatMoney("2984.075", "EUR"); // "€2,984.08"
 */
export function formatMoney(amount: string, currency: string, locale: string = DEFAULT_LOCALE): string {
  const f = formatterOf(currency, locale);
  // Intl formats the rounded decimal string exactly; it never goes through a float.
  return f.format(roundDecimal(amount, f.resolvedOptions().maximumFractionDigits ?? 2) as unknown as number);
}

/** "+$12.00" / "-$3.50": a signed difference. */
export function formatSignedMoney(amount: string, currency: string, locale: string = DEFAULT_LOCALE): string {
  return compareDecimals(amount, "0") >= 0 ? `+${formatMoney(amount, currency, locale)}` : formatMoney(amount, currency, locale);
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
      return `Cost anomaly ${formatSignedMoney(sub(event.actual, event.expected), event.currency, event.locale)} on ${describeWhere(event.where)} (${anomalyDays(event)})`;
    case "anomaly.resolved":
      return `Resolved: cost anomaly on ${describeWhere(event.where)} (${anomalyDays(event)})`;
    case "anomaly.acknowledged":
      return `Acknowledged by ${event.acknowledgedBy}: cost anomaly on ${describeWhere(event.where)} (${anomalyDays(event)})`;
    case "budget.threshold_crossed":
      return `Budget "${event.budgetName}" ${event.basis === "forecast" ? "forecast to cross" : "crossed"} ${event.thresholdPct}% for ${event.periodKey}: ${formatMoney(event.spent, event.currency, event.locale)} of ${formatMoney(event.budget, event.currency, event.locale)}`;
    case "forecast.breach_ahead":
      return `Budget "${event.budgetName}" forecast to be exceeded in ${event.daysUntilBreach} day${event.daysUntilBreach === 1 ? "" : "s"} (${event.breachDate})`;
    case "collection.failing":
      return `Cost collection failing for account ${event.accountId} since ${event.since} (${event.consecutiveFailures} failed run${event.consecutiveFailures === 1 ? "" : "s"})`;
    case "llm_budget.crossed":
      return `LLM budget "${event.budgetName}" crossed ${event.thresholdPct}% for ${event.periodKey}: ${formatMoney(event.spent, event.currency, event.locale)} of ${formatMoney(event.budget, event.currency, event.locale)}`;
  }
}

/** Figures as label/value pairs (for Slack fields, PagerDuty custom_details, the console line). */
export function figures(event: AlertEvent): [label: string, value: string][] {
  const out: [string, string][] = [
    ["Severity", event.severity],
    ["Impact", formatMoney(event.impact, event.currency, event.locale)],
  ];
  switch (event.type) {
    case "anomaly.opened":
    case "anomaly.updated":
    case "anomaly.resolved":
    case "anomaly.acknowledged":
      out.push(["Where", describeWhere(event.where)], event.start && event.start !== event.date ? ["Days", anomalyDays(event)] : ["Day", event.date]);
      out.push(["Expected", formatMoney(event.expected, event.currency, event.locale)], ["Actual", formatMoney(event.actual, event.currency, event.locale)]);
      break;
    case "budget.threshold_crossed":
      out.push(["Budget", `${event.budgetName} (${event.periodKey})`], ["Threshold", `${event.thresholdPct}% (${event.basis})`]);
      out.push([event.basis === "forecast" ? "Forecast" : "Spent", formatMoney(event.spent, event.currency, event.locale)], ["Budget amount", formatMoney(event.budget, event.currency, event.locale)]);
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
      out.push(["Spent", formatMoney(event.spent, event.currency, event.locale)], ["Budget amount", formatMoney(event.budget, event.currency, event.locale)]);
      if (event.model) out.push(["Model", event.model]);
      break;
  }
  const fc = "forecast" in event ? event.forecast : undefined;
  if (fc) {
    out.push(["Forecast vs budget", `${formatMoney(fc.projected, event.currency, event.locale)} vs ${formatMoney(fc.budget, event.currency, event.locale)}${fc.periodEnd ? ` by ${fc.periodEnd}` : ""}`]);
  }
  return out.map(([label, value]): [string, string] => [label, displayText(value)]);
}

/** Root causes with their dimension and value made one plain line each (tag values are anyone's text). */
export function rootCausesOf(event: AlertEvent) {
  const causes = "rootCauses" in event ? event.rootCauses : [];
  return causes.map((c) => ({ ...c, dimension: displayText(c.dimension), value: displayText(c.value) }));
}

/**
 * A digest's impact per currency, "$12.00 + €3.50" ("$0.00" when it holds nothing), in the
 * digest's locale: never one sum across currencies.
 */
export function totalImpactText(digest: { totalImpact: readonly { currency: string; impact: string }[]; locale?: string | undefined }): string {
  if (digest.totalImpact.length === 0) return formatMoney("0", "USD", digest.locale);
  return digest.totalImpact.map((t) => formatMoney(t.impact, t.currency, digest.locale)).join(" + ");
}
