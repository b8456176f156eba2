import { absDecimal } from "#domain/billing/money.js";
import type { NightlyResult, TenantRunSummary } from "./run-nightly.js";

const usd = (v: string): string => {
  const n = Number(v);
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
};

function tenantLines(t: TenantRunSummary): string[] {
  const lines = [`■ ${t.tenantId}`];
  lines.push(
    `  ingested   ${t.records} rows from ${t.pages} account pages (${t.inserted} new, ${t.updated} changed, ${t.deleted} removed)` +
      (t.failedPages ? `, ${t.failedPages} pages FAILED` : ""),
  );
  const a = t.analysis;
  if (!a) {
    lines.push("  analysis   not run");
    return lines;
  }
  const open = a.anomalies.filter((x) => x.status !== "resolved");
  lines.push(`  anomalies  ${open.length} open${a.anomalies.length > open.length ? `, ${a.anomalies.length - open.length} resolved` : ""}`);
  for (const x of open.sort((p, q) => Number(q.impactUsd) - Number(p.impactUsd)).slice(0, 8)) {
    const sign = x.direction === "increase" ? "+" : "-";
    lines.push(`    ${x.severity.padEnd(8)} ${sign}${usd(absDecimal(x.impactUsd))}  ${x.seriesKey}  ${x.start}${x.end !== x.start ? `..${x.end}` : ""}  [${x.status}]`);
  }
  const total = a.forecasts.find((f) => f.seriesKey === "total");
  if (total) {
    lines.push(`  month end  ${usd(total.projected)} projected (80%: ${usd(total.lower80)}–${usd(total.upper80)}), ${usd(total.actualToDate)} to date`);
  }
  for (const b of a.budgets) {
    const breach = b.daysUntilBreach === null ? "" : b.daysUntilBreach === 0 ? ", BREACHED" : `, breach in ${b.daysUntilBreach} d`;
    lines.push(
      `  budget     ${b.name} (${b.periodKey}) ${usd(b.amount)}: actual ${b.actualPercent}%, forecast ${b.projectedPercent ?? "n/a"}%${breach}`,
    );
  }
  const sent = t.alerts.total;
  lines.push(`  alerts     ${sent.sent} sent, ${sent.skippedDuplicate} duplicates skipped, ${sent.deferred} deferred, ${sent.failed} failed, ${sent.deadLettered} dead-lettered`);
  return lines;
}

export function formatSummary(r: NightlyResult): string {
  return [`Nightly summary for ${r.runDate}`, ...r.tenants.flatMap(tenantLines)].join("\n");
}
