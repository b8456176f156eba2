import type { RootCause, Severity } from "../../alerts/alert-event.js";
import type { DocumentData } from "#kernel/ports.js";
import type { DetectionConfigInput, SeriesFeedback } from "../../analysis/anomaly/index.js";

/** `tenants/{t}/anomalies/{id}` as the nightly analysis writes it. */
export interface StoredAnomaly extends DocumentData {
  seriesKey: string;
  where: { provider: string; accountId: string; service: string };
  start: string;
  end: string;
  direction: "increase" | "decrease";
  expectedUsd: string;
  actualUsd: string;
  impactUsd: string;
  score: number;
  severity: Severity;
  rootCauses: RootCause[];
  status: "open" | "acknowledged" | "resolved";
  feedback: "expected" | "unexpected" | "planned" | null;
}

/** Tenant settings as the tenant document stores them (`analysis` map). */
interface TenantAnalysisSettings {
  minImpactUsd?: number;
  minChangePct?: number;
  impactThresholdUsd?: number;
  sensitivity?: "low" | "medium" | "high";
}

/** The tenant's detection settings; the detector's defaults fill what the tenant did not set. */
export function anomalySettingsOf(tenantDoc: DocumentData): DetectionConfigInput {
  const a = (tenantDoc.analysis ?? {}) as TenantAnalysisSettings;
  const cfg: DetectionConfigInput = {};
  if (typeof a.minImpactUsd === "number") cfg.minImpactUsd = a.minImpactUsd;
  if (typeof a.minChangePct === "number") cfg.percentThreshold = a.minChangePct / 100;
  if (typeof a.impactThresholdUsd === "number") cfg.impactThresholdUsd = a.impactThresholdUsd;
  if (a.sensitivity) cfg.sensitivity = a.sensitivity;
  return cfg;
}

/**
 * Feedback users gave on past anomalies, by series. It is dated at the anomaly's first day, so
 * the detector applies it from the next day on (an "expected" level shift becomes the new normal).
 */
export function feedbackBySeries(docs: StoredAnomaly[]): Map<string, SeriesFeedback[]> {
  const out = new Map<string, SeriesFeedback[]>();
  for (const d of docs) {
    if (!d.feedback) continue;
    out.set(d.seriesKey, [...(out.get(d.seriesKey) ?? []), { date: d.start, label: d.feedback }]);
  }
  return out;
}
