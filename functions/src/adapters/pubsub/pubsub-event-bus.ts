import type { PubSub, Topic } from "@google-cloud/pubsub";
import { z } from "zod";
import { AppError } from "#kernel/errors.js";
import type { EventBus, MessageHandler } from "#kernel/ports.js";
import { messageAttributes } from "./message-attributes.js";
import type { OrderingKeyOf } from "./ordering-keys.js";
import { publishError } from "./pubsub-errors.js";
import { type TopicNames, topicNames } from "./topic-names.js";

export interface PubSubEventBusOptions {
  client: PubSub;
  /** Put before every topic id (`pubsub.topic_prefix`); default none. */
  topicPrefix?: string;
  /** Publisher batching (`pubsub.batch_max_messages`, `pubsub.batch_max_delay`); defaults 100 and 10 ms. */
  batching?: { maxMessages?: number; maxMilliseconds?: number };
  /** Which messages carry an ordering key (see ordering-keys.ts); default none. */
  orderingKey?: OrderingKeyOf;
  /** Whether `close()` also closes `client`; default true (the bus owns it). */
  ownsClient?: boolean;
}

const Options = z.strictObject({
  client: z.custom<PubSub>((c) => c !== null && typeof c === "object" && typeof (c as PubSub).topic === "function", "a PubSub client"),
  topicPrefix: z.string().optional(),
  batching: z
    .strictObject({ maxMessages: z.number().int().min(1).max(1000).optional(), maxMilliseconds: z.number().int().min(0).max(60_000).optional() })
    .optional(),
  orderingKey: z.custom<OrderingKeyOf>((f) => typeof f === "function", "a function").optional(),
  ownsClient: z.boolean().optional(),
});

/**
 * The EventBus port on Google Cloud Pub/Sub (`@google-cloud/pubsub` 5.x), for the deployed
 * functions and the emulator runtime.
 *
 * - `publish` sends the data as JSON with {@link messageAttributes} (tenant, account and window
 *   when the data has them, plus the caller's), through one batching publisher per topic, and
 *   resolves with the server's message id once the batch holding the message is sent. An ordering
 *   key is set where {@link PubSubEventBusOptions.orderingKey} says so; after a failed publish the
 *   key is resumed at once, so the caller's retry is not refused.
 * - `subscribe` is refused: deployed functions receive messages through push subscriptions to
 *   their HTTP endpoints (each event function's `push`), which the infrastructure creates with a
 *   dead-letter policy to the topic's `<topic>.dead-letter` twin.
 * - `drain` sends every batch still waiting in this process and waits for the publishes under way.
 *   It does not wait for delivery: that happens in other instances, behind push subscriptions.
 * - `close` drains, then closes the client; publishing afterwards fails.
 *
 * @example
 *   const bus = new PubSubEventBus({ client: await openPubSubClient({ projectId }), topicPrefix: "", orderingKey: nightlyOrderingKey });
 *   await bus.publish("collect-account", message); // attributes tenantId, accountId, windowStart, windowEnd, runDate
 *   await bus.close();
 */
export class PubSubEventBus implements EventBus {
  private readonly client: PubSub;
  private readonly names: TopicNames;
  private readonly batching: { maxMessages: number; maxMilliseconds: number };
  private readonly orderingKey: OrderingKeyOf;
  private readonly ownsClient: boolean;
  private readonly topics = new Map<string, Topic>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: PubSubEventBusOptions) {
    const o = Options.safeParse(options);
    if (!o.success) throw new AppError("failed-precondition", `invalid PubSubEventBus options: ${z.prettifyError(o.error)}`);
    this.client = options.client;
    this.names = topicNames(options.topicPrefix ?? "");
    this.batching = { maxMessages: options.batching?.maxMessages ?? 100, maxMilliseconds: options.batching?.maxMilliseconds ?? 10 };
    this.orderingKey = options.orderingKey ?? (() => undefined);
    this.ownsClient = options.ownsClient ?? true;
  }

  async publish<T>(topic: string, data: T, attributes: Record<string, string> = {}): Promise<string> {
    if (this.closed) throw new AppError("failed-precondition", "the Pub/Sub bus is closed");
    const id = this.names.topicId(topic);
    const json = JSON.stringify(data);
    if (json === undefined) throw new AppError("invalid-argument", "message data must be JSON-serializable");
    const orderingKey = this.orderingKey(topic, data);
    const message = { data: Buffer.from(json, "utf8"), attributes: messageAttributes(data, attributes), ...(orderingKey ? { orderingKey } : {}) };
    const publisher = this.topicFor(id);
    const sent = publisher.publishMessage(message);
    this.inFlight.add(sent);
    try {
      return await sent;
    } catch (err) {
      if (orderingKey) publisher.resumePublishing(orderingKey);
      throw publishError(id, err);
    } finally {
      this.inFlight.delete(sent);
    }
  }

  subscribe<T>(topic: string, _handler: MessageHandler<T>): void {
    throw new AppError(
      "unimplemented",
      `PubSubEventBus cannot subscribe to ${topic}: event functions receive Pub/Sub messages through push subscriptions to their HTTP endpoints`,
      { retryable: false },
    );
  }

  async drain(): Promise<void> {
    await Promise.all([...this.topics.values()].map((t) => t.flush()));
    await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
    if (this.ownsClient) await this.client.close();
  }

  /** One publisher per topic id, so batches and ordering are per topic as Pub/Sub keeps them. */
  private topicFor(id: string): Topic {
    let t = this.topics.get(id);
    if (!t) {
      t = this.client.topic(id, { batching: this.batching, messageOrdering: true });
      this.topics.set(id, t);
    }
    return t;
  }
}
