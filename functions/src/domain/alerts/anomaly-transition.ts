import { z } from "zod";
import { IsoDate } from "#kernel/days.js";
import { absDecimal } from "../billing/money.js";
import { type AlertEvent, anomalyAcknowledged, anomalyResolved, CurrencyCodeSchema, DirectionSchema, RootCauseSchema, SeveritySchema } from "./alert-event.js";

/** The fields of a stored anomaly (`tenants/{t}/anomalies/{id}`) that its alert events carry. */
const AnomalyFacts = z.object({
  where: z.object({ provider: z.string().optional(), accountId: z.string().optional(), service: z.string().optional() }),
  start: IsoDate.optional(),
  end: z.string(),
  direction: DirectionSchema.optional(),
  severity: SeveritySchema,
  impact: z.string(),
  expected: z.string(),
  actual: z.string(),
  currency: CurrencyCodeSchema.default("USD"),
  rootCauses: z.array(RootCauseSchema).default([]),
});

/**
 * A document written while the amounts were named in dollars (`impactUsd`, `expectedUsd`,
 * `actualUsd`, root causes' `contributionUsd`), read under today's names; those were US dollars,
 * which the currency's default says. Today's names win where a document has both.
 */
function upgradeLegacyAnomaly(doc: unknown): unknown {
  if (typeof doc !== "object" || doc === null) return doc;
  const d = doc as Record<string, unknown>;
  const causes = Array.isArray(d.rootCauses) ? (d.rootCauses as Record<string, unknown>[]) : undefined;
  return {
    ...d,
    impact: d.impact ?? d.impactUsd,
    expected: d.expected ?? d.expectedUsd,
    actual: d.actual ?? d.actualUsd,
    ...(causes ? { rootCauses: causes.map(({ contributionUsd, ...c }) => ({ ...c, contribution: c.contribution ?? contributionUsd })) } : {}),
  };
}

/**
 * The alert event of a user's change to an anomaly: acknowledged (PagerDuty acknowledges the
 * incident) or resolved (PagerDuty resolves it, Slack says it is back to normal). The event id is
 * the anomaly's, so it reaches exactly the channels that got the trigger.
 *
 * @example
 *   const ev = anomalyTransition("acknowledged", { tenantId, anomalyId, doc, by: uid, dashboardUrl, now });
 */
export function anomalyTransition(
  kind: "acknowledged" | "resolved",
  a: { tenantId: string; anomalyId: string; doc: unknown; by: string; dashboardUrl: string; now: Date },
): AlertEvent | null {
  const facts = AnomalyFacts.safeParse(upgradeLegacyAnomaly(a.doc));
  // An anomaly stored before these fields existed has nothing a channel could show.
  if (!facts.success) return null;
  const f = facts.data;
  const body = {
    tenantId: a.tenantId,
    anomalyId: a.anomalyId,
    severity: f.severity,
    impact: absDecimal(f.impact),
    currency: f.currency,
    dashboardUrl: `${a.dashboardUrl}/tenants/${a.tenantId}/anomalies/${a.anomalyId}`,
    occurredAt: a.now.toISOString(),
    where: Object.fromEntries(Object.entries(f.where).filter(([, v]) => v)) as Record<string, string>,
    ...(f.start ? { start: f.start } : {}),
    date: f.end,
    ...(f.direction ? { direction: f.direction } : {}),
    expected: f.expected,
    actual: f.actual,
    rootCauses: f.rootCauses,
  };
  return kind === "acknowledged" ? anomalyAcknowledged({ ...body, acknowledgedBy: a.by }) : anomalyResolved(body);
}
