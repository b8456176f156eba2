import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { AppError } from "#kernel/errors.js";

/**
 * Delivery faults the push relay can inject, to drill the nightly against Pub/Sub's worst
 * at-least-once behaviour on the emulators: every push reaches the function `copies` times, each
 * copy after a random wait of up to `maxDelayMs`, so copies of one message run side by side and
 * deliveries of different messages overtake each other. Seeded: the same seed draws the same waits.
 */
export interface PushFaults {
  /** How many times the function gets each push (1 = no duplicates). */
  copies: number;
  /** Each copy waits 0 to this many milliseconds before it goes out. */
  maxDelayMs: number;
  seed: number;
}

/** Who counts the copies in flight, which may outlive the answer (the delivery ledger). */
export interface CopyTracker {
  /** `extra`: a copy beyond the first, which Pub/Sub would not have sent. */
  copyStarted(extra: boolean): void;
  copyEnded(): void;
}

function checkFaults(f: PushFaults): void {
  if (!Number.isInteger(f.copies) || f.copies < 1 || f.copies > 10) throw new AppError("invalid-argument", `push faults: copies must be 1 to 10, not ${f.copies}`);
  if (!Number.isInteger(f.maxDelayMs) || f.maxDelayMs < 0 || f.maxDelayMs > 10_000) {
    throw new AppError("invalid-argument", `push faults: maxDelayMs must be 0 to 10000, not ${f.maxDelayMs}`);
  }
}

const ok = (status: number) => status >= 200 && status < 300;

/**
 * Sends one push as the faults say and answers as Pub/Sub would see it: 2xx as soon as one copy is
 * acknowledged (the message is handled; a later copy is a duplicate, as after a lost ack), else the
 * first failure once every copy has failed (Pub/Sub redelivers, and the copies start again). Every
 * copy is reported to `tracker` while it runs, also after the answer, so that the runtime waits
 * for the ones a 2xx left behind.
 *
 * @example
 *   const deliver = faultyDelivery({ copies: 3, maxDelayMs: 200, seed: 7 }, ledger);
 *   const status = await deliver(() => forwardToFunction());
 */
export function faultyDelivery(faults: PushFaults, tracker: CopyTracker): (send: () => Promise<number>) => Promise<number> {
  checkFaults(faults);
  const rng = xoroshiro128plus(faults.seed);
  const wait = () => new Promise<void>((r) => setTimeout(r, Math.floor(uniformFloat64(rng) * (faults.maxDelayMs + 1))));
  return (send) =>
    new Promise<number>((resolve) => {
      let answered = false;
      let left = faults.copies;
      let firstFailure: number | undefined;
      const copies = Array.from({ length: faults.copies }, (_, i) => i);
      for (const i of copies) {
        tracker.copyStarted(i > 0);
        void wait()
          .then(send)
          .catch(() => 502)
          .then((status) => {
            left--;
            tracker.copyEnded();
            if (answered) return;
            if (ok(status)) {
              answered = true;
              resolve(status);
            } else {
              firstFailure ??= status;
              if (left === 0) {
                answered = true;
                resolve(firstFailure);
              }
            }
          });
      }
    });
}
