import { parseCollectionPath, parseDocPath } from "#adapters/local/document-paths.js";
import { runListQuery } from "#adapters/local/document-query.js";
import { toStoredData } from "#adapters/local/document-values.js";
import { prepareAtomicWrites, prepareWrites } from "#adapters/local/document-writes.js";
import type { Doc, DocumentData, DocumentStore, DocumentWrite, ListQuery, Page, UpdateWithWrites } from "#kernel/ports.js";

interface Stored {
  collection: string;
  id: string;
  data: DocumentData;
}

/**
 * In-memory DocumentStore with Firestore semantics (path model, query rules and cursors from
 * adapters/local/document-query.ts). Data is copied in and out, so callers cannot alias it.
 * Everything here is synchronous between awaits, which makes create and update atomic.
 */
export class MemoryDocumentStore implements DocumentStore {
  private readonly docs = new Map<string, Stored>();
  private closed = false;

  /** Number of stored documents, for assertions in tests. */
  get size(): number {
    return this.docs.size;
  }

  async get<T extends DocumentData = DocumentData>(path: string): Promise<T | null> {
    this.open();
    parseDocPath(path);
    const d = this.docs.get(path);
    return d ? (structuredClone(d.data) as T) : null;
  }

  async set(path: string, data: DocumentData, opts?: { merge?: boolean }): Promise<void> {
    this.open();
    const p = parseDocPath(path);
    const incoming = toStoredData(data);
    const existing = this.docs.get(path);
    const next = opts?.merge && existing ? { ...existing.data, ...incoming } : incoming;
    this.docs.set(path, { collection: p.collection, id: p.id, data: next });
  }

  /** Validates the whole batch first, then applies it in order without an await: atomic here. */
  async setMany(writes: readonly DocumentWrite[]): Promise<void> {
    this.open();
    for (const w of prepareWrites(writes)) {
      const existing = this.docs.get(w.doc.path);
      const next = w.merge && existing ? { ...existing.data, ...w.data } : w.data;
      this.docs.set(w.doc.path, { collection: w.doc.collection, id: w.doc.id, data: next });
    }
  }

  async create(path: string, data: DocumentData): Promise<boolean> {
    this.open();
    const p = parseDocPath(path);
    const stored = toStoredData(data);
    if (this.docs.has(path)) return false;
    this.docs.set(path, { collection: p.collection, id: p.id, data: stored });
    return true;
  }

  async delete(path: string): Promise<void> {
    this.open();
    parseDocPath(path);
    this.docs.delete(path);
  }

  async list<T extends DocumentData = DocumentData>(collectionPath: string, query?: ListQuery): Promise<Page<T>> {
    this.open();
    parseCollectionPath(collectionPath);
    const children: Doc<T>[] = [];
    for (const [path, d] of this.docs) {
      if (d.collection === collectionPath) children.push({ id: d.id, path, data: d.data as T });
    }
    const page = runListQuery(children, query);
    return { ...page, docs: page.docs.map((d) => ({ ...d, data: structuredClone(d.data) })) };
  }

  async update<T extends DocumentData = DocumentData>(
    path: string,
    fn: (current: T | null) => T | null,
  ): Promise<T | null> {
    this.open();
    const p = parseDocPath(path);
    const current = this.docs.get(path);
    const next = fn(current ? (structuredClone(current.data) as T) : null);
    if (next === null) {
      this.docs.delete(path);
      return null;
    }
    const stored = toStoredData(next);
    this.docs.set(path, { collection: p.collection, id: p.id, data: stored });
    return structuredClone(stored) as T;
  }

  /** Everything is computed and checked first, then applied without an await: atomic here. */
  async updateWithWrites<T extends DocumentData = DocumentData>(path: string, fn: (current: T | null) => UpdateWithWrites<T>): Promise<T | null> {
    this.open();
    const p = parseDocPath(path);
    const current = this.docs.get(path);
    const result = fn(current ? (structuredClone(current.data) as T) : null);
    const writes = prepareAtomicWrites(path, result.writes ?? []);
    const stored = result.data === null ? null : toStoredData(result.data);
    if (stored === null) this.docs.delete(path);
    else this.docs.set(path, { collection: p.collection, id: p.id, data: stored });
    for (const w of writes) {
      const existing = this.docs.get(w.doc.path);
      this.docs.set(w.doc.path, { collection: w.doc.collection, id: w.doc.id, data: w.merge && existing ? { ...existing.data, ...w.data } : w.data });
    }
    return stored === null ? null : (structuredClone(stored) as T);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new Error("MemoryDocumentStore is closed");
  }
}
