import type { DocumentData, DocumentStore, UpdateWithWrites } from "#kernel/ports.js";

/**
 * Wraps a DocumentStore so that `update` and `updateWithWrites` behave like a Firestore
 * transaction under contention: read, yield to other callers, and rerun `fn` if someone wrote the
 * document meanwhile.
 * Lets the audit-log tests show that concurrent appends never fork the chain.
 */
export function contendedStore(inner: DocumentStore): DocumentStore & { retries: () => number } {
  const versions = new Map<string, number>();
  let retries = 0;
  const bump = (path: string) => versions.set(path, (versions.get(path) ?? 0) + 1);
  return {
    get: (path) => inner.get(path),
    list: (path, q) => inner.list(path, q),
    create: (path, data) => inner.create(path, data),
    close: () => inner.close(),
    async set(path, data, opts) {
      bump(path);
      await inner.set(path, data, opts);
    },
    async setMany(writes) {
      for (const w of writes) bump(w.path);
      await inner.setMany(writes);
    },
    async delete(path) {
      bump(path);
      await inner.delete(path);
    },
    async update<T extends DocumentData = DocumentData>(path: string, fn: (current: T | null) => T | null) {
      return this.updateWithWrites<T>(path, (current) => ({ data: fn(current) }));
    },
    async updateWithWrites<T extends DocumentData = DocumentData>(path: string, fn: (current: T | null) => UpdateWithWrites<T>) {
      for (;;) {
        const version = versions.get(path) ?? 0;
        const current = await inner.get<T>(path);
        await new Promise((r) => setImmediate(r));
        if ((versions.get(path) ?? 0) !== version) {
          retries += 1;
          continue;
        }
        const result = fn(current);
        bump(path);
        for (const w of result.writes ?? []) bump(w.path);
        // The inner store applies the document and its writes in one step, as the real one would.
        return inner.updateWithWrites<T>(path, () => result);
      }
    },
    retries: () => retries,
  };
}
