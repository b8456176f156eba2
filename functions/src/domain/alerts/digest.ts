import { z } from "zod";
import { addDecimals, compareDecimals } from "../billing/money.js";
import { MoneyString } from "../billing/money.js";
import { type AlertEvent, CurrencyCodeSchema, SeveritySchema, severityRank } from "./alert-event.js";
import { headline } from "./describe.js";
import { LocaleSchema } from "./tenant-locale.js";

/**
 * Daily and weekly digests: one summary per tenant of everything alerted (or held back by quiet
 * hours) in the window. Stored inside the outbox record, so the item list is capped; the count of
 * what did not fit travels with it and the message says "+N more".
 */

export const DIGEST_PERIODS = ["daily", "weekly"] as const;
export type DigestPeriod = (typeof DIGEST_PERIODS)[number];

/** Items kept inside one digest record (Firestore documents are at most 1 MiB). */
export const MAX_DIGEST_ITEMS = 200;

/**
 * A digest stored in the outbox before amounts carried their currency: `impactUsd` per item and one
 * `totalImpactUsd`, all in USD. Read with today's names, so such a record is not left unreadable.
 */
function upgradeLegacyDigest(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const { totalImpactUsd, items, ...rest } = input as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (totalImpactUsd !== undefined && !("totalImpact" in rest)) out.totalImpact = [{ currency: "USD", impact: totalImpactUsd }];
  else if (totalImpactUsd !== undefined) out.totalImpactUsd = totalImpactUsd;
  if (items !== undefined) {
    out.items = Array.isArray(items)
      ? items.map((item: unknown) => {
          if (typeof item !== "object" || item === null || !("impactUsd" in item) || "impact" in item) return item;
          const { impactUsd, ...itemRest } = item as Record<string, unknown>;
          return { ...itemRest, impact: impactUsd, currency: "USD" };
        })
      : items;
  }
  return out;
}

export const DigestItemSchema = z
  .object({
    eventId: z.string(),
    type: z.string(),
    severity: SeveritySchema,
    headline: z.string(),
    impact: MoneyString,
    currency: CurrencyCodeSchema,
    occurredAt: z.string(),
    dashboardUrl: z.string(),
    /** True when quiet hours held this alert back, so the digest is its first appearance. */
    deferred: z.boolean(),
    resolved: z.boolean(),
  })
  .strict();
export type DigestItem = z.infer<typeof DigestItemSchema>;

const CurrentAlertDigestSchema = z
  .object({
    tenantId: z.string(),
    period: z.enum(DIGEST_PERIODS),
    from: z.string(),
    to: z.string(),
    /** The impacts added up per currency (never across currencies), by currency code. */
    totalImpact: z.array(z.object({ currency: CurrencyCodeSchema, impact: MoneyString }).strict()),
    totalCount: z.number().int().min(0),
    deferredCount: z.number().int().min(0),
    items: z.array(DigestItemSchema),
    /** Items that did not fit in `items`. */
    omittedCount: z.number().int().min(0),
    /** The tenant's locale, which the amounts are written in (en-US when absent). */
    locale: LocaleSchema.optional(),
  })
  .strict();
/** A digest as the outbox stores it; one written before amounts carried a currency reads as USD. */
export const AlertDigestSchema = z.preprocess(upgradeLegacyDigest, CurrentAlertDigestSchema);
export type AlertDigest = z.infer<typeof CurrentAlertDigestSchema>;

export interface DigestEntry {
  event: AlertEvent;
  deferred: boolean;
}

/** Groups entries by alert id (one line per alert, latest state wins) and orders by severity, then impact. */
export function buildDigest(
  tenantId: string,
  period: DigestPeriod,
  from: Date,
  to: Date,
  entries: readonly DigestEntry[],
  locale?: string,
): AlertDigest {
  const byId = new Map<string, { latest: AlertEvent; first: AlertEvent; deferred: boolean; resolved: boolean }>();
  for (const { event, deferred } of entries) {
    const cur = byId.get(event.id);
    const resolved = event.type === "anomaly.resolved";
    if (!cur) {
      byId.set(event.id, { latest: event, first: event, deferred, resolved });
      continue;
    }
    if (event.occurredAt >= cur.latest.occurredAt) cur.latest = event;
    cur.deferred ||= deferred;
    cur.resolved ||= resolved;
  }
  const items: DigestItem[] = [...byId.values()].map(({ latest, first, deferred, resolved }) => {
    // A resolution carries the same figures; describe the alert by what opened it.
    const shown = latest.type === "anomaly.resolved" || latest.type === "anomaly.acknowledged" ? first : latest;
    return {
      eventId: latest.id,
      type: shown.type,
      severity: shown.severity,
      headline: headline(shown),
      impact: shown.impact,
      currency: shown.currency,
      occurredAt: shown.occurredAt,
      dashboardUrl: shown.dashboardUrl,
      deferred,
      resolved,
    };
  });
  items.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.currency === b.currency ? compareDecimals(b.impact, a.impact) : a.currency < b.currency ? -1 : 1) ||
      a.eventId.localeCompare(b.eventId),
  );
  const kept = items.slice(0, MAX_DIGEST_ITEMS);
  return {
    tenantId,
    period,
    from: from.toISOString(),
    to: to.toISOString(),
    totalImpact: [...new Set(items.map((i) => i.currency))].sort().map((currency) => ({
      currency,
      impact: addDecimals(items.filter((i) => i.currency === currency).map((i) => i.impact)),
    })),
    totalCount: items.length,
    deferredCount: items.filter((i) => i.deferred).length,
    items: kept,
    omittedCount: items.length - kept.length,
    ...(locale ? { locale } : {}),
  };
}
