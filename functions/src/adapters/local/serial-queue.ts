import { resolve } from "node:path";

/**
 * Runs async tasks one at a time, in call order. The local DuckDB adapters need read-modify-write
 * sequences (update, create, upsert) to be atomic within the process.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // Keep the chain alive whatever the task's outcome; callers see the real result.
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const byFile = new Map<string, SerialQueue>();

/**
 * One queue per database file in this process, so that two stores opened on the same file still
 * serialize their writes. Each `:memory:` database is private, so it gets its own queue.
 */
export function queueForFile(file: string): SerialQueue {
  if (file === ":memory:") return new SerialQueue();
  const key = resolve(file);
  let q = byFile.get(key);
  if (!q) {
    q = new SerialQueue();
    byFile.set(key, q);
  }
  return q;
}
