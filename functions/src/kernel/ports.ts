/**
 * Ports shared by every domain. Adapters implement them: DuckDB and in-process locally,
 * Firestore, Pub/Sub and Secret Manager in production. Each has one conformance suite in
 * test/conformance that every implementation must pass.
 */

export type DocumentData = Record<string, unknown>;

export type WhereOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "array-contains";

export interface ListQuery {
  where?: [field: string, op: WhereOp, value: unknown][];
  orderBy?: { field: string; direction?: "asc" | "desc" }[];
  limit?: number;
  /** Opaque cursor from a previous page's `next`. */
  startAfter?: string;
}

export interface Doc<T extends DocumentData = DocumentData> {
  id: string;
  path: string;
  data: T;
}

export interface Page<T extends DocumentData = DocumentData> {
  docs: Doc<T>[];
  next?: string;
}

/** Documents one `updateWithWrites` may write in all, the updated one included (Firestore's limit per transaction). */
export const MAX_ATOMIC_WRITES = 500;

/** One write of a `setMany` batch: what `set(path, data, { merge })` would do. */
export interface DocumentWrite {
  path: string;
  data: DocumentData;
  merge?: boolean;
}

/** What an `updateWithWrites` function returns. */
export interface UpdateWithWrites<T extends DocumentData = DocumentData> {
  /** The updated document's next value; null deletes it. */
  data: T | null;
  /** Other documents to write in the same atomic step, as `setMany` would; never the updated path. */
  writes?: readonly DocumentWrite[];
}

/**
 * Hierarchical document store with Firestore's path model: "tenants/t1/budgets/b1" is a document,
 * "tenants/t1/budgets" a collection. Field paths in queries are top-level field names.
 */
export interface DocumentStore {
  get<T extends DocumentData = DocumentData>(path: string): Promise<T | null>;
  /** Creates or replaces; with merge, shallow-merges top-level fields. */
  set(path: string, data: DocumentData, opts?: { merge?: boolean }): Promise<void>;
  /**
   * Applies several `set`s in list order, as one unit where the store allows it: every path and
   * document is validated first (the same checks as `set`), so a bad write fails the call before
   * anything is written; a later write to the same path sees the earlier ones. The local stores
   * apply the whole list atomically. Firestore implements it with WriteBatch in chunks of 500
   * writes (its batch limit), so there a longer list is atomic per chunk, not as a whole.
   */
  setMany(writes: readonly DocumentWrite[]): Promise<void>;
  /** Creates only if absent; returns false when the document already exists (leases, dedupe). */
  create(path: string, data: DocumentData): Promise<boolean>;
  delete(path: string): Promise<void>;
  list<T extends DocumentData = DocumentData>(collectionPath: string, query?: ListQuery): Promise<Page<T>>;
  /** Atomic read-modify-write of one document; `fn` may run more than once. Returning null deletes. */
  update<T extends DocumentData = DocumentData>(
    path: string,
    fn: (current: T | null) => T | null,
  ): Promise<T | null>;
  /**
   * `update` that also writes other documents, all in one atomic step: the document and every
   * write are stored together or not at all, even if the process dies half-way (a Firestore
   * transaction; one DuckDB transaction; one synchronous step in memory). For a record that must
   * never exist without the index that points to it, or the reverse (an audit record and its
   * chain head). `fn` may run more than once and must be pure. The writes are validated like
   * `setMany`'s before anything is written; one that targets the updated path itself, or more
   * than {@link MAX_ATOMIC_WRITES} documents in all, is refused with `invalid-argument`.
   *
   * @example
   *   await store.updateWithWrites<Head>("heads/s", (head) => {
   *     const seq = (head?.seq ?? 0) + 1;
   *     return { data: { seq }, writes: [{ path: `records/${seq}`, data: { seq } }] };
   *   });
   */
  updateWithWrites<T extends DocumentData = DocumentData>(
    path: string,
    fn: (current: T | null) => UpdateWithWrites<T>,
  ): Promise<T | null>;
  close(): Promise<void>;
}

export interface BusMessage<T = unknown> {
  id: string;
  topic: string;
  data: T;
  attributes: Record<string, string>;
  /** 1 on first delivery. */
  deliveryAttempt: number;
  publishedAt: string;
}

export type MessageHandler<T = unknown> = (msg: BusMessage<T>) => Promise<void>;

/** Pub/Sub-style bus: at-least-once delivery, retry on throw, dead-letter after max attempts. */
export interface EventBus {
  publish<T>(topic: string, data: T, attributes?: Record<string, string>): Promise<string>;
  subscribe<T>(topic: string, handler: MessageHandler<T>, opts?: { maxAttempts?: number }): void;
  /** Resolves when nothing is queued or in flight (local bus; production resolves at once). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface SecretStore {
  /** Returns the latest version, or null when absent. */
  get(name: string): Promise<string | null>;
  put(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
