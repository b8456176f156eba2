import { auditSeqId, paths } from "#kernel/document-paths.js";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import type { CheckpointTrail } from "./audit-checkpoints.js";
import { type AuditRecord, type AuditVerification, GENESIS_HASH, hashAuditRecord } from "./audit-record.js";

/** What a stream's head holds: the newest seq and hash, and the newest record itself. */
export interface AuditHead extends DocumentData {
  seq: number;
  hash: string;
  record: AuditRecord;
}

/**
 * Walks one stream's records in seq order and names the first one that is wrong: an edited
 * record (its hash), a deleted or moved one (a seq gap, an id that is not its seq), a broken link
 * (`prevHash`), a newest record deleted or one inserted past the head, and, given the stream's
 * signed checkpoints, a record that differs from what was signed (a rewritten suffix, hashes
 * recomputed) or a checkpoint that is missing where one is due. A checkpoint problem is reported
 * at the first record after the last verified checkpoint: the records from there on can no longer
 * be told from a rewrite.
 *
 * @example
 *   const result = await verifyStream(store, "tenant:acme", trail);
 *   if (!result.ok) console.log(result.firstBadSeq, result.reason);
 */
export async function verifyStream(store: DocumentStore, stream: string, trail: CheckpointTrail | null): Promise<AuditVerification> {
  const head = await store.get<AuditHead>(paths.auditHead(stream));
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let cursor: string | undefined;
  const bad = (firstBadSeq: number, reason: string): AuditVerification => ({ ok: false, count: firstBadSeq - 1, firstBadSeq, reason });
  do {
    const page = await store.list<DocumentData>(paths.auditRecords(stream), {
      orderBy: [{ field: "seq", direction: "asc" }],
      limit: 500,
      ...(cursor ? { startAfter: cursor } : {}),
    });
    for (const doc of page.docs) {
      const record = doc.data as unknown as AuditRecord;
      if (record.seq !== expectedSeq) return bad(expectedSeq, `expected seq ${expectedSeq}, found ${String(record.seq)} (missing or reordered record)`);
      if (doc.id !== auditSeqId(expectedSeq)) return bad(expectedSeq, `record seq ${expectedSeq} stored under id ${doc.id} (moved record)`);
      if (record.stream !== stream) return bad(expectedSeq, `record belongs to stream ${String(record.stream)}`);
      if (record.prevHash !== prevHash) return bad(expectedSeq, "prevHash does not match the previous record's hash");
      if (hashAuditRecord(record) !== record.hash) return bad(expectedSeq, "hash does not match the record's content");
      const unsigned = trail?.check(record);
      if (trail && unsigned) return bad(trail.signedThrough + 1, unsigned);
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
  const past = trail?.beyond(count);
  if (past) return bad(count + 1, past);
  return trail ? { ok: true, count, signedThrough: trail.signedThrough } : { ok: true, count };
}
