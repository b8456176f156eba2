import { randomUUID } from "node:crypto";
import type { EventBus, MessageHandler } from "#kernel/ports.js";
import { DeliveryLedger } from "./delivery-ledger.js";

/**
 * The emulator runtime's bus: the Pub/Sub bus, with every publish entered in a
 * {@link DeliveryLedger} that the push relay settles. So `drain()` keeps the in-process bus's
 * meaning on the emulators, which is what the command line waits on: it resolves when every
 * message published so far, and every message its handlers published in turn, has been
 * delivered and acknowledged (or given up on and dead-lettered). Messages arrive through push
 * subscriptions, never through `subscribe`, which the Pub/Sub bus refuses.
 *
 * Message ids are scoped to this start of the emulator ({@link messageId}): the emulator numbers
 * messages from 1 every time it starts, while the documents, and with them the idempotency leases
 * keyed on message ids, outlive it in the data folder. Unscoped, a run's message "1" would be
 * taken for the previous run's message "1" and skipped as a duplicate. Pub/Sub's own ids never
 * repeat; the scope gives the emulator's ids that property back. Publishers get the scoped id, and
 * the push relay hands the functions the same.
 *
 * @example
 *   const bus = new DeliveryTrackingBus(new PubSubEventBus({ client }));
 *   await bus.publish("nightly-collect", { runDate: "2026-11-20" });
 *   await bus.drain(); // the whole nightly has run through the push endpoints
 */
export class DeliveryTrackingBus implements EventBus {
  readonly ledger: DeliveryLedger;
  private readonly stallMs: number;
  private readonly scope = randomUUID().slice(0, 8);

  constructor(
    private readonly inner: EventBus,
    opts: { ledger?: DeliveryLedger; stallMs?: number } = {},
  ) {
    this.ledger = opts.ledger ?? new DeliveryLedger();
    this.stallMs = opts.stallMs ?? 120_000;
  }

  /** The id the functions see for the id the emulator gave a message. */
  messageId(serverId: string): string {
    return `${this.scope}-${serverId}`;
  }

  async publish<T>(topic: string, data: T, attributes?: Record<string, string>): Promise<string> {
    this.ledger.publishStarted();
    let id: string | undefined;
    try {
      id = await this.inner.publish(topic, data, attributes);
      return this.messageId(id);
    } finally {
      this.ledger.publishEnded(topic, id);
    }
  }

  subscribe<T>(topic: string, handler: MessageHandler<T>, opts?: { maxAttempts?: number }): void {
    this.inner.subscribe(topic, handler, opts);
  }

  async drain(): Promise<void> {
    await this.inner.drain();
    await this.ledger.idle(this.stallMs);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
