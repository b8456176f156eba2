import { AppError } from "#kernel/errors.js";
import { createHash } from "node:crypto";
import { stringify } from "safe-stable-stringify";
import { type Clock, type DocumentData, type DocumentStore, systemClock } from "#kernel/ports.js";
import { paths } from "#kernel/document-paths.js";

/**
 * F4 tamper-evident audit log (issue 4): every authentication, authorization decision, data access
 * and config change, hash-chained per stream.
 *
 * Layout in the DocumentStore:
 *   audit_heads/{stream}                      { seq, hash, record }  the chain's head
 *   audit_streams/{stream}/records/{seq:012}  AuditRecord           one per entry
 * `stream` is URI-encoded in paths; use `tenant:{id}` for tenant activity and `platform` for
 * platform-level events (see {@link tenantStream}).
 *
 * Appends go through `DocumentStore.update` on the head, which is atomic, so concurrent appends get
 * distinct consecutive seqs and each links to its true predecessor: the chain never forks. The head
 * also keeps the last record, so deleting the newest record is detected too.
 *
 * hash = SHA-256 hex of the canonical JSON (safe-stable-stringify, sorted keys) of the record
 * without its `hash` field; seq 1 links to {@link GENESIS_HASH}.
 */
export interface AuditEntry {
  stream: string;
  tenantId: string;
  actor: string;
  action: string;
  resource?: string;
  decision: "allow" | "deny";
  outcome: "success" | "failure";
  details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  /** ISO-8601 time of the append (Clock port). */
  at: string;
  prevHash: string;
  hash: string;
}

export type AuditVerification =
  | { ok: true; count: number }
  | { ok: false; count: number; firstBadSeq: number; reason: string };

export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRecord>;
  verifyAuditChain(stream: string): Promise<AuditVerification>;
}

export const GENESIS_HASH = "0".repeat(64);

/** Stream of one tenant's activity. */
export function tenantStream(tenantId: string): string {
  return `tenant:${tenantId}`;
}

export const PLATFORM_STREAM = "platform";

interface AuditHead extends DocumentData {
  seq: number;
  hash: string;
  record: AuditRecord;
}

function headPath(stream: string): string {
  return paths.auditHead(stream);
}

function recordsPath(stream: string): string {
  return paths.auditRecords(stream);
}

function recordPath(stream: string, seq: number): string {
  return `${recordsPath(stream)}/${String(seq).padStart(12, "0")}`;
}

/** SHA-256 over the canonical JSON of the record minus `hash`. */
export function hashAuditRecord(record: Omit<AuditRecord, "hash"> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = record;
  const canonical = stringify(rest);
  if (canonical === undefined) throw new TypeError("audit record is not serializable");
  return createHash("sha256").update(canonical).digest("hex");
}

function checkEntry(entry: AuditEntry): void {
  for (const key of ["stream", "tenantId", "actor", "action"] as const) {
    if (typeof entry[key] !== "string" || entry[key].length === 0) {
      throw new TypeError(`audit entry: ${key} must be a non-empty string`);
    }
  }
  if (entry.decision !== "allow" && entry.decision !== "deny") throw new TypeError("audit entry: bad decision");
  if (entry.outcome !== "success" && entry.outcome !== "failure") throw new TypeError("audit entry: bad outcome");
}

export function createAuditLog(store: DocumentStore, opts: { clock?: Clock } = {}): AuditLog {
  const clock = opts.clock ?? systemClock;

  async function append(entry: AuditEntry): Promise<AuditRecord> {
    checkEntry(entry);
    const at = clock.now().toISOString();
    // Drop undefined members so the hash is the same before and after a store round trip.
    const base = JSON.parse(JSON.stringify(entry)) as AuditEntry;
    let appended: AuditRecord | undefined;
    // `fn` may run more than once under contention: it must be pure and only remember its last result.
    await store.update<AuditHead>(headPath(entry.stream), (head) => {
      const seq = (head?.seq ?? 0) + 1;
      const unsigned = { ...base, seq, at, prevHash: head?.hash ?? GENESIS_HASH };
      const record: AuditRecord = { ...unsigned, hash: hashAuditRecord(unsigned) };
      appended = record;
      return { seq, hash: record.hash, record };
    });
    if (!appended) throw new AppError("aborted", "audit append: head update did not run", { retryable: true });
    await store.set(recordPath(entry.stream, appended.seq), { ...appended });
    return appended;
  }

  async function verifyAuditChain(stream: string): Promise<AuditVerification> {
    const head = await store.get<AuditHead>(headPath(stream));
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let cursor: string | undefined;
    // `count` is the number of records verified good before the first bad one.
    const bad = (firstBadSeq: number, reason: string): AuditVerification => ({
      ok: false,
      count: firstBadSeq - 1,
      firstBadSeq,
      reason,
    });
    do {
      const page = await store.list<DocumentData>(recordsPath(stream), {
        orderBy: [{ field: "seq", direction: "asc" }],
        limit: 500,
        ...(cursor ? { startAfter: cursor } : {}),
      });
      for (const doc of page.docs) {
        const record = doc.data as unknown as AuditRecord;
        if (record.seq !== expectedSeq) {
          return bad(expectedSeq, `expected seq ${expectedSeq}, found ${String(record.seq)} (missing or reordered record)`);
        }
        if (doc.id !== String(expectedSeq).padStart(12, "0")) {
          return bad(expectedSeq, `record seq ${expectedSeq} stored under id ${doc.id} (moved record)`);
        }
        if (record.stream !== stream) return bad(expectedSeq, `record belongs to stream ${String(record.stream)}`);
        if (record.prevHash !== prevHash) return bad(expectedSeq, "prevHash does not match the previous record's hash");
        if (hashAuditRecord(record) !== record.hash) return bad(expectedSeq, "hash does not match the record's content");
        prevHash = record.hash;
        expectedSeq += 1;
      }
      cursor = page.next;
    } while (cursor);
    const count = expectedSeq - 1;
    const headSeq = head?.seq ?? 0;
    if (headSeq > count) return bad(count + 1, `head is at seq ${headSeq} but the chain ends at ${count} (records deleted)`);
    if (headSeq < count) return bad(headSeq + 1, `records beyond the head (seq ${headSeq}) were inserted`);
    if (head && head.hash !== prevHash) return bad(count, "last record's hash does not match the head");
    return { ok: true, count };
  }

  return { append, verifyAuditChain };
}
