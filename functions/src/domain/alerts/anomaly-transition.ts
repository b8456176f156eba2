import { z } from "zod";
import { IsoDate } from "#kernel/days.js";
import { absDecimal } from "../billing/money.js";
import { type AlertEvent, anomalyAcknowledged, anomalyResolved, DirectionSchema, RootCauseSchema, SeveritySchema } from "./alert-event.js";

/** The fields of a stored anomaly (`tenants/{t}/anomalies/{id}`) that its alert events carry. */
const AnomalyFacts = z.object({
  where: z.object({ provider: z.string().optional(), accountId: z.string().optional(), service: z.string().optional() }),
  start: IsoDate.optional(),
  end: z.string(),
  direction: DirectionSchema.optional(),
  severity: SeveritySchema,
  impactUsd: z.string(),
  expectedUsd: z.string(),
  actualUsd: z.string(),
  rootCauses: z.array(RootCauseSchema).default([]),
});

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
  const facts = AnomalyFacts.safeParse(a.doc);
  // An anomaly stored before these fields existed has nothing a channel could show.
  if (!facts.success) return null;
  const f = facts.data;
  const body = {
    tenantId: a.tenantId,
    anomalyId: a.anomalyId,
    severity: f.severity,
    impactUsd: absDecimal(f.impactUsd),
    dashboardUrl: `${a.dashboardUrl}/tenants/${a.tenantId}/anomalies/${a.anomalyId}`,
    occurredAt: a.now.toISOString(),
    where: Object.fromEntries(Object.entries(f.where).filter(([, v]) => v)) as Record<string, string>,
    ...(f.start ? { start: f.start } : {}),
    date: f.end,
    ...(f.direction ? { direction: f.direction } : {}),
    expectedUsd: f.expectedUsd,
    actualUsd: f.actualUsd,
    rootCauses: f.rootCauses,
  };
  return kind === "acknowledged" ? anomalyAcknowledged({ ...body, acknowledgedBy: a.by }) : anomalyResolved(body);
}
