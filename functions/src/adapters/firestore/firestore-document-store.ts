import { isDeepStrictEqual } from "node:util";
import { FieldPath, Firestore, type SetOptions } from "firebase-admin/firestore";
import { z } from "zod";
import { AppError } from "#kernel/errors.js";
import type { Doc, DocumentData, DocumentStore, DocumentWrite, ListQuery, Page, UpdateWithWrites } from "#kernel/ports.js";
import { parseCollectionPath, parseDocPath } from "../local/document-paths.js";
import { prepareAtomicWrites, prepareWrites } from "../local/document-writes.js";
import { checked, grpcStatusOf, invalid, toAppError } from "./firestore-errors.js";
import { buildQuery, cursorAfter, prepareQuery } from "./firestore-query.js";
import { fromFirestoreData, toFirestoreData } from "./firestore-values.js";
import { KeyedSerialQueue } from "./keyed-serial-queue.js";

/** Where the store connects when it builds its own client. */
export const FirestoreConnectionSchema = z.strictObject({
  projectId: z.string().min(1),
  /** A named database; default "(default)". */
  databaseId: z.string().min(1).optional(),
  /** host:port of an emulator, instead of FIRESTORE_EMULATOR_HOST (which the SDK reads itself). */
  emulatorHost: z.string().regex(/^[^\s/:]+:\d{1,5}$/, "host:port").optional(),
});
export type FirestoreConnection = z.infer<typeof FirestoreConnectionSchema>;

export const FirestoreStoreTuningSchema = z.strictObject({
  /** Attempts of one `update` transaction under contention between instances; default 10. */
  maxTransactionAttempts: z.number().int().min(1).max(50).optional(),
});
export type FirestoreStoreTuning = z.infer<typeof FirestoreStoreTuningSchema>;

/** Firestore's limit of writes in one batch. */
export const MAX_BATCH_WRITES = 500;

/** One queue per client: two stores on one client still do not contend with each other. */
const queues = new WeakMap<Firestore, KeyedSerialQueue>();

/**
 * DocumentStore on Cloud Firestore (firebase-admin 13), with the semantics of the port and its
 * conformance suite (the DuckDB store and the memory fake are its twins):
 * - `set` with merge replaces each top-level field it names, whole (Firestore's `mergeFields`;
 *   plain `merge: true` would merge nested maps too);
 * - `create` is Firestore's create: ALREADY_EXISTS means false;
 * - `update` is a transaction (`fn` may run more than once); this instance's updates of one path
 *   are queued so they never contend with each other, and contention with other instances is
 *   retried by the transaction, up to `maxTransactionAttempts`; a result equal to what was read
 *   writes nothing; `updateWithWrites` adds its other writes to that same transaction;
 * - `list` is a Firestore query with its order spelled out and an opaque cursor (firestore-query.ts);
 * - `setMany` folds writes to the same path in list order, then commits WriteBatches of at most
 *   500 writes one after another. **Each batch is atomic; a list of more than 500 distinct paths
 *   is not atomic as a whole**: if a later batch fails, the earlier ones stay written. Every write
 *   is validated before the first batch is sent, so a bad entry writes nothing.
 * Data is plain JSON both ways (firestore-values.ts). Failures are AppErrors (firestore-errors.ts).
 *
 * Given a client, the store leaves it open on `close` (its owner closes it); built from options,
 * it owns its client and terminates it.
 *
 * @example
 *   const store = new FirestoreDocumentStore({ projectId: "my-project" });
 *   await store.set("tenants/acme/budgets/monthly", { amount: "100.00" });
 *   const page = await store.list("tenants/acme/budgets", { where: [["amount", "==", "100.00"]], limit: 50 });
 */
export class FirestoreDocumentStore implements DocumentStore {
  readonly firestore: Firestore;
  private readonly owns: boolean;
  private readonly maxAttempts: number;
  private readonly queue: KeyedSerialQueue;
  private closed = false;

  constructor(source: Firestore | FirestoreConnection, tuning: FirestoreStoreTuning = {}) {
    const t = parseOptions(FirestoreStoreTuningSchema, tuning);
    this.maxAttempts = t.maxTransactionAttempts ?? 10;
    if (source instanceof Firestore) {
      this.firestore = source;
      this.owns = false;
    } else {
      const c = parseOptions(FirestoreConnectionSchema, source);
      this.firestore = new Firestore({
        projectId: c.projectId,
        ...(c.databaseId ? { databaseId: c.databaseId } : {}),
        ...(c.emulatorHost ? { host: c.emulatorHost, ssl: false } : {}),
        ignoreUndefinedProperties: true,
      });
      this.owns = true;
    }
    let q = queues.get(this.firestore);
    if (!q) {
      q = new KeyedSerialQueue();
      queues.set(this.firestore, q);
    }
    this.queue = q;
  }

  async get<T extends DocumentData = DocumentData>(path: string): Promise<T | null> {
    this.open();
    checked(() => parseDocPath(path));
    return this.call("get", async () => {
      const snap = await this.firestore.doc(path).get();
      const data = snap.data();
      return data === undefined ? null : (fromFirestoreData(data) as T);
    });
  }

  async set(path: string, data: DocumentData, opts?: { merge?: boolean }): Promise<void> {
    this.open();
    checked(() => parseDocPath(path));
    const stored = toFirestoreData(data);
    await this.call("set", () => this.firestore.doc(path).set(stored, setOptions(stored, opts?.merge === true)));
  }

  async setMany(writes: readonly DocumentWrite[]): Promise<void> {
    this.open();
    const prepared = checked(() => prepareWrites(writes)).map((w, i) => {
      try {
        return { ...w, data: toFirestoreData(w.data) };
      } catch (err) {
        throw invalid(`write at index ${i}: ${(err as Error).message}`, err);
      }
    });
    // Later writes to a path fold into the first: replace resets it, merge adds its top-level fields.
    const folded = new Map<string, { data: DocumentData; merge: boolean }>();
    for (const w of prepared) {
      const before = folded.get(w.doc.path);
      folded.set(w.doc.path, w.merge && before ? { data: { ...before.data, ...w.data }, merge: before.merge } : { data: w.data, merge: w.merge });
    }
    const all = [...folded];
    for (let i = 0; i < all.length; i += MAX_BATCH_WRITES) {
      const batch = this.firestore.batch();
      for (const [path, w] of all.slice(i, i + MAX_BATCH_WRITES)) batch.set(this.firestore.doc(path), w.data, setOptions(w.data, w.merge));
      await this.call("setMany", () => batch.commit());
    }
  }

  async create(path: string, data: DocumentData): Promise<boolean> {
    this.open();
    checked(() => parseDocPath(path));
    const stored = toFirestoreData(data);
    try {
      await this.firestore.doc(path).create(stored);
      return true;
    } catch (err) {
      if (grpcStatusOf(err) === 6) return false;
      throw toAppError(err, "create");
    }
  }

  async delete(path: string): Promise<void> {
    this.open();
    checked(() => parseDocPath(path));
    await this.call("delete", () => this.firestore.doc(path).delete());
  }

  async list<T extends DocumentData = DocumentData>(collectionPath: string, query?: ListQuery): Promise<Page<T>> {
    this.open();
    checked(() => parseCollectionPath(collectionPath));
    const p = prepareQuery(query);
    const q = checked(() => buildQuery(this.firestore.collection(collectionPath), p));
    const snap = await this.call("list", () => q.get());
    const limit = p.query.limit;
    const more = limit !== undefined && snap.docs.length > limit;
    const shown = more ? snap.docs.slice(0, limit) : snap.docs;
    const docs: Doc<T>[] = shown.map((d) => ({ id: d.id, path: d.ref.path, data: fromFirestoreData(d.data()) as T }));
    const last = shown[shown.length - 1];
    return more && last ? { docs, next: cursorAfter(last, p) } : { docs };
  }

  async update<T extends DocumentData = DocumentData>(path: string, fn: (current: T | null) => T | null): Promise<T | null> {
    return this.transact(path, (current: T | null) => ({ data: fn(current) }));
  }

  /** One transaction: the document and the other writes commit together (at most 500 documents, Firestore's limit). */
  async updateWithWrites<T extends DocumentData = DocumentData>(path: string, fn: (current: T | null) => UpdateWithWrites<T>): Promise<T | null> {
    return this.transact(path, fn);
  }

  private async transact<T extends DocumentData>(path: string, fn: (current: T | null) => UpdateWithWrites<T>): Promise<T | null> {
    this.open();
    checked(() => parseDocPath(path));
    const ref = this.firestore.doc(path);
    // Errors of `fn` (the caller's) pass through as they are; only Firestore's are mapped.
    let callerError: { err: unknown } | undefined;
    return this.queue.run(path, async () => {
      try {
        return await this.firestore.runTransaction(
          async (tx) => {
            callerError = undefined;
            const snap = await tx.get(ref);
            const current = snap.exists ? (fromFirestoreData(snap.data() as DocumentData) as T) : null;
            let stored: DocumentData | null;
            let writes: { path: string; data: DocumentData; merge: boolean }[];
            try {
              const result = fn(current);
              stored = result.data === null ? null : toFirestoreData(result.data);
              writes = prepareAtomicWrites(path, result.writes ?? []).map((w) => ({ path: w.doc.path, data: toFirestoreData(w.data), merge: w.merge }));
            } catch (err) {
              callerError = { err };
              throw err;
            }
            for (const w of writes) tx.set(this.firestore.doc(w.path), w.data, setOptions(w.data, w.merge));
            // Unchanged (a lease someone else holds, nothing to do): no write of the document.
            if (stored === null) {
              if (current !== null) tx.delete(ref);
              return null;
            }
            if (current === null || !isDeepStrictEqual(stored, current)) tx.set(ref, stored);
            return structuredClone(stored) as T;
          },
          { maxAttempts: this.maxAttempts },
        );
      } catch (err) {
        if (callerError && callerError.err === err) throw err;
        throw toAppError(err, "update");
      }
    });
  }

  /** Ends the store; a client it built itself is terminated after the calls under way. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.owns) await this.firestore.terminate();
  }

  /** Process shutdown (SIGTERM): refuses further calls at once and lets the client go in the background. */
  closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.owns) void this.firestore.terminate().catch(() => undefined);
  }

  private open(): void {
    // Retryable: a call that reaches an instance shutting down can succeed on another one.
    if (this.closed) throw new AppError("unavailable", "FirestoreDocumentStore is closed", { retryable: true });
  }

  private async call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toAppError(err, op);
    }
  }
}

/** Options checked when the store is built (composition root), failing with a readable message. */
function parseOptions<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw invalid(`FirestoreDocumentStore options: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** `set` options: a shallow merge names each top-level field, so nested maps are replaced whole. */
function setOptions(data: DocumentData, merge: boolean): SetOptions {
  return merge ? { mergeFields: Object.keys(data).map((k) => new FieldPath(k)) } : {};
}
