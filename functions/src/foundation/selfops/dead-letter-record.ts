import { createHash } from "node:crypto";
import { z } from "zod";
import type { BusMessage } from "#kernel/ports.js";
import { redactErrorText } from "#kernel/redact.js";

/**
 * One message given up on, kept in the document store at `dead_letters/{id}` (F5: replay from dead
 * letter). Pub/Sub keeps a dead-lettered message only as long as a subscription of the dead-letter
 * topic retains it, and the in-process bus only in memory; the record keeps what a replay needs
 * (the topic it failed on, its data and attributes) and what an operator needs to decide (why,
 * after how many attempts, which tenant). One record per (topic, message id), whoever writes it
 * first: the event pipeline for a failure that can never succeed, the bus after the last attempt,
 * the emulator runtime's dead-letter subscriptions for what Pub/Sub forwarded.
 */

/** Attributes Pub/Sub, the bus and the pipeline add when they dead-letter a message. */
const DEAD_LETTER_ATTRIBUTE = /^(CloudPubSubDeadLetterSource|deadLetterError$)/;
/** Attributes a replay adds: which message it replays and how many replays came before. */
export const REPLAY_OF_ATTRIBUTE = "costmonReplayOf";
export const REPLAY_COUNT_ATTRIBUTE = "costmonReplayCount";

/** Who wrote the record. */
export const RECORDED_BY = ["handler", "bus", "pubsub"] as const;
export const DEAD_LETTER_STATUSES = ["dead-lettered", "replaying", "replayed"] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/** The largest message data a record keeps (Firestore takes 1 MiB per document). */
export const MAX_PAYLOAD_CHARS = 900_000;

export const DeadLetterRecordSchema = z.object({
  /** The topic the message failed on (the code's name): a replay publishes there. */
  topic: z.string().min(1),
  messageId: z.string().min(1),
  /** The tenant the message names, or null (nightly-collect names none). */
  tenantId: z.string().nullable(),
  /** The message data as JSON text, or null when it was too large to keep (then it cannot be replayed). */
  payload: z.string().nullable(),
  /** The message's own attributes, without those added by dead-lettering. */
  attributes: z.record(z.string(), z.string()),
  reason: z.string(),
  deliveryAttempts: z.number().int().min(0),
  publishedAt: z.string(),
  deadLetteredAt: z.string(),
  recordedBy: z.enum(RECORDED_BY),
  /** How many replays led to this message: 0 for an original. */
  replays: z.number().int().min(0),
  status: z.enum(DEAD_LETTER_STATUSES),
  /** While `replaying`: when another replay may take the record over (the replayer died). */
  replayLeaseUntil: z.string().nullable(),
  replayedAt: z.string().nullable(),
  replayedBy: z.string().nullable(),
  replayMessageId: z.string().nullable(),
});
export type DeadLetterRecord = z.infer<typeof DeadLetterRecordSchema>;

/** A message as the bus or the pipeline hands it over. */
export type DeadMessage = BusMessage;

/**
 * The record's document id: the topic and a digest of the message id, so that ids of any shape
 * (Pub/Sub's digits, scoped emulator ids, UUIDs) make one valid path segment, and sort by topic.
 *
 * @example
 *   deadLetterId("collect-account", "1234"); // "collect-account~03ac674216f3e15c761ee1a5e255f067"
 */
export function deadLetterId(topic: string, messageId: string): string {
  return `${topic}~${createHash("sha256").update(messageId).digest("hex").slice(0, 32)}`;
}

/** The tenant a message names: its data's `tenantId`, else the `tenantId` attribute. */
function tenantOf(message: DeadMessage): string | null {
  const fromData = (message.data as { tenantId?: unknown } | null)?.tenantId;
  if (typeof fromData === "string" && fromData) return fromData;
  return message.attributes.tenantId || null;
}

/**
 * The record of `message`, given up on for `reason`. The attributes that dead-lettering added are
 * dropped, unless the message failed on a dead-letter topic, where they belong to the message.
 *
 * @example
 *   const rec = deadLetterRecord(message, { reason: "invalid input: page: required", recordedBy: "handler", now });
 */
export function deadLetterRecord(message: DeadMessage, o: { reason: string; recordedBy: DeadLetterRecord["recordedBy"]; now: Date }): DeadLetterRecord {
  const onDeadLetterTopic = message.topic.endsWith(".dead-letter");
  const attributes = Object.fromEntries(Object.entries(message.attributes).filter(([k]) => onDeadLetterTopic || !DEAD_LETTER_ATTRIBUTE.test(k)));
  const text = JSON.stringify(message.data ?? null);
  const replays = Number(message.attributes[REPLAY_COUNT_ATTRIBUTE] ?? 0);
  return {
    topic: message.topic,
    messageId: message.id,
    tenantId: tenantOf(message),
    payload: text.length <= MAX_PAYLOAD_CHARS ? text : null,
    attributes,
    // Error texts can quote what a provider answered: keep secrets out of the record.
    reason: redactErrorText(o.reason).slice(0, 1024),
    deliveryAttempts: message.deliveryAttempt,
    publishedAt: message.publishedAt,
    deadLetteredAt: o.now.toISOString(),
    recordedBy: o.recordedBy,
    replays: Number.isInteger(replays) && replays > 0 ? replays : 0,
    status: "dead-lettered",
    replayLeaseUntil: null,
    replayedAt: null,
    replayedBy: null,
    replayMessageId: null,
  };
}
