import { AppError } from "#kernel/errors.js";

/**
 * What the ledger counted since it was made: the figures that say whether every message was
 * delivered, given up on, or is still owed. At idle, `deliveries` equals
 * `acknowledged + deadLettered`: nothing was lost.
 */
export interface DeliveryCounts {
  /** Messages published through the bus (with an id back from Pub/Sub). */
  published: number;
  /** Deliveries owed in all: one per push subscription of each published or forwarded message. */
  deliveries: number;
  /** Deliveries acknowledged (a 2xx from the function or the dead-letter recorder), once per subscription. */
  acknowledged: number;
  /** Deliveries given up on after the subscription's last attempt (Pub/Sub forwards them to the twin). */
  deadLettered: number;
  /** Forwards to a dead-letter topic that arrived there. */
  forwarded: number;
  /** Push attempts that failed (any non-2xx), each to be redelivered or dead-lettered. */
  failedAttempts: number;
  /** Extra copies of pushes sent by injected delivery faults (push-faults.ts). */
  copies: number;
  /** The same, per topic (the code's names). */
  byTopic: Record<string, { published: number; forwarded: number; acknowledged: number; deadLettered: number }>;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  stallMs: number;
}

/**
 * What the emulator runtime still owes: push deliveries not yet acknowledged. Pub/Sub has no
 * "everything is delivered" signal, and the command line must know when a nightly is over, so the
 * runtime counts both ends in this one process: the bus reports each publish and the message id
 * the emulator gave it, the push relay each acknowledgement (a 2xx from the function) and each
 * message the emulator gave up on (it then forwards a new message to the dead-letter topic, which
 * is owed in turn when that topic has a push subscription).
 *
 * An acknowledgement may be counted before its publish has returned (the emulator pushes at
 * once): counts are signed and a message is settled when its count is back at zero.
 *
 * @example
 *   const ledger = new DeliveryLedger();
 *   ledger.route("collect-account", 1);
 *   ledger.publishStarted(); ledger.publishEnded("collect-account", "17"); // owes one delivery
 *   ledger.acknowledged("17");                                             // settled
 *   await ledger.idle();
 */
export class DeliveryLedger {
  private readonly routes = new Map<string, number>();
  private readonly owed = new Map<string, number>();
  private readonly forwards = new Map<string, number>();
  private publishing = 0;
  private copiesInFlight = 0;
  private readonly tally: DeliveryCounts = { published: 0, deliveries: 0, acknowledged: 0, deadLettered: 0, forwarded: 0, failedAttempts: 0, copies: 0, byTopic: {} };
  private waiters: Waiter[] = [];
  private lastChange = Date.now();
  private stallTimer: NodeJS.Timeout | undefined;

  /** How many push subscriptions deliver the messages of `topic` (the code's topic name). */
  route(topic: string, pushSubscriptions: number): void {
    this.routes.set(topic, pushSubscriptions);
  }

  publishStarted(): void {
    this.publishing++;
    this.changed();
  }

  /** A publish returned: with its message id, or without one when it failed. */
  publishEnded(topic: string, messageId: string | undefined): void {
    this.publishing--;
    if (messageId !== undefined) {
      const routes = this.routes.get(topic) ?? 0;
      this.add(this.owed, messageId, routes);
      this.tally.published++;
      this.tally.deliveries += routes;
      this.topic(topic).published++;
    }
    this.changed();
  }

  /**
   * A push subscription of `topic` acknowledged a message (its function answered 2xx), counted
   * once per subscription.
   */
  acknowledged(messageId: string, topic?: string): void {
    this.add(this.owed, messageId, -1);
    this.tally.acknowledged++;
    if (topic !== undefined) this.topic(topic).acknowledged++;
    this.changed();
  }

  /** A push attempt failed: Pub/Sub will redeliver it, or give up after the last attempt. */
  attemptFailed(): void {
    this.tally.failedAttempts++;
  }

  /** Pub/Sub gave up on a message of `topic` after its last attempt and forwards it to `deadLetterTopic`. */
  deadLettered(messageId: string, deadLetterTopic: string, topic?: string): void {
    this.add(this.owed, messageId, -1);
    this.add(this.forwards, deadLetterTopic, this.routes.get(deadLetterTopic) ?? 0);
    this.tally.deadLettered++;
    if (topic !== undefined) this.topic(topic).deadLettered++;
    this.changed();
  }

  /**
   * A copy of a push is on its way (injected delivery faults, push-faults.ts), `extra` when it is
   * one beyond the first: nothing is idle until every copy has been answered, so that none is still
   * running when the servers close.
   */
  copyStarted(extra: boolean): void {
    this.copiesInFlight++;
    if (extra) this.tally.copies++;
    this.changed();
  }

  copyEnded(): void {
    this.copiesInFlight--;
    this.changed();
  }

  /** The counts so far (a copy). */
  counts(): DeliveryCounts {
    return { ...this.tally, byTopic: Object.fromEntries(Object.entries(this.tally.byTopic).map(([t, c]) => [t, { ...c }])) };
  }

  /**
   * The first delivery of a message that Pub/Sub forwarded to `topic`: if a forward was expected
   * there, it is now owed like a published message. Returns whether it was expected.
   */
  forwardArrived(topic: string, messageId: string): boolean {
    if ((this.forwards.get(topic) ?? 0) <= 0) return false;
    this.add(this.forwards, topic, -1);
    this.add(this.owed, messageId, 1);
    this.tally.forwarded++;
    this.tally.deliveries++;
    this.topic(topic).forwarded++;
    this.changed();
    return true;
  }

  /** What is still owed, for a stall's error message. */
  describe(): string {
    const owed = [...this.owed.values()].reduce((n, v) => n + Math.max(v, 0), 0);
    const forwards = [...this.forwards.values()].reduce((n, v) => n + v, 0);
    const copies = this.copiesInFlight > 0 ? `, ${this.copiesInFlight} extra copies in flight` : "";
    return `${owed} deliveries, ${forwards} dead-letter forwards and ${this.publishing} publishes outstanding${copies}`;
  }

  isIdle(): boolean {
    return this.publishing === 0 && this.copiesInFlight === 0 && this.owed.size === 0 && this.forwards.size === 0;
  }

  /**
   * Resolves once nothing is owed. Rejects (`deadline-exceeded`) when nothing has changed for
   * `stallMs` while something is still owed: a delivery that will never come must not hang the
   * command line.
   */
  idle(stallMs = 120_000): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject, stallMs });
      this.stallTimer ??= setInterval(() => this.checkStall(), 1_000).unref();
    });
  }

  private topic(name: string): DeliveryCounts["byTopic"][string] {
    this.tally.byTopic[name] ??= { published: 0, forwarded: 0, acknowledged: 0, deadLettered: 0 };
    return this.tally.byTopic[name];
  }

  private add(map: Map<string, number>, key: string, by: number): void {
    const v = (map.get(key) ?? 0) + by;
    if (v === 0) map.delete(key);
    else map.set(key, v);
  }

  private changed(): void {
    this.lastChange = Date.now();
    if (this.isIdle()) this.release((w) => w.resolve());
  }

  private checkStall(): void {
    const quiet = Date.now() - this.lastChange;
    const stalled = this.waiters.filter((w) => quiet >= w.stallMs);
    if (stalled.length === 0) return;
    this.waiters = this.waiters.filter((w) => quiet < w.stallMs);
    const err = new AppError("deadline-exceeded", `no push delivery progressed for ${Math.round(quiet / 1000)} s: ${this.describe()}`);
    for (const w of stalled) w.reject(err);
    if (this.waiters.length === 0) this.stopTimer();
  }

  private release(settle: (w: Waiter) => void): void {
    const ws = this.waiters;
    this.waiters = [];
    this.stopTimer();
    for (const w of ws) settle(w);
  }

  private stopTimer(): void {
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = undefined;
  }
}
