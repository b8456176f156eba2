import { randomUUID } from "node:crypto";
import { backoffRetry } from "#kernel/retry.js";
import { z } from "zod";
import { deadLetterRecord } from "#foundation/selfops/dead-letter-record.js";
import { keepDeadLetter } from "#foundation/selfops/dead-letter-store.js";
import type { BusMessage, DocumentStore, EventBus, MessageHandler } from "#kernel/ports.js";

/** Pub/Sub's topic id rule: 3 to 255 characters, starting with a letter. */
const TopicSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/, "topic ids are 3-255 characters from [A-Za-z0-9._~+%-], starting with a letter");
const AttributesSchema = z.record(z.string(), z.string());

export const DEAD_LETTER_SUFFIX = ".dead-letter";

export interface InProcessBusOptions {
  /** First retry delay; doubles each attempt (no jitter, so runs are repeatable). Default 100 ms. */
  baseDelayMs?: number;
  /** Cap on one retry delay. Default 5 s. */
  maxDelayMs?: number;
  /** Attempts per delivery before dead-lettering, unless a subscription says otherwise. Default 5. */
  maxAttempts?: number;
  /** Told about each dead-lettered message (topic, id, error text and, with a store, whether its record was kept); never the data. */
  onDeadLetter?: (info: { topic: string; id: string; error: string; kept?: boolean }) => void;
  /**
   * Where each dead-lettered message is kept as a record to list and replay (`dead_letters/`,
   * foundation/selfops/dead-letter-store.ts); without it, dead letters live only in `deadLetters`.
   */
  keepDeadLettersIn?: DocumentStore;
}

const OptionsSchema = z
  .object({
    baseDelayMs: z.number().int().min(0).optional(),
    maxDelayMs: z.number().int().min(0).optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    onDeadLetter: z.function().optional(),
    keepDeadLettersIn: z.custom<DocumentStore>((v) => typeof (v as Partial<DocumentStore> | null)?.create === "function").optional(),
  })
  .strict();

interface Subscription {
  handler: MessageHandler<unknown>;
  maxAttempts: number;
}

/** A message that reached a dead-letter topic and what killed it; kept for inspection and replay. */
export interface DeadLetter {
  message: BusMessage;
  error: string;
}

/**
 * EventBus inside one process with Pub/Sub's delivery contract (DESIGN.md §6):
 * - delivery is asynchronous, never inside `publish`, one copy per subscription (fan-out);
 *   like Pub/Sub, a topic without subscriptions drops what is published to it;
 * - a handler that throws is retried with exponential backoff (cockatiel) up to maxAttempts,
 *   `deliveryAttempt` counting from 1; then the message goes to `<topic>.dead-letter` with
 *   the Pub/Sub dead-letter attributes and the last error, and is kept in `deadLetters`;
 * - `drain()` waits until nothing is queued, waiting for a retry, or running, including
 *   messages that handlers publish.
 */
export class InProcessBus implements EventBus {
  private readonly subs = new Map<string, Subscription[]>();
  private readonly opts: Required<Omit<InProcessBusOptions, "onDeadLetter" | "keepDeadLettersIn">> & Pick<InProcessBusOptions, "onDeadLetter" | "keepDeadLettersIn">;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  /** Messages that exhausted their attempts, in order. */
  readonly deadLetters: DeadLetter[] = [];

  constructor(options: InProcessBusOptions = {}) {
    const o = OptionsSchema.safeParse(options);
    if (!o.success) throw new TypeError(`invalid InProcessBus options: ${z.prettifyError(o.error)}`);
    this.opts = {
      baseDelayMs: options.baseDelayMs ?? 100,
      maxDelayMs: options.maxDelayMs ?? 5_000,
      maxAttempts: options.maxAttempts ?? 5,
      onDeadLetter: options.onDeadLetter,
      keepDeadLettersIn: options.keepDeadLettersIn,
    };
  }

  async publish<T>(topic: string, data: T, attributes: Record<string, string> = {}): Promise<string> {
    if (this.closed) throw new Error("InProcessBus is closed");
    const t = TopicSchema.safeParse(topic);
    if (!t.success) throw new TypeError(`invalid topic ${JSON.stringify(topic)}: ${t.error.issues[0]?.message}`);
    const a = AttributesSchema.safeParse(attributes);
    if (!a.success) throw new TypeError(`invalid attributes: ${z.prettifyError(a.error)}`);
    // Pub/Sub carries bytes: data must survive JSON, and each subscriber gets its own copy.
    const payload = JSON.stringify(data);
    if (payload === undefined) throw new TypeError("message data must be JSON-serializable");
    const id = randomUUID();
    const publishedAt = new Date().toISOString();
    for (const sub of this.subs.get(topic) ?? []) {
      this.track(() => this.deliver(sub, { id, topic, attributes: { ...a.data }, publishedAt, payload }));
    }
    return id;
  }

  subscribe<T>(topic: string, handler: MessageHandler<T>, opts?: { maxAttempts?: number }): void {
    const t = TopicSchema.safeParse(topic);
    if (!t.success) throw new TypeError(`invalid topic ${JSON.stringify(topic)}: ${t.error.issues[0]?.message}`);
    const maxAttempts = z.number().int().min(1).max(100).parse(opts?.maxAttempts ?? this.opts.maxAttempts);
    const list = this.subs.get(topic) ?? [];
    list.push({ handler: handler as MessageHandler<unknown>, maxAttempts });
    this.subs.set(topic, list);
  }

  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Waits for what is under way (handlers may still publish meanwhile), then refuses new messages. */
  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  /** Counts a unit of work from now until it settles; starts it on a later macrotask. */
  private track(work: () => Promise<void>): void {
    this.pending++;
    setImmediate(() => {
      work()
        .catch(() => undefined) // deliver() handles its own failures; nothing may escape a timer
        .finally(() => {
          this.pending--;
          if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    });
  }

  private async deliver(
    sub: Subscription,
    m: { id: string; topic: string; attributes: Record<string, string>; publishedAt: string; payload: string },
  ): Promise<void> {
    // Pub/Sub redelivers whatever the failure; the handler decides what is worth a redelivery.
    const policy = backoffRetry({
      attempts: sub.maxAttempts,
      baseMs: this.opts.baseDelayMs,
      maxMs: this.opts.maxDelayMs,
      jitter: "none",
      retryOn: () => true,
    });
    let attempts = 0;
    try {
      await policy.execute(async () => {
        attempts++;
        const msg: BusMessage = {
          id: m.id,
          topic: m.topic,
          data: JSON.parse(m.payload) as unknown,
          attributes: { ...m.attributes },
          deliveryAttempt: attempts,
          publishedAt: m.publishedAt,
        };
        await sub.handler(msg);
      });
    } catch (err) {
      await this.deadLetter(m, attempts, err);
    }
  }

  /** Keeps the record of a dead letter in the bus's store; false when that failed. */
  private async keep(store: DocumentStore, message: BusMessage, error: string): Promise<boolean> {
    try {
      await keepDeadLetter(store, deadLetterRecord(message, { reason: error, recordedBy: "bus", now: new Date() }));
      return true;
    } catch {
      // The message stays in `deadLetters`, and onDeadLetter says it was not kept.
      return false;
    }
  }

  private async deadLetter(
    m: { id: string; topic: string; attributes: Record<string, string>; publishedAt: string; payload: string },
    attempts: number,
    err: unknown,
  ): Promise<void> {
    const error = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 1024);
    const attributes = {
      ...m.attributes,
      // Names Pub/Sub puts on dead-lettered messages, plus the error Pub/Sub cannot know.
      CloudPubSubDeadLetterSourceTopic: m.topic,
      CloudPubSubDeadLetterSourceDeliveryCount: String(attempts),
      CloudPubSubDeadLetterSourceTopicPublishTime: m.publishedAt,
      CloudPubSubDeadLetterSourceMessageId: m.id,
      deadLetterError: error,
    };
    const message: BusMessage = {
      id: m.id,
      topic: m.topic,
      data: JSON.parse(m.payload) as unknown,
      attributes,
      deliveryAttempt: attempts,
      publishedAt: m.publishedAt,
    };
    this.deadLetters.push({ message, error });
    const store = this.opts.keepDeadLettersIn;
    const kept = store ? { kept: await this.keep(store, { ...message, attributes: { ...m.attributes } }, error) } : {};
    this.opts.onDeadLetter?.({ topic: m.topic, id: m.id, error, ...kept });
    // A dead-letter topic's own failures stop here (kept in deadLetters) instead of chaining.
    if (m.topic.endsWith(DEAD_LETTER_SUFFIX)) return;
    const dlTopic = `${m.topic}${DEAD_LETTER_SUFFIX}`;
    const id = randomUUID();
    const publishedAt = new Date().toISOString();
    for (const sub of this.subs.get(dlTopic) ?? []) {
      this.track(() => this.deliver(sub, { id, topic: dlTopic, attributes: { ...attributes }, publishedAt, payload: m.payload }));
    }
  }
}
