import { formatMoney } from "#domain/alerts/describe.js";
import { absDecimal, compareDecimals } from "#domain/billing/money.js";
import type { BudgetStatus, TenantAnalysis } from "#domain/nightly/analyze-tenant.js";
import { formatCount, formatPercent } from "../format.js";
import type { NightlyResult, RecommendationsSummary, TenantRunSummary } from "./run-nightly.js";

/** A percentage the analysis gives with two decimals (92.71), shown like every other percentage. */
const pct = (percent: number): string => formatPercent(percent / 100);

/** The budget's standing in words; the same rule the alerts follow (docs/alerts.md, budgets). */
function standing(b: BudgetStatus): string {
  switch (b.state) {
    case "breached":
      return ", BREACHED";
    case "at_risk":
      return b.daysUntilBreach === null ? ", forecast to breach" : `, breach in ${formatCount(b.daysUntilBreach)} d`;
    default:
      return "";
  }
}

/**
 * Anomalies, month-end forecast and budgets of one analysis, as the summary and `costmon analyze`
 * show them, amounts in the tenant's locale (en-US when absent).
 */
export function analysisLines(a: TenantAnalysis, locale?: string): string[] {
  const money = (amount: string, currency: string): string => formatMoney(amount, currency, locale);
  const lines: string[] = [];
  const open = a.anomalies.filter((x) => x.status !== "resolved");
  lines.push(`  anomalies  ${formatCount(open.length)} open${a.anomalies.length > open.length ? `, ${formatCount(a.anomalies.length - open.length)} resolved` : ""}`);
  for (const x of open.sort((p, q) => compareDecimals(absDecimal(q.impact), absDecimal(p.impact))).slice(0, 8)) {
    const sign = x.direction === "increase" ? "+" : "-";
    lines.push(`    ${x.severity.padEnd(8)} ${sign}${money(absDecimal(x.impact), x.currency)}  ${x.seriesKey}  ${x.start}${x.end !== x.start ? `..${x.end}` : ""}  [${x.status}]`);
  }
  // One tenant total per billing currency ("total", or "total@EUR" when the ledger holds several).
  for (const total of a.forecasts.filter((f) => f.seriesKey === "total" || f.seriesKey.startsWith("total@"))) {
    const c = total.currency;
    lines.push(
      `  month end  ${money(total.projected, c)} projected (80%: ${money(total.lower80, c)}–${money(total.upper80, c)}), ${money(total.actualToDate, c)} to date`,
    );
  }
  for (const b of a.budgets) {
    const forecast = b.periodClosed ? "period closed" : `forecast ${b.projectedPercent === null ? "n/a" : pct(b.projectedPercent)}`;
    lines.push(`  budget     ${b.name} (${b.periodKey}, ${b.scope}) ${money(b.amount, b.currency)}: actual ${pct(b.actualPercent)}, ${forecast}${standing(b)}`);
  }
  return lines;
}

function tenantLines(t: TenantRunSummary): string[] {
  const lines = [`■ ${t.tenantId}`];
  lines.push(
    `  ingested   ${formatCount(t.records)} rows from ${formatCount(t.pages)} account pages (${formatCount(t.inserted)} new, ${formatCount(t.updated)} changed, ${formatCount(t.deleted)} removed)` +
      (t.failedPages ? `, ${formatCount(t.failedPages)} pages FAILED` : ""),
  );
  if (!t.analysis) {
    lines.push("  analysis   not run");
    return lines;
  }
  lines.push(...analysisLines(t.analysis, t.locale));
  const sent = t.alerts.total;
  lines.push(
    `  alerts     ${formatCount(sent.sent)} sent, ${formatCount(sent.skippedDuplicate)} duplicates skipped, ${formatCount(sent.deferred)} deferred, ${formatCount(sent.failed)} failed, ${formatCount(sent.deadLettered)} dead-lettered`,
  );
  if (t.recommendations) lines.push(...recommendationLines(t.recommendations, t.locale));
  return lines;
}

/** The recommendations step: counts, savings per currency, the top ones, realized against estimated per recommender. */
export function recommendationLines(r: RecommendationsSummary, locale?: string): string[] {
  // An amount in its own currency, rounded to its minor unit, in the tenant's locale.
  const money = (amount: string, currency: string): string => formatMoney(amount, currency, locale);
  const savings = Object.entries(r.savings).map(([c, a]) => money(a, c));
  const lines = [
    `  recommendations ${formatCount(r.found)} found, ${formatCount(r.kept)} after de-duplication (${formatCount(r.conflicts)} conflicts), ${savings.length ? savings.join(" + ") : money("0", "USD")} a month` +
      (r.failedAccounts ? `, ${formatCount(r.failedAccounts)} accounts FAILED` : ""),
  ];
  for (const x of r.top) {
    lines.push(`    ${String(x.score).padStart(3)}  ${money(x.monthlySavings.amount, x.monthlySavings.currency)}/mo  ${x.provider} ${x.category} ${x.action}  ${x.resource}`);
  }
  for (const g of r.realized) {
    const ratio = g.ratio === null ? "no ratio" : `${g.ratio} of estimate`;
    lines.push(
      `  realized   ${g.recommender}: ${ratio} (${money(g.realizedMonthly, g.currency)} of ${money(g.estimatedMonthly, g.currency)} a month, ${formatCount(g.measured)} measured` +
        (g.overlapping ? `, ${formatCount(g.overlapping)} overlapping left out` : "") +
        ")",
    );
  }
  return lines;
}

/** A run day after today (UTC) simulates the future: providers have no costs for it yet. */
export function futureRunDateWarning(runDate: string, now: Date): string | null {
  const today = now.toISOString().slice(0, 10);
  return runDate > today ? `warning: the run date ${runDate} is after today (${today} UTC); real providers hold no costs for it yet` : null;
}

/** Tenants the run collected nothing for: a date past the data, or accounts without data in the window. */
export function emptyTenants(r: NightlyResult): string[] {
  return r.tenants.filter((t) => t.records === 0).map((t) => t.tenantId);
}

export function formatSummary(r: NightlyResult): string {
  return [`Nightly summary for ${r.runDate}`, ...r.tenants.flatMap(tenantLines)].join("\n");
}
