/**
 * Runs async tasks one at a time per key, in call order; different keys run concurrently.
 *
 * The Firestore store queues its transactions per document path with this: concurrent updates of
 * one document from one instance then never contend with each other (each would otherwise read,
 * collide at commit, and retry; the emulator even waits on its locks until they time out).
 * Contention between instances is left to Firestore's transaction retries.
 *
 * @example
 *   const q = new KeyedSerialQueue();
 *   await Promise.all([q.run("a", inc), q.run("a", inc), q.run("b", inc)]); // the two "a" run in turn
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget the key once nothing more is queued behind this task, so the map stays small.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
