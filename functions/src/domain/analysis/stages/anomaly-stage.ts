import { createHash } from "node:crypto";
import { type AlertEvent, anomalyOpened, anomalyResolved, anomalyUpdated, type Severity } from "../../alerts/alert-event.js";
import { addDays } from "#kernel/days.js";
import { absDecimal, fromNumber } from "../../billing/money.js";
import type { CostRow, CostWarehouse } from "../../billing/ports.js";
import type { DocumentStore } from "#kernel/ports.js";
import { type AnomalyFlag, attributeRootCause, detectSeries } from "../anomaly/index.js";
import { HISTORY_DAYS, toDailySeries } from "./history.js";
import { parseSeriesKey, seriesKeyOf } from "./series-key.js";
import { anomalySettingsOf, feedbackBySeries, type StoredAnomaly } from "./anomaly-docs.js";

/** Flags dated this many days back from asOf are (re)considered each run: late data revises recent days. */
export const RECENT_DAYS = 7;
/** An open anomaly whose series has been normal this many days is resolved. */
export const RESOLVE_AFTER_DAYS = 2;

const SEVERITY_ORDER: Severity[] = ["low", "medium", "high", "critical"];
const maxSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b);

export interface AnomalySummary {
  id: string;
  seriesKey: string;
  start: string;
  end: string;
  direction: "increase" | "decrease";
  impactUsd: string;
  severity: Severity;
  status: string;
}

/** Consecutive flagged days of the same direction form one anomaly. */
function groupFlags(flags: AnomalyFlag[]): AnomalyFlag[][] {
  const groups: AnomalyFlag[][] = [];
  for (const f of [...flags].sort((a, b) => a.date.localeCompare(b.date))) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && prev.direction === f.direction && addDays(prev.date, 1) === f.date) last.push(f);
    else groups.push([f]);
  }
  return groups;
}

const anomalyIdOf = (tenantId: string, seriesKey: string, start: string): string =>
  createHash("sha256").update(`${tenantId}\u0000${seriesKey}\u0000${start}`).digest("hex").slice(0, 24);

const money = (n: number) => fromNumber(Math.abs(n) < 0.005 ? 0 : n, 2);

/**
 * Detects anomalies on each (provider, account, service) usage series, judging each day only on the
 * days up to it, and keeps `tenants/{t}/anomalies/{id}` current: opened, updated as a run of
 * flagged days grows, resolved once the series is back to normal. User fields (status
 * acknowledged, feedback) are never overwritten. Root cause: each region's contribution.
 */
export async function runAnomalyStage(
  deps: { warehouse: CostWarehouse; store: DocumentStore; dashboardUrl: string; now: Date },
  tenantId: string,
  asOf: string,
): Promise<{ anomalies: AnomalySummary[]; events: AlertEvent[] }> {
  const tenantDoc = (await deps.store.get(`tenants/${tenantId}`)) ?? {};
  const settings = anomalySettingsOf(tenantDoc);
  const existing = (await deps.store.list<StoredAnomaly>(`tenants/${tenantId}/anomalies`)).docs;
  const feedback = feedbackBySeries(existing.map((d) => d.data));
  const rows = await deps.warehouse.queryDaily(tenantId, {
    window: { start: addDays(asOf, -HISTORY_DAYS + 1), end: asOf },
    groupBy: ["provider", "sub_account_id", "service_name", "region_id"],
    filter: { charge_category: ["Usage"] },
  });
  const bySeries = new Map<string, CostRow[]>();
  for (const r of rows) {
    const key = seriesKeyOf({ provider: r.dims.provider ?? "", accountId: r.dims.sub_account_id ?? "", service: r.dims.service_name ?? "" });
    bySeries.set(key, [...(bySeries.get(key) ?? []), r]);
  }

  const events: AlertEvent[] = [];
  const touched = new Set<string>();
  const recentFrom = addDays(asOf, -RECENT_DAYS + 1);
  for (const [seriesKey, seriesRows] of bySeries) {
    const series = toDailySeries(seriesRows);
    const flags = detectSeries(series.points, settings, feedback.get(seriesKey) ?? [], seriesKey).filter((f) => f.date >= recentFrom && f.date <= asOf);
    if (flags.length === 0) continue;
    const children = new Map<string, CostRow[]>();
    for (const r of seriesRows) children.set(r.dims.region_id ?? "", [...(children.get(r.dims.region_id ?? "") ?? []), r]);
    const childSeries = [...children].map(([region, rs]) => ({ dimension: "region", value: region || "(none)", points: toDailySeries(rs).points }));
    const where = parseSeriesKey(seriesKey);
    for (const group of groupFlags(flags)) {
      const first = group[0]!;
      const last = group[group.length - 1]!;
      const id = anomalyIdOf(tenantId, seriesKey, first.date);
      touched.add(id);
      const rootCauses = attributeRootCause(series.points, childSeries, last.date, settings).map((c) => ({
        dimension: c.dimension,
        value: c.value,
        contributionUsd: money(c.contribution),
      }));
      const doc = {
        seriesKey,
        where: { provider: where.provider, accountId: where.accountId, service: where.service },
        start: first.date,
        end: last.date,
        direction: first.direction,
        expectedUsd: money(group.reduce((s, f) => s + f.expected, 0)),
        actualUsd: money(group.reduce((s, f) => s + f.actual, 0)),
        impactUsd: money(group.reduce((s, f) => s + f.impact, 0)),
        score: Math.max(...group.map((f) => f.score)),
        severity: group.map((f) => f.severity).reduce(maxSeverity),
        rootCauses,
        detectedAt: asOf,
      };
      const prev = existing.find((d) => d.id === id)?.data;
      const changed = !prev || prev.end !== doc.end || prev.impactUsd !== doc.impactUsd;
      if (!changed) continue;
      await deps.store.set(`tenants/${tenantId}/anomalies/${id}`, { ...doc, status: prev?.status ?? "open", feedback: prev?.feedback ?? null }, { merge: true });
      const ev = {
        tenantId,
        anomalyId: id,
        severity: doc.severity,
        impactUsd: absDecimal(doc.impactUsd),
        dashboardUrl: `${deps.dashboardUrl}/tenants/${tenantId}/anomalies/${id}`,
        occurredAt: deps.now.toISOString(),
        where: { provider: where.provider, accountId: where.accountId, service: where.service },
        date: last.date,
        expectedUsd: doc.expectedUsd,
        actualUsd: doc.actualUsd,
        rootCauses,
      };
      events.push(prev ? anomalyUpdated(ev) : anomalyOpened(ev));
    }
  }

  for (const d of existing) {
    const a = d.data;
    if (touched.has(d.id) || a.status === "resolved" || a.end > addDays(asOf, -RESOLVE_AFTER_DAYS)) continue;
    await deps.store.set(d.path, { status: "resolved", resolvedAt: asOf }, { merge: true });
    events.push(
      anomalyResolved({
        tenantId,
        anomalyId: d.id,
        severity: a.severity,
        impactUsd: absDecimal(a.impactUsd),
        dashboardUrl: `${deps.dashboardUrl}/tenants/${tenantId}/anomalies/${d.id}`,
        occurredAt: deps.now.toISOString(),
        where: a.where,
        date: a.end,
        expectedUsd: a.expectedUsd,
        actualUsd: a.actualUsd,
        rootCauses: a.rootCauses,
      }),
    );
  }

  const all = (await deps.store.list<StoredAnomaly>(`tenants/${tenantId}/anomalies`)).docs;
  const anomalies = all.map((d) => ({
    id: d.id,
    seriesKey: d.data.seriesKey,
    start: d.data.start,
    end: d.data.end,
    direction: d.data.direction,
    impactUsd: d.data.impactUsd,
    severity: d.data.severity,
    status: d.data.status,
  }));
  return { anomalies, events };
}
