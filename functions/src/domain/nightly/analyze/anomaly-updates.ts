import { createHash } from "node:crypto";
import { addDays } from "#kernel/days.js";
import type { Doc, DocumentWrite } from "#kernel/ports.js";
import { type AlertEvent, anomalyOpened, anomalyResolved, anomalyUpdated, type Severity } from "../../alerts/alert-event.js";
import type { AnomalyRun } from "../../analysis/anomaly/index.js";
import { anomalyWhereOf } from "../../analysis/anomaly/series-where.js";
import { absDecimal } from "../../billing/money.js";
import type { StoredAnomaly } from "./anomaly-docs.js";
import { compareCodePoints } from "./code-point-order.js";
import { paths } from "#kernel/document-paths.js";

/** An open anomaly whose series has been normal this many days is resolved. */
export const RESOLVE_AFTER_DAYS = 2;

/** One anomaly document as the run's result lists it. */
export interface AnomalySummary {
  id: string;
  seriesKey: string;
  start: string;
  end: string;
  direction: "increase" | "decrease";
  impact: string;
  /** The currency of `impact`: the series' billing currency. */
  currency: string;
  /** The ledger view the series reads: the bill, or the Kubernetes allocation (the same money by workload). */
  view: "billed" | "kubernetes-allocation";
  severity: Severity;
  status: string;
}

export interface AnomalyContext {
  tenantId: string;
  asOf: string;
  dashboardUrl: string;
  /** When the run happened: every event's occurredAt. */
  now: Date;
  /**
   * The first day this run re-scored (asOf − RECENT_DAYS + 1). An open anomaly ending on or after
   * it that no run reproduces was undone by late or restated data: it is resolved at once, as
   * `restated`. Absent: such an anomaly waits RESOLVE_AFTER_DAYS like any other.
   */
  rescoredFrom?: string;
  /** The first provisional day (day-completeness.ts): labels each anomaly `provisional` or `settled`. */
  provisionalFrom?: string;
}

export interface AnomalyUpdates {
  writes: DocumentWrite[];
  events: AlertEvent[];
  /** Every anomaly document of the tenant once `writes` are applied, by id. */
  anomalies: AnomalySummary[];
}

/** Natural key of an anomaly: its series and first day, so a re-run finds the same document. */
export const anomalyIdOf = (tenantId: string, seriesKey: string, start: string): string =>
  createHash("sha256").update(`${tenantId}\u0000${seriesKey}\u0000${start}`).digest("hex").slice(0, 24);

/**
 * Turns this run's anomaly runs into document writes and alert events against the documents
 * the tenant already has: a new run opens an anomaly, a run that grew or changed its impact
 * updates it, an unchanged one does nothing (a label that only went from provisional to settled
 * is rewritten without an alert), and an open anomaly that is no longer flagged is resolved:
 * at once (`restated`) when its days were re-scored this run, else (`ended`) once it ended
 * RESOLVE_AFTER_DAYS ago. User fields (status acknowledged, feedback) are never overwritten.
 */
export function anomalyUpdates(ctx: AnomalyContext, runs: readonly AnomalyRun[], existing: readonly Doc<StoredAnomaly>[]): AnomalyUpdates {
  const { tenantId, asOf } = ctx;
  const occurredAt = ctx.now.toISOString();
  const dashboardUrl = (id: string) => `${ctx.dashboardUrl}/tenants/${tenantId}/anomalies/${id}`;
  const byId = new Map(existing.map((d) => [d.id, d] as const));
  const writes: DocumentWrite[] = [];
  const events: AlertEvent[] = [];
  const touched = new Set<string>();

  for (const run of runs) {
    const id = anomalyIdOf(tenantId, run.seriesKey, run.start);
    touched.add(id);
    const prev = byId.get(id)?.data;
    const completeness = ctx.provisionalFrom === undefined ? undefined : run.end >= ctx.provisionalFrom ? "provisional" : "settled";
    const relabelOnly = prev !== undefined && prev.end === run.end && prev.impact === run.impact;
    if (relabelOnly && prev.completeness === completeness) continue;
    if (relabelOnly) {
      writes.push({ path: paths.anomaly(tenantId, id), data: { completeness }, merge: true });
      continue;
    }
    const { view, where } = anomalyWhereOf(run.seriesKey);
    const doc = {
      seriesKey: run.seriesKey,
      view,
      where,
      start: run.start,
      end: run.end,
      direction: run.direction,
      expected: run.expected,
      actual: run.actual,
      impact: run.impact,
      currency: run.currency,
      score: run.score,
      severity: run.severity,
      rootCauses: run.rootCauses,
      ...(run.thresholds ? { thresholds: run.thresholds } : {}),
      detectedAt: asOf,
      ...(completeness ? { completeness } : {}),
    };
    writes.push({ path: paths.anomaly(tenantId, id), data: { ...doc, status: prev?.status ?? "open", feedback: prev?.feedback ?? null }, merge: true });
    const ev = {
      tenantId,
      anomalyId: id,
      severity: doc.severity,
      impact: absDecimal(doc.impact),
      currency: doc.currency,
      dashboardUrl: dashboardUrl(id),
      occurredAt,
      where: doc.where,
      start: run.start,
      date: run.end,
      direction: run.direction,
      expected: doc.expected,
      actual: doc.actual,
      rootCauses: run.rootCauses,
    };
    events.push(prev ? anomalyUpdated(ev) : anomalyOpened(ev));
  }

  for (const d of existing) {
    const a = d.data;
    if (touched.has(d.id) || a.status === "resolved") continue;
    const restated = ctx.rescoredFrom !== undefined && a.end >= ctx.rescoredFrom;
    if (!restated && a.end > addDays(asOf, -RESOLVE_AFTER_DAYS)) continue;
    writes.push({ path: d.path, data: { status: "resolved", resolvedAt: asOf, resolution: restated ? "restated" : "ended" }, merge: true });
    events.push(
      anomalyResolved({
        tenantId,
        anomalyId: d.id,
        severity: a.severity,
        impact: absDecimal(a.impact),
        currency: a.currency,
        dashboardUrl: dashboardUrl(d.id),
        occurredAt,
        where: a.where,
        ...(a.start ? { start: a.start } : {}),
        date: a.end,
        ...(a.direction ? { direction: a.direction } : {}),
        expected: a.expected,
        actual: a.actual,
        rootCauses: a.rootCauses,
      }),
    );
  }

  return { writes, events, anomalies: summarize(existing, writes) };
}

/** The anomaly collection as it reads after the writes (each a shallow merge), ordered by id. */
function summarize(existing: readonly Doc<StoredAnomaly>[], writes: readonly DocumentWrite[]): AnomalySummary[] {
  const docs = new Map<string, { id: string; data: StoredAnomaly }>(existing.map((d) => [d.path, { id: d.id, data: d.data }]));
  for (const w of writes) {
    const id = w.path.slice(w.path.lastIndexOf("/") + 1);
    docs.set(w.path, { id, data: { ...docs.get(w.path)?.data, ...w.data } as StoredAnomaly });
  }
  return [...docs.values()]
    .sort((a, b) => compareCodePoints(a.id, b.id))
    .map(({ id, data }) => ({
      id,
      seriesKey: data.seriesKey,
      start: data.start,
      end: data.end,
      direction: data.direction,
      impact: data.impact,
      currency: data.currency,
      // Documents written before allocation anomalies existed were all on the bill.
      view: data.view ?? anomalyWhereOf(data.seriesKey).view,
      severity: data.severity,
      status: data.status,
    }));
}
