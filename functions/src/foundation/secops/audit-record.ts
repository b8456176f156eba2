import { createHash } from "node:crypto";
import { stringify } from "safe-stable-stringify";
import { AppError } from "#kernel/errors.js";

/**
 * The audit log's record model, shared by appending (audit-log.ts), verifying (audit-verify.ts)
 * and signing (audit-checkpoints.ts): what an entry holds, how a record is hashed, and the
 * stream names.
 *
 * hash = SHA-256 hex of the canonical JSON (safe-stable-stringify, sorted keys) of the record
 * without its `hash` field; seq 1 links to {@link GENESIS_HASH}.
 *
 * @example
 *   const unsigned = { ...entry, seq: 1, at, prevHash: GENESIS_HASH };
 *   const record: AuditRecord = { ...unsigned, hash: hashAuditRecord(unsigned) };
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

/**
 * What verification found. `count` is how many records verified before the first bad one.
 * `signedThrough`, when the log checks signed checkpoints, is the newest seq a verified signature
 * covers: records after it are protected by the hash chain only, until the next checkpoint.
 */
export type AuditVerification =
  | { ok: true; count: number; signedThrough?: number }
  | { ok: false; count: number; firstBadSeq: number; reason: string };

export const GENESIS_HASH = "0".repeat(64);

/** Stream of one tenant's activity. */
export function tenantStream(tenantId: string): string {
  return `tenant:${tenantId}`;
}

export const PLATFORM_STREAM = "platform";

/** SHA-256 over the canonical JSON of the record minus `hash`. */
export function hashAuditRecord(record: Omit<AuditRecord, "hash"> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = record;
  const canonical = stringify(rest);
  if (canonical === undefined) throw new AppError("internal", "audit record is not serializable", { expose: false });
  return createHash("sha256").update(canonical).digest("hex");
}

/** An entry our own code built wrongly is a bug, not the caller's input: `internal`, not shown. */
export function checkEntry(entry: AuditEntry): void {
  const bad = (what: string) => new AppError("internal", `audit entry: ${what}`, { expose: false });
  for (const key of ["stream", "tenantId", "actor", "action"] as const) {
    if (typeof entry[key] !== "string" || entry[key].length === 0) throw bad(`${key} must be a non-empty string`);
  }
  if (entry.decision !== "allow" && entry.decision !== "deny") throw bad("bad decision");
  if (entry.outcome !== "success" && entry.outcome !== "failure") throw bad("bad outcome");
}
