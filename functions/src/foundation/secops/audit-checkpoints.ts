import { sign, verify } from "node:crypto";
import { stringify } from "safe-stable-stringify";
import { z } from "zod";
import { auditSeqId, paths } from "#kernel/document-paths.js";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import type { AuditRecord } from "./audit-record.js";
import type { AuditSigningKey } from "./audit-signing-key.js";

/**
 * Signed checkpoints anchor an audit stream's hash chain. The chain alone is unkeyed: whoever can
 * write the store can rewrite a suffix (records and head, every hash recomputed) and the chain
 * still links. Every {@link AUDIT_CHECKPOINT_EVERY}th record gets a checkpoint, an Ed25519
 * signature over (stream, seq, hash) made with a key the document store never holds, written in
 * the same atomic step as the record. A rewrite that reaches back to or before a checkpoint
 * changes that record's hash and no longer matches the signature; deleting the checkpoint instead
 * leaves a seq that must have one without it.
 *
 * Stored at `audit_streams/{stream}/checkpoints/{seq:012}`. The interval is part of the log's
 * format (verification expects a checkpoint at each multiple of it), so it is a constant.
 *
 * @example
 *   const cp = signCheckpoint(key, record);               // when record.seq % AUDIT_CHECKPOINT_EVERY === 0
 *   const trail = await loadCheckpointTrail(store, stream, key);
 *   trail.check(record);                                  // null, or what is wrong
 */
export const AUDIT_CHECKPOINT_EVERY = 32;

const Checkpoint = z.strictObject({
  v: z.literal(1),
  stream: z.string(),
  seq: z.number().int().positive(),
  hash: z.string(),
  keyId: z.string(),
  /** Ed25519 signature, base64, over {@link signedBytes}. */
  signature: z.string(),
});
export type AuditCheckpoint = z.infer<typeof Checkpoint>;

/** What is signed: canonical JSON, with a label so a signature made for anything else never passes. */
function signedBytes(cp: Omit<AuditCheckpoint, "signature">): Buffer {
  return Buffer.from(stringify({ kind: "costmon.audit.checkpoint", v: cp.v, stream: cp.stream, seq: cp.seq, hash: cp.hash, keyId: cp.keyId }) ?? "", "utf8");
}

export function checkpointDue(seq: number): boolean {
  return seq % AUDIT_CHECKPOINT_EVERY === 0;
}

export function signCheckpoint(key: AuditSigningKey, record: Pick<AuditRecord, "stream" | "seq" | "hash">): AuditCheckpoint & DocumentData {
  const unsigned = { v: 1 as const, stream: record.stream, seq: record.seq, hash: record.hash, keyId: key.keyId };
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), key.privateKey).toString("base64") };
}

/** The checkpoints of one stream as verification walks it. */
export interface CheckpointTrail {
  /** The record at its seq against its checkpoint (if it has or needs one): null, or what is wrong. */
  check(record: AuditRecord): string | null;
  /** The newest seq a verified checkpoint covers so far (0: none). */
  readonly signedThrough: number;
  /** A checkpoint past the chain's last record (its records were deleted): what is wrong, or null. */
  beyond(lastSeq: number): string | null;
}

/**
 * Loads every checkpoint of `stream` (they are few: one per {@link AUDIT_CHECKPOINT_EVERY}
 * records). Checkpoints are required from the stream's first one on: records from before the
 * signing key existed have none, and that cannot be abused, since a rewrite of them changes every
 * later hash, the first checkpoint's included. A stream that has reached a checkpoint seq and has
 * no checkpoint at all fails.
 */
export async function loadCheckpointTrail(store: DocumentStore, stream: string, key: AuditSigningKey | null): Promise<CheckpointTrail> {
  const bySeq = new Map<number, unknown>();
  let cursor: string | undefined;
  do {
    const page = await store.list<DocumentData>(paths.auditCheckpoints(stream), { limit: 500, ...(cursor ? { startAfter: cursor } : {}) });
    for (const doc of page.docs) {
      const seq = Number(doc.id);
      if (Number.isSafeInteger(seq) && seq > 0 && doc.id === auditSeqId(seq)) bySeq.set(seq, doc.data);
    }
    cursor = page.next;
  } while (cursor);

  let signedThrough = 0;
  let seen = false;
  return {
    get signedThrough() {
      return signedThrough;
    },
    check(record) {
      const raw = bySeq.get(record.seq);
      if (raw === undefined) {
        return checkpointDue(record.seq) && (seen || bySeq.size === 0) ? `no signed checkpoint at seq ${record.seq}, where one is due (deleted)` : null;
      }
      seen = true;
      const problem = checkpointProblem(raw, record, key);
      if (problem) return problem;
      signedThrough = record.seq;
      return null;
    },
    beyond(lastSeq) {
      const past = [...bySeq.keys()].filter((seq) => seq > lastSeq).sort((a, b) => a - b)[0];
      return past === undefined ? null : `a signed checkpoint exists at seq ${past}, past the chain's end at seq ${lastSeq} (records deleted)`;
    },
  };
}

function checkpointProblem(raw: unknown, record: AuditRecord, key: AuditSigningKey | null): string | null {
  const at = `checkpoint at seq ${record.seq}`;
  const parsed = Checkpoint.safeParse(raw);
  if (!parsed.success) return `${at} is malformed`;
  const cp = parsed.data;
  if (!key) return `${at} exists, but the secret store holds no audit signing key to check it with`;
  if (cp.keyId !== key.keyId) return `${at} is signed by key ${cp.keyId}, not by the audit signing key ${key.keyId}`;
  const { signature, ...unsigned } = cp;
  if (!verify(null, signedBytes(unsigned), key.publicKey, Buffer.from(signature, "base64"))) return `${at} has an invalid signature`;
  if (cp.stream !== record.stream || cp.seq !== record.seq) return `${at} was signed for another place (${cp.stream} seq ${cp.seq})`;
  if (cp.hash !== record.hash) return `the record at seq ${record.seq} does not match its signed checkpoint (rewritten records up to seq ${record.seq})`;
  return null;
}
