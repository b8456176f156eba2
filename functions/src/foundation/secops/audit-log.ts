import { paths } from "#kernel/document-paths.js";
import { AppError } from "#kernel/errors.js";
import { type Clock, type DocumentStore, type DocumentWrite, type SecretStore, systemClock } from "#kernel/ports.js";
import { checkpointDue, loadCheckpointTrail, signCheckpoint } from "./audit-checkpoints.js";
import { type AuditEntry, type AuditRecord, type AuditVerification, checkEntry, GENESIS_HASH, hashAuditRecord } from "./audit-record.js";
import { type AuditKeys, type AuditSigningKey, createAuditKeys } from "./audit-signing-key.js";
import { type AuditHead, verifyStream } from "./audit-verify.js";

export { type AuditEntry, type AuditRecord, type AuditVerification, GENESIS_HASH, hashAuditRecord, PLATFORM_STREAM, tenantStream } from "./audit-record.js";

/**
 * F4 tamper-evident audit log: every authentication, authorization decision, data access and
 * config change, hash-chained per stream (audit-record.ts), anchored by signed checkpoints
 * (audit-checkpoints.ts) when the log has a SecretStore for its signing key.
 *
 * Layout in the DocumentStore:
 *   audit_heads/{stream}                          { seq, hash, record }  the chain's head
 *   audit_streams/{stream}/records/{seq:012}      AuditRecord            one per entry
 *   audit_streams/{stream}/checkpoints/{seq:012}  AuditCheckpoint        every 32nd record, signed
 *   audit_keys/{keyId}                            the signing key's public half, for auditors
 * `stream` is URI-encoded in paths; use `tenant:{id}` for tenant activity and `platform` for
 * platform-level events (see {@link tenantStream}).
 *
 * An append is one `DocumentStore.updateWithWrites` on the head: the head, the record and (when
 * due) the checkpoint are stored together or not at all, so a crash can never leave a head
 * without its record, and concurrent appends get distinct consecutive seqs, each linked to its
 * true predecessor (the chain never forks). The head also keeps the last record, so deleting the
 * newest record is detected too.
 *
 * Without `secrets` no checkpoint is written or checked, and a writer of the store can rewrite a
 * suffix of the chain undetected: production must pass the SecretStore.
 *
 * @example
 *   const audit = createAuditLog(documents, { clock, secrets });
 *   await audit.append({ stream: tenantStream("acme"), tenantId: "acme", actor: "uid:1", action: "write:budgets:upsertBudget", decision: "allow", outcome: "success" });
 *   await audit.verifyAuditChain(tenantStream("acme")); // { ok: true, count: 1, signedThrough: 0 }
 */
export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRecord>;
  verifyAuditChain(stream: string): Promise<AuditVerification>;
}

export interface AuditLogOptions {
  clock?: Clock;
  /** Where the checkpoint signing key lives (`platform/audit-signing-key`, created on first use). */
  secrets?: SecretStore;
}

export function createAuditLog(store: DocumentStore, opts: AuditLogOptions = {}): AuditLog {
  const clock = opts.clock ?? systemClock;
  const keys: AuditKeys | undefined = opts.secrets ? createAuditKeys(opts.secrets, store, { clock }) : undefined;

  async function append(entry: AuditEntry): Promise<AuditRecord> {
    checkEntry(entry);
    const at = clock.now().toISOString();
    // Drop undefined members so the hash is the same before and after a store round trip.
    const base = JSON.parse(JSON.stringify(entry)) as AuditEntry;
    // The key is fetched before the transaction (whose function cannot wait); it is needed only
    // when this append turns out to be a checkpoint's, so only that append fails without it.
    const signer = keys ? await signingKeyOrError(keys) : undefined;
    let appended: AuditRecord | undefined;
    // `fn` may run more than once under contention: it must be pure and only remember its last result.
    await store.updateWithWrites<AuditHead>(paths.auditHead(entry.stream), (head) => {
      const seq = (head?.seq ?? 0) + 1;
      const unsigned = { ...base, seq, at, prevHash: head?.hash ?? GENESIS_HASH };
      const record: AuditRecord = { ...unsigned, hash: hashAuditRecord(unsigned) };
      appended = record;
      const writes: DocumentWrite[] = [{ path: paths.auditRecord(entry.stream, seq), data: { ...record } }];
      if (signer && checkpointDue(seq)) {
        if (signer instanceof AppError) throw signer;
        writes.push({ path: paths.auditCheckpoint(entry.stream, seq), data: signCheckpoint(signer, record) });
      }
      return { data: { seq, hash: record.hash, record }, writes };
    });
    if (!appended) throw new AppError("aborted", "audit append: head update did not run", { retryable: true });
    return appended;
  }

  async function verifyAuditChain(stream: string): Promise<AuditVerification> {
    const trail = keys ? await loadCheckpointTrail(store, stream, await keys.trusted()) : null;
    return verifyStream(store, stream, trail);
  }

  return { append, verifyAuditChain };
}

async function signingKeyOrError(keys: AuditKeys): Promise<AuditSigningKey | AppError> {
  try {
    return await keys.signing();
  } catch (err) {
    return err instanceof AppError ? err : new AppError("unavailable", "audit signing key unavailable", { cause: err, retryable: true });
  }
}
