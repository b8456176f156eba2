import { type DeadMessage, deadLetterRecord } from "#foundation/selfops/dead-letter-record.js";
import { keepDeadLetter } from "#foundation/selfops/dead-letter-store.js";
import type { DocumentStore } from "#kernel/ports.js";

const DEAD_LETTER = ".dead-letter";

/** A push of a dead-letter topic's subscription, as the relay decoded it. */
export interface DeadLetterPush {
  /** The dead-letter topic (the code's name) whose subscription pushed it. */
  deadLetterTopic: string;
  /** The message id as the functions see it (scoped to this start of the emulator). */
  messageId: string;
  /** base64 data, as in the push body. */
  data: string | undefined;
  attributes: Record<string, string>;
  publishTime: string | undefined;
}

/** The message that failed, as it was on its own topic, from what the dead-letter topic received. */
function failedMessage(push: DeadLetterPush): { message: DeadMessage; reason: string } {
  const a = push.attributes;
  let data: unknown = null;
  try {
    data = push.data ? (JSON.parse(Buffer.from(push.data, "base64").toString("utf8")) as unknown) : null;
  } catch {
    data = { __undecodable: true };
  }
  const attempts = Number(a.CloudPubSubDeadLetterSourceDeliveryCount ?? 0);
  const deliveryAttempt = Number.isInteger(attempts) && attempts > 0 ? attempts : 0;
  // The pipeline names the message it gave up on; Pub/Sub's own forward names only the subscription.
  const reason = a.deadLetterError ?? `Pub/Sub gave up after ${deliveryAttempt} delivery attempts on subscription ${a.CloudPubSubDeadLetterSourceSubscription ?? "?"}`;
  return {
    message: {
      id: a.CloudPubSubDeadLetterSourceMessageId ?? push.messageId,
      topic: push.deadLetterTopic.slice(0, -DEAD_LETTER.length),
      data,
      attributes: a,
      deliveryAttempt,
      publishedAt: a.CloudPubSubDeadLetterSourceTopicPublishTime ?? push.publishTime ?? new Date(0).toISOString(),
    },
    reason,
  };
}

/**
 * The emulator runtime's dead-letter subscriptions end here: every message that reaches a
 * `<topic>.dead-letter` topic, forwarded by Pub/Sub after the last attempt or published by the
 * pipeline for a failure that can never succeed, is kept as a dead-letter record of `<topic>`
 * (foundation/selfops/dead-letter-store.ts), where `costmon dead-letters` lists and replays it.
 * What the pipeline published it has already kept under the same id, so that write changes nothing.
 *
 * @example
 *   await recordDeadLetterPush(store, { deadLetterTopic: "collect-account.dead-letter", messageId, data, attributes, publishTime });
 */
export async function recordDeadLetterPush(store: DocumentStore, push: DeadLetterPush, now = new Date()): Promise<void> {
  const { message, reason } = failedMessage(push);
  await keepDeadLetter(store, deadLetterRecord(message, { reason, recordedBy: "pubsub", now }));
}
