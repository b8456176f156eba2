import type { DocumentData, DocumentStore, DocumentWrite, ListQuery, Page, UpdateWithWrites } from "#kernel/ports.js";

/**
 * Firestore billable operations, counted the way Firestore bills them
 * (https://firebase.google.com/docs/firestore/pricing, "Operations"):
 * - a document read for each `get` (a missing document is billed as a read too);
 * - a query returns N documents → N reads, at least 1 even when it returns nothing;
 * - each document written by `set`, `setMany`, `create` is a write; `delete` is a delete;
 * - a transaction (`update`, `updateWithWrites`) reads its document once per attempt and writes
 *   it (or deletes it) once, plus the extra writes it carries.
 * Failed calls are counted as attempted (Firestore bills a read that was served even if the
 * transaction later fails). `create` on an existing document is counted as a write attempt.
 */
export interface OpCounts {
  reads: number;
  writes: number;
  deletes: number;
  /** Calls by method, for the record. */
  calls: Record<string, number>;
}

const empty = (): OpCounts => ({ reads: 0, writes: 0, deletes: 0, calls: {} });

/** `tenants/{id}/...` → id; anything else is the platform's own. */
function ownerOf(path: string): string {
  const m = /^tenants\/([^/]+)/.exec(path);
  return m?.[1] ?? "(platform)";
}

export class CountingDocumentStore implements DocumentStore {
  private byOwner = new Map<string, OpCounts>();
  private enabled = true;

  constructor(private readonly inner: DocumentStore) {}

  /** Zeroes the counts (after seeding) and turns counting on or off. */
  reset(enabled = true): void {
    this.byOwner = new Map();
    this.enabled = enabled;
  }

  /** Counts by tenant (`(platform)` for documents outside `tenants/`). */
  counts(): Map<string, OpCounts> {
    return this.byOwner;
  }

  total(): OpCounts {
    const t = empty();
    for (const c of this.byOwner.values()) {
      t.reads += c.reads;
      t.writes += c.writes;
      t.deletes += c.deletes;
      for (const [k, v] of Object.entries(c.calls)) t.calls[k] = (t.calls[k] ?? 0) + v;
    }
    return t;
  }

  private add(path: string, method: string, op: { reads?: number; writes?: number; deletes?: number }): void {
    if (!this.enabled) return;
    const owner = ownerOf(path);
    let c = this.byOwner.get(owner);
    if (!c) {
      c = empty();
      this.byOwner.set(owner, c);
    }
    c.reads += op.reads ?? 0;
    c.writes += op.writes ?? 0;
    c.deletes += op.deletes ?? 0;
    c.calls[method] = (c.calls[method] ?? 0) + 1;
  }

  get<T extends DocumentData = DocumentData>(path: string): Promise<T | null> {
    this.add(path, "get", { reads: 1 });
    return this.inner.get<T>(path);
  }

  set(path: string, data: DocumentData, opts?: { merge?: boolean }): Promise<void> {
    this.add(path, "set", { writes: 1 });
    return this.inner.set(path, data, opts);
  }

  setMany(writes: readonly DocumentWrite[]): Promise<void> {
    for (const w of writes) this.add(w.path, "setMany", { writes: 1 });
    return this.inner.setMany(writes);
  }

  create(path: string, data: DocumentData): Promise<boolean> {
    this.add(path, "create", { writes: 1 });
    return this.inner.create(path, data);
  }

  delete(path: string): Promise<void> {
    this.add(path, "delete", { deletes: 1 });
    return this.inner.delete(path);
  }

  async list<T extends DocumentData = DocumentData>(collectionPath: string, query?: ListQuery): Promise<Page<T>> {
    const page = await this.inner.list<T>(collectionPath, query);
    this.add(collectionPath, "list", { reads: Math.max(1, page.docs.length) });
    return page;
  }

  update<T extends DocumentData = DocumentData>(path: string, fn: (current: T | null) => T | null): Promise<T | null> {
    this.add(path, "update", {});
    return this.inner.update<T>(path, (current) => {
      this.add(path, "update.attempt", { reads: 1 });
      const next = fn(current);
      // Only the last attempt commits, but every attempt's write is what the function asked for;
      // counted per attempt, so contention shows up as extra billed operations (an upper bound).
      this.add(path, "update.write", next === null ? { deletes: current === null ? 0 : 1 } : { writes: 1 });
      return next;
    });
  }

  updateWithWrites<T extends DocumentData = DocumentData>(path: string, fn: (current: T | null) => UpdateWithWrites<T>): Promise<T | null> {
    this.add(path, "updateWithWrites", {});
    return this.inner.updateWithWrites<T>(path, (current) => {
      this.add(path, "updateWithWrites.attempt", { reads: 1 });
      const r = fn(current);
      this.add(path, "updateWithWrites.write", r.data === null ? { deletes: current === null ? 0 : 1 } : { writes: 1 });
      for (const w of r.writes ?? []) this.add(w.path, "updateWithWrites.extra", { writes: 1 });
      return r;
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
