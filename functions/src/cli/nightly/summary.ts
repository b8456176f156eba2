import { formatUsd } from "#domain/alerts/describe.js";
import { absDecimal, compareDecimals } from "#domain/billing/money.js";
import type { BudgetStatus, TenantAnalysis } from "#domain/nightly/analyze-tenant.js";
import { formatCount, formatPercent } from "../format.js";
import type { NightlyResult, TenantRunSummary } from "./run-nightly.js";

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

/** Anomalies, month-end forecast and budgets of one analysis, as the summary and `costmon analyze` show them. */
export function analysisLines(a: TenantAnalysis): string[] {
  const lines: string[] = [];
  const open = a.anomalies.filter((x) => x.status !== "resolved");
  lines.push(`  anomalies  ${formatCount(open.length)} open${a.anomalies.length > open.length ? `, ${formatCount(a.anomalies.length - open.length)} resolved` : ""}`);
  for (const x of open.sort((p, q) => compareDecimals(absDecimal(q.impactUsd), absDecimal(p.impactUsd))).slice(0, 8)) {
    const sign = x.direction === "increase" ? "+" : "-";
    lines.push(`    ${x.severity.padEnd(8)} ${sign}${formatUsd(absDecimal(x.impactUsd))}  ${x.seriesKey}  ${x.start}${x.end !== x.start ? `..${x.end}` : ""}  [${x.status}]`);
  }
  const total = a.forecasts.find((f) => f.seriesKey === "total");
  if (total) {
    lines.push(
      `  month end  ${formatUsd(total.projected)} projected (80%: ${formatUsd(total.lower80)}–${formatUsd(total.upper80)}), ${formatUsd(total.actualToDate)} to date`,
    );
  }
  for (const b of a.budgets) {
    const forecast = b.periodClosed ? "period closed" : `forecast ${b.projectedPercent === null ? "n/a" : pct(b.projectedPercent)}`;
    lines.push(`  budget     ${b.name} (${b.periodKey}, ${b.scope}) ${formatUsd(b.amount)}: actual ${pct(b.actualPercent)}, ${forecast}${standing(b)}`);
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
  lines.push(...analysisLines(t.analysis));
  const sent = t.alerts.total;
  lines.push(
    `  alerts     ${formatCount(sent.sent)} sent, ${formatCount(sent.skippedDuplicate)} duplicates skipped, ${formatCount(sent.deferred)} deferred, ${formatCount(sent.failed)} failed, ${formatCount(sent.deadLettered)} dead-lettered`,
  );
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
