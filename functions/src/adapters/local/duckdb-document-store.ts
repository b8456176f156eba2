import { LIST, listValue, VARCHAR } from "@duckdb/node-api";
import type { Doc, DocumentData, DocumentStore, DocumentWrite, ListQuery, Page, UpdateWithWrites } from "#kernel/ports.js";
import { parseCollectionPath, parseDocPath } from "./document-paths.js";
import { runListQuery } from "./document-query.js";
import { toStoredData } from "./document-values.js";
import { type PreparedWrite, prepareAtomicWrites, prepareWrites } from "./document-writes.js";
import { type DuckDbHandle, type DuckDbLocation, openDuckDb } from "./duckdb-open.js";
import { DuckDbStore } from "./duckdb-store.js";
import { queueForFile } from "./serial-queue.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  path VARCHAR PRIMARY KEY,
  collection VARCHAR NOT NULL,
  id VARCHAR NOT NULL,
  data VARCHAR NOT NULL
)`;

/**
 * DocumentStore on one DuckDB table (path, collection, id, JSON text). Queries load the
 * collection and run the shared Firestore-semantics evaluator (document-query.ts): the local
 * run's collections are small, and one evaluator keeps every store's answers identical.
 * All operations go through the file's SerialQueue, so create and update are atomic in this process
 * (even with two stores on one file).
 */
export class DuckDbDocumentStore extends DuckDbStore implements DocumentStore {
  private constructor(db: DuckDbHandle) {
    super(db, "DuckDbDocumentStore");
  }

  /** Opens `<dataDir>/documents.duckdb` (default .data), or `{ file: ":memory:" }`. */
  static async open(loc: DuckDbLocation = {}): Promise<DuckDbDocumentStore> {
    const db = await openDuckDb(loc, "documents.duckdb");
    // Schema creation joins the file's write queue: two stores opening one file at once would
    // otherwise race on CREATE TABLE and fail with a catalog write-write conflict.
    await queueForFile(db.file).run(async () => {
      await db.connection.run(SCHEMA);
      await db.connection.run("CREATE INDEX IF NOT EXISTS documents_collection ON documents (collection)");
    });
    return new DuckDbDocumentStore(db);
  }

  async get<T extends DocumentData = DocumentData>(path: string): Promise<T | null> {
    parseDocPath(path);
    return this.exec(() => this.read<T>(path));
  }

  async set(path: string, data: DocumentData, opts?: { merge?: boolean }): Promise<void> {
    const p = parseDocPath(path);
    const incoming = toStoredData(data);
    return this.exec(async () => {
      const existing = opts?.merge ? await this.read(path) : null;
      await this.write(p.path, p.collection, p.id, existing ? { ...existing, ...incoming } : incoming);
    });
  }

  /**
   * One queued unit and one transaction: the documents that merges start from are read in one
   * query, the batch is folded in order in memory (a later write to a path sees the earlier
   * ones), and each resulting document is written once.
   */
  async setMany(writes: readonly DocumentWrite[]): Promise<void> {
    const batch = prepareWrites(writes);
    if (batch.length === 0) return;
    return this.exec(() => this.inTransaction(() => this.applyWrites(batch)));
  }

  async create(path: string, data: DocumentData): Promise<boolean> {
    const p = parseDocPath(path);
    const stored = toStoredData(data);
    return this.exec(async () => {
      const r = await this.db.connection.run(
        "INSERT INTO documents VALUES ($1, $2, $3, $4) ON CONFLICT (path) DO NOTHING",
        [p.path, p.collection, p.id, JSON.stringify(stored)],
      );
      return r.rowsChanged === 1;
    });
  }

  async delete(path: string): Promise<void> {
    parseDocPath(path);
    return this.exec(async () => {
      await this.db.connection.run("DELETE FROM documents WHERE path = $1", [path]);
    });
  }

  async list<T extends DocumentData = DocumentData>(collectionPath: string, query?: ListQuery): Promise<Page<T>> {
    parseCollectionPath(collectionPath);
    return this.exec(async () => {
      const reader = await this.db.connection.runAndReadAll(
        "SELECT path, id, data FROM documents WHERE collection = $1",
        [collectionPath],
      );
      const docs: Doc<T>[] = reader.getRowsJS().map(([path, id, data]) => ({
        path: String(path),
        id: String(id),
        data: JSON.parse(String(data)) as T,
      }));
      return runListQuery(docs, query);
    });
  }

  async update<T extends DocumentData = DocumentData>(
    path: string,
    fn: (current: T | null) => T | null,
  ): Promise<T | null> {
    const p = parseDocPath(path);
    return this.exec(async () => {
      const next = fn(await this.read<T>(path));
      if (next === null) {
        await this.db.connection.run("DELETE FROM documents WHERE path = $1", [path]);
        return null;
      }
      const stored = toStoredData(next);
      await this.write(p.path, p.collection, p.id, stored);
      return stored as T;
    });
  }

  /**
   * One queued unit and one DuckDB transaction: the document's new value and the other writes
   * commit together, or the rollback leaves all of them as they were.
   */
  async updateWithWrites<T extends DocumentData = DocumentData>(path: string, fn: (current: T | null) => UpdateWithWrites<T>): Promise<T | null> {
    const p = parseDocPath(path);
    return this.exec(() =>
      this.inTransaction(async () => {
        const result = fn(await this.read<T>(path));
        const writes = prepareAtomicWrites(path, result.writes ?? []);
        const stored = result.data === null ? null : toStoredData(result.data);
        if (stored === null) await this.db.connection.run("DELETE FROM documents WHERE path = $1", [path]);
        else await this.write(p.path, p.collection, p.id, stored);
        if (writes.length > 0) await this.applyWrites(writes);
        return stored as T | null;
      }),
    );
  }

  private async inTransaction<R>(work: () => Promise<R>): Promise<R> {
    const c = this.db.connection;
    await c.run("BEGIN TRANSACTION");
    try {
      const result = await work();
      await c.run("COMMIT");
      return result;
    } catch (err) {
      await c.run("ROLLBACK");
      throw err;
    }
  }

  /** A checked batch, folded in order over the documents its merges start from, written in one statement. */
  private async applyWrites(batch: readonly PreparedWrite[]): Promise<void> {
    const merged = batch.filter((w) => w.merge).map((w) => w.doc.path);
    const current = merged.length > 0 ? await this.readMany([...new Set(merged)]) : new Map<string, DocumentData>();
    const next = new Map<string, { doc: PreparedWrite["doc"]; data: DocumentData }>();
    for (const w of batch) {
      const base = w.merge ? (next.get(w.doc.path)?.data ?? current.get(w.doc.path)) : undefined;
      next.set(w.doc.path, { doc: w.doc, data: base ? { ...base, ...w.data } : w.data });
    }
    await this.writeMany([...next.values()].map(({ doc, data }) => [doc.path, doc.collection, doc.id, JSON.stringify(data)]));
  }

  private async read<T extends DocumentData>(path: string): Promise<T | null> {
    const reader = await this.db.connection.runAndReadAll("SELECT data FROM documents WHERE path = $1", [path]);
    const row = reader.getRowsJS()[0];
    return row ? (JSON.parse(String(row[0])) as T) : null;
  }

  private async readMany(paths: string[]): Promise<Map<string, DocumentData>> {
    const reader = await this.db.connection.runAndReadAll(
      "SELECT path, data FROM documents WHERE list_contains($1, path)",
      [listValue(paths)],
      [LIST(VARCHAR)],
    );
    return new Map(reader.getRowsJS().map(([path, data]) => [String(path), JSON.parse(String(data)) as DocumentData]));
  }

  /** One statement for the whole batch: DuckDB's per-statement cost dwarfs a row's. Paths are unique. */
  private async writeMany(rows: [path: string, collection: string, id: string, data: string][]): Promise<void> {
    const column = (i: number) => listValue(rows.map((r) => r[i] as string));
    await this.db.connection.run(
      `INSERT INTO documents
       SELECT unnest($1) AS path, unnest($2) AS collection, unnest($3) AS id, unnest($4) AS data
       ON CONFLICT (path) DO UPDATE SET data = excluded.data`,
      [column(0), column(1), column(2), column(3)],
      [LIST(VARCHAR), LIST(VARCHAR), LIST(VARCHAR), LIST(VARCHAR)],
    );
  }

  private async write(path: string, collection: string, id: string, data: DocumentData): Promise<void> {
    await this.db.connection.run(
      "INSERT INTO documents VALUES ($1, $2, $3, $4) ON CONFLICT (path) DO UPDATE SET data = excluded.data",
      [path, collection, id, JSON.stringify(data)],
    );
  }
}
