import { paths } from "#kernel/document-paths.js";
import type { DocumentStore } from "#kernel/ports.js";
import { type DeadLetterRecord, DeadLetterRecordSchema, type DeadLetterStatus, deadLetterId } from "./dead-letter-record.js";

/**
 * The dead-letter records in the document store (dead-letter-record.ts): written once per topic
 * and message, listed with filters, and moved through a replay (`dead-lettered` → `replaying` →
 * `replayed`) with atomic updates, so two replays never publish the same record twice.
 */

/** A record with its document id. */
export interface StoredDeadLetter extends DeadLetterRecord {
  id: string;
}

export interface DeadLetterFilter {
  /** Only records of this topic (the code's name, e.g. `collect-account`). */
  topic?: string;
  /** Only records naming this tenant. */
  tenantId?: string;
  /** Only records in this state; default every state. */
  status?: DeadLetterStatus;
}

const PAGE = 300;

/**
 * Keeps a dead letter; a second report of the same message (a duplicate delivery, the emulator's
 * forward of what the pipeline already kept) changes nothing. Returns whether it was new.
 *
 * @example
 *   await keepDeadLetter(store, deadLetterRecord(message, { reason, recordedBy: "bus", now }));
 */
export function keepDeadLetter(store: DocumentStore, record: DeadLetterRecord): Promise<boolean> {
  return store.create(paths.deadLetter(deadLetterId(record.topic, record.messageId)), { ...record });
}

function matches(r: DeadLetterRecord, f: DeadLetterFilter): boolean {
  return (f.topic === undefined || r.topic === f.topic) && (f.tenantId === undefined || r.tenantId === f.tenantId) && (f.status === undefined || r.status === f.status);
}

/**
 * Every record that passes `filter`, oldest first. Dead letters are few (each one is a failure
 * someone has to look at), so the collection is read page by page and filtered here: no query on
 * two fields, so no composite index.
 *
 * @example
 *   const open = await listDeadLetters(store, { topic: "collect-account", status: "dead-lettered" });
 */
export async function listDeadLetters(store: DocumentStore, filter: DeadLetterFilter = {}): Promise<StoredDeadLetter[]> {
  const out: StoredDeadLetter[] = [];
  let startAfter: string | undefined;
  do {
    const page = await store.list(paths.deadLetters(), { limit: PAGE, ...(startAfter ? { startAfter } : {}) });
    for (const doc of page.docs) {
      const parsed = DeadLetterRecordSchema.safeParse(doc.data);
      if (parsed.success && matches(parsed.data, filter)) out.push({ id: doc.id, ...parsed.data });
    }
    startAfter = page.next;
  } while (startAfter);
  return out.sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt) || a.id.localeCompare(b.id));
}

/**
 * Takes a record for one replay: `dead-lettered`, or `replaying` whose replayer let its lease run
 * out. Returns the record as taken, or null when it is not replayable now (already replayed, being
 * replayed, gone, or without its data).
 */
export async function claimForReplay(store: DocumentStore, id: string, now: Date, leaseMs: number): Promise<DeadLetterRecord | null> {
  let won = false;
  const after = await store.update<DeadLetterRecord>(paths.deadLetter(id), (cur) => {
    won = false; // the function may run more than once (a transaction retry)
    if (!cur || cur.payload === null) return cur;
    const stale = cur.status === "replaying" && (cur.replayLeaseUntil === null || Date.parse(cur.replayLeaseUntil) <= now.getTime());
    if (cur.status !== "dead-lettered" && !stale) return cur;
    won = true;
    return { ...cur, status: "replaying", replayLeaseUntil: new Date(now.getTime() + leaseMs).toISOString() };
  });
  return won && after ? after : null;
}

/** Ends a replay: `replayed` with who and which new message, or back to `dead-lettered` when the publish failed. */
export async function endReplay(
  store: DocumentStore,
  id: string,
  outcome: { replayMessageId: string; replayedBy: string; now: Date } | { failed: true },
): Promise<void> {
  await store.update<DeadLetterRecord>(paths.deadLetter(id), (cur) => {
    if (!cur) return cur;
    if ("failed" in outcome) return { ...cur, status: "dead-lettered", replayLeaseUntil: null };
    return {
      ...cur,
      status: "replayed",
      replayLeaseUntil: null,
      replayedAt: outcome.now.toISOString(),
      replayedBy: outcome.replayedBy,
      replayMessageId: outcome.replayMessageId,
    };
  });
}
