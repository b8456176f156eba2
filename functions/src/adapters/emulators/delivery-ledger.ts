import { AppError } from "#kernel/errors.js";

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
    if (messageId !== undefined) this.add(this.owed, messageId, this.routes.get(topic) ?? 0);
    this.changed();
  }

  /** A push subscription acknowledged a message (its function answered 2xx), counted once per subscription. */
  acknowledged(messageId: string): void {
    this.add(this.owed, messageId, -1);
    this.changed();
  }

  /** Pub/Sub gave up on a message after its last attempt and forwards it to `deadLetterTopic`. */
  deadLettered(messageId: string, deadLetterTopic: string): void {
    this.add(this.owed, messageId, -1);
    this.add(this.forwards, deadLetterTopic, this.routes.get(deadLetterTopic) ?? 0);
    this.changed();
  }

  /**
   * The first delivery of a message that Pub/Sub forwarded to `topic`: if a forward was expected
   * there, it is now owed like a published message. Returns whether it was expected.
   */
  forwardArrived(topic: string, messageId: string): boolean {
    if ((this.forwards.get(topic) ?? 0) <= 0) return false;
    this.add(this.forwards, topic, -1);
    this.add(this.owed, messageId, 1);
    this.changed();
    return true;
  }

  /** What is still owed, for a stall's error message. */
  describe(): string {
    const owed = [...this.owed.values()].reduce((n, v) => n + Math.max(v, 0), 0);
    const forwards = [...this.forwards.values()].reduce((n, v) => n + v, 0);
    return `${owed} deliveries, ${forwards} dead-letter forwards and ${this.publishing} publishes outstanding`;
  }

  isIdle(): boolean {
    return this.publishing === 0 && this.owed.size === 0 && this.forwards.size === 0;
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
