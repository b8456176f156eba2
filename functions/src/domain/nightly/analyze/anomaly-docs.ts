import type { RootCause, Severity } from "../../alerts/alert-event.js";
import type { DocumentData } from "#kernel/ports.js";
import { type AnomalyThresholdBasis, parseTenantDetectionSettings, type SeriesFeedback, type TenantDetectionSettings } from "../../analysis/anomaly/index.js";

/** `tenants/{t}/anomalies/{id}` as the nightly analysis writes it. */
export interface StoredAnomaly extends DocumentData {
  seriesKey: string;
  /** The ledger view of the series (absent on documents from before allocation anomalies: billed). */
  view?: "billed" | "kubernetes-allocation";
  where: { provider: string; accountId: string; service: string };
  start: string;
  end: string;
  direction: "increase" | "decrease";
  /** Decimal amounts in `currency`, the series' billing currency. */
  expected: string;
  actual: string;
  impact: string;
  currency: string;
  score: number;
  severity: Severity;
  rootCauses: RootCause[];
  status: "open" | "acknowledged" | "resolved";
  feedback: "expected" | "unexpected" | "planned" | null;
  /** Whether the anomaly's last day was still filling in when it was last written. */
  completeness?: "provisional" | "settled";
  /** Where the detection thresholds of the series' currency came from (thresholds.ts), and the rate that converted them. */
  thresholds?: AnomalyThresholdBasis;
  /** Why it was resolved: it ended, or late or restated data undid it. */
  resolution?: "ended" | "restated";
}

/**
 * An anomaly document as today's code reads it. Documents written while the amounts were named
 * in dollars (`expectedUsd`, `actualUsd`, `impactUsd`, root causes' `contributionUsd`) were in US
 * dollars: their figures are read under today's names with currency USD. Today's fields win where
 * a document has both (a later write merged over an old one).
 *
 * @example
 * storedAnomalyOf({ impactUsd: "12.5", ... }).impact; // "12.5", currency "USD"
 */
export function storedAnomalyOf(data: DocumentData): StoredAnomaly {
  const legacy = (now: string, old: string) => (data[now] ?? data[old]) as string;
  const causes = Array.isArray(data.rootCauses) ? (data.rootCauses as Record<string, unknown>[]) : [];
  return {
    ...data,
    expected: legacy("expected", "expectedUsd"),
    actual: legacy("actual", "actualUsd"),
    impact: legacy("impact", "impactUsd"),
    currency: typeof data.currency === "string" ? data.currency : "USD",
    rootCauses: causes.map(({ contributionUsd, ...c }) => ({ ...c, contribution: (c.contribution ?? contributionUsd) as string }) as RootCause),
  } as StoredAnomaly;
}

/**
 * The tenant's detection settings from its document's `analysis` map, per currency (thresholds.ts:
 * legacy `minImpactUsd` / `impactThresholdUsd` read as USD amounts). A malformed map throws.
 */
export function anomalySettingsOf(tenantDoc: DocumentData): TenantDetectionSettings {
  return parseTenantDetectionSettings(tenantDoc.analysis);
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
