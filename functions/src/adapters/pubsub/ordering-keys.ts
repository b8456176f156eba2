import { TOPICS } from "#domain/nightly/messages.js";

/** Chooses the ordering key of a message, or none. */
export type OrderingKeyOf = (topic: string, data: unknown) => string | undefined;

/** The topics whose messages carry an ordering key; their subscriptions enable message ordering. */
export const ORDERED_TOPICS: ReadonlySet<string> = new Set([TOPICS.alerts]);

/**
 * Where the nightly needs order, and only there: the `alerts` topic, keyed by tenant. An anomaly's
 * trigger and its later acknowledge or resolve (updateAnomaly, or the next night's analysis) are
 * separate messages; PagerDuty must see them in that order, or a resolve could arrive before the
 * trigger it closes and leave an open incident. The subscription of `alerts` enables message
 * ordering to match.
 *
 * No key elsewhere, on purpose: `collect-account` pages are independent, idempotent upserts of
 * their own window, and a key per tenant or account would make Pub/Sub deliver one page at a time
 * and stretch a backfill for nothing; `nightly-collect` is one message a night and
 * `costs-collected` one per tenant and run. A key also has a cost: after a failed publish its
 * later messages wait until the publisher resumes the key (the bus does that at once).
 *
 * @example
 *   nightlyOrderingKey("alerts", { tenantId: "t1", events: [] }); // "t1"
 *   nightlyOrderingKey("collect-account", { tenantId: "t1" });    // undefined
 */
export const nightlyOrderingKey: OrderingKeyOf = (topic, data) => {
  if (!ORDERED_TOPICS.has(topic) || data === null || typeof data !== "object") return undefined;
  const tenantId = (data as { tenantId?: unknown }).tenantId;
  return typeof tenantId === "string" && tenantId.length > 0 ? tenantId : undefined;
};
