import { z } from "zod";
import { stableAlertId, type Transition } from "./alert-event.js";
import { CHANNEL_KINDS } from "./channel-config.js";
import { ChannelMessageSchema } from "./channel-port.js";

/**
 * The outbox: one record per (alert id, transition, channel), created with DocumentStore.create
 * before anything is sent. The create is the dedupe: a second dispatch of the same anomaly finds
 * the record and sends nothing. The record then carries the outcome of every attempt, so a send is
 * never lost between "decided" and "delivered": a crash leaves a `sending` record that the
 * redelivery of the same alerts message takes back (its `holder`), or, failing that, whose lease
 * expires and `retryPending` picks it up.
 *
 * Top-level collection (not under tenants/) so that one retry sweep sees every tenant's queue;
 * each record carries its tenantId, and only server code reads it.
 */

export const DELIVERY_STATUSES = [
  /** claimed by a dispatcher that is sending right now (lease in leaseUntil) */
  "sending",
  /** failed transiently; retryPending sends it again after nextAttemptAt */
  "pending",
  /** a resolve/acknowledge whose trigger is not delivered yet on this channel */
  "waiting",
  "sent",
  /** held back by quiet hours; the next digest carries it */
  "deferred",
  /** deferred, then included in a digest */
  "digested",
  /** gave up: permanent error or too many attempts; see alert_dead_letters */
  "dead_letter",
  /** no longer applicable (its trigger was dead-lettered, or the channel was removed) */
  "obsolete",
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DeliveryRecordSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  channelId: z.string(),
  channelKind: z.enum(CHANNEL_KINDS),
  /** Alert id (PagerDuty dedup_key), or the digest key. */
  eventId: z.string(),
  transition: z.enum(["trigger", "acknowledge", "resolve", "digest"]),
  message: ChannelMessageSchema,
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int().min(0),
  createdAt: z.string(),
  updatedAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  leaseUntil: z.string().nullable(),
  lastError: z.string().nullable(),
  lastHttpStatus: z.number().int().nullable(),
  sentAt: z.string().nullable(),
  /**
   * The delivery of the alerts message that claimed the record (its message id), so that a
   * redelivery of that same message, after a crash between claim and send, takes its own claim
   * back instead of waiting for the lease to run out. Absent on records older than the field.
   */
  holder: z.string().nullable().optional(),
});
export type DeliveryRecord = z.infer<typeof DeliveryRecordSchema>;

export type DeliveryTransition = Transition | "digest";

export function deliveryId(tenantId: string, eventId: string, transition: DeliveryTransition, channelId: string): string {
  return stableAlertId("dlv", tenantId, eventId, transition, channelId);
}


export interface DeadLetter {
  deliveryId: string;
  tenantId: string;
  channelId: string;
  channelKind: string;
  eventId: string;
  transition: DeliveryTransition;
  attempts: number;
  reason: string;
  httpStatus: number | null;
  at: string;
}
