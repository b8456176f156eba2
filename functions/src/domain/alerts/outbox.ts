import { paths } from "#kernel/document-paths.js";
import type { Clock, DocumentStore } from "#kernel/ports.js";
import type { AlertChannelConfig } from "./channel-config.js";
import type { AlertLog, QueuedMessage } from "./channel-port.js";
import {
  type DeadLetter,
  type DeliveryRecord,
  DeliveryRecordSchema,
  type DeliveryStatus,
  type DeliveryTransition,
  deliveryId,
} from "./delivery-record.js";

/**
 * Store operations on the outbox (delivery-record.ts): create-once, status changes, leases,
 * the retry queue and the dead letter. The dispatcher decides; this file only persists.
 */

const PAGE = 300;
const QUEUED: DeliveryStatus[] = ["pending", "sending", "waiting"];

export interface Outbox {
  newRecord(
    config: AlertChannelConfig,
    eventId: string,
    transition: DeliveryTransition,
    message: QueuedMessage,
    status: DeliveryStatus,
    holder?: string,
  ): DeliveryRecord;
  /** false when the record already exists: the dedupe. */
  create(rec: DeliveryRecord): Promise<boolean>;
  get(id: string): Promise<DeliveryRecord | null>;
  patch(id: string, patch: Partial<DeliveryRecord>): Promise<void>;
  /** Reserves a queued record for one sweep; null when not due, leased by someone else, or gone. */
  claim(id: string, nowMs: number): Promise<DeliveryRecord | null>;
  /**
   * Takes back a `sending` record that `holder` claimed and never finished (its delivery crashed
   * between claim and send), whatever its lease says; null when it is not such a record.
   */
  resume(id: string, nowMs: number, holder: string): Promise<DeliveryRecord | null>;
  /** Queued record ids, triggers first, oldest first. */
  queued(): Promise<string[]>;
  /** Alert records of a tenant created in [from, to). */
  forTenant(tenantId: string, from: Date, to: Date): Promise<DeliveryRecord[]>;
  deadLetter(rec: DeliveryRecord, attempts: number, reason: string, httpStatus: number | null): Promise<DeadLetter>;
}

export function createOutbox(store: DocumentStore, clock: Clock, log: AlertLog, leaseMs: number): Outbox {
  const iso = (ms: number) => new Date(ms).toISOString();

  async function patch(id: string, p: Partial<DeliveryRecord>): Promise<void> {
    await store.update<DeliveryRecord>(paths.alertDelivery(id), (cur) =>
      cur ? { ...cur, ...p, updatedAt: clock.now().toISOString() } : null,
    );
  }

  function parse(raw: unknown, id: string): DeliveryRecord | null {
    const r = DeliveryRecordSchema.safeParse(raw);
    if (r.success) return r.data;
    // Unreadable records stay where they are, visible, rather than stopping a sweep.
    log.error("alert delivery record unreadable", { deliveryId: id });
    return null;
  }

  async function listAll(query: Parameters<DocumentStore["list"]>[1]) {
    const docs: { id: string; data: Record<string, unknown> }[] = [];
    let startAfter: string | undefined;
    do {
      const page = await store.list(paths.alertDeliveries(), { ...query, limit: PAGE, ...(startAfter ? { startAfter } : {}) });
      docs.push(...page.docs);
      startAfter = page.next;
    } while (startAfter);
    return docs;
  }

  return {
    newRecord(config, eventId, transition, message, status, holder) {
      const now = clock.now().getTime();
      return {
        id: deliveryId(config.tenantId, eventId, transition, config.id),
        tenantId: config.tenantId,
        channelId: config.id,
        channelKind: config.kind,
        eventId,
        transition,
        message,
        status,
        attempts: 0,
        createdAt: iso(now),
        updatedAt: iso(now),
        nextAttemptAt: null,
        leaseUntil: status === "sending" ? iso(now + leaseMs) : null,
        lastError: null,
        lastHttpStatus: null,
        sentAt: null,
        holder: holder ?? null,
      };
    },

    create: (rec) => store.create(paths.alertDelivery(rec.id), rec),

    async get(id) {
      const raw = await store.get(paths.alertDelivery(id));
      return raw ? parse(raw, id) : null;
    },

    patch,

    async claim(id, nowMs) {
      let won = false;
      const after = await store.update<DeliveryRecord>(paths.alertDelivery(id), (cur) => {
        won = false; // the function may run more than once (a Firestore transaction)
        if (!cur || !QUEUED.includes(cur.status)) return cur;
        if (cur.leaseUntil && Date.parse(cur.leaseUntil) > nowMs) return cur;
        if (cur.status === "pending" && cur.nextAttemptAt && Date.parse(cur.nextAttemptAt) > nowMs) return cur;
        won = true;
        return { ...cur, leaseUntil: iso(nowMs + leaseMs) };
      });
      return won && after ? parse(after, id) : null;
    },

    async resume(id, nowMs, holder) {
      let won = false;
      const after = await store.update<DeliveryRecord>(paths.alertDelivery(id), (cur) => {
        won = false; // the function may run more than once (a Firestore transaction)
        if (!cur || cur.status !== "sending" || cur.holder !== holder) return cur;
        won = true;
        return { ...cur, leaseUntil: iso(nowMs + leaseMs) };
      });
      return won && after ? parse(after, id) : null;
    },

    async queued() {
      const docs = await listAll({ where: [["status", "in", QUEUED]] });
      const rows = docs.map((d) => ({
        id: d.id,
        followUp: d.data.transition !== "trigger",
        createdAt: String(d.data.createdAt),
      }));
      rows.sort((a, b) => Number(a.followUp) - Number(b.followUp) || a.createdAt.localeCompare(b.createdAt));
      return rows.map((r) => r.id);
    },

    async forTenant(tenantId, from, to) {
      const docs = await listAll({
        where: [
          ["tenantId", "==", tenantId],
          ["createdAt", ">=", from.toISOString()],
        ],
      });
      const out: DeliveryRecord[] = [];
      for (const d of docs) {
        const rec = parse(d.data, d.id);
        if (rec && rec.message.kind === "alert" && rec.createdAt < to.toISOString()) out.push(rec);
      }
      return out;
    },

    async deadLetter(rec, attempts, reason, httpStatus) {
      const at = clock.now().toISOString();
      const dl: DeadLetter = {
        deliveryId: rec.id,
        tenantId: rec.tenantId,
        channelId: rec.channelId,
        channelKind: rec.channelKind,
        eventId: rec.eventId,
        transition: rec.transition,
        attempts,
        reason,
        httpStatus,
        at,
      };
      // Record first, then mark: a crash in between re-sends rather than loses.
      await store.set(paths.alertDeadLetter(rec.id), { ...dl, message: rec.message });
      await store.set(paths.healthWarning(`alerts-${rec.id}`), {
        source: "alerts",
        level: "warning",
        title: `Alert delivery to ${rec.channelKind} channel ${rec.channelId} dead-lettered`,
        ...dl,
      });
      await patch(rec.id, {
        status: "dead_letter",
        attempts,
        lastError: reason,
        lastHttpStatus: httpStatus,
        leaseUntil: null,
        nextAttemptAt: null,
      });
      return dl;
    },
  };
}
