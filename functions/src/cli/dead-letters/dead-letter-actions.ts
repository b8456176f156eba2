import { REPLAY_OF_ATTRIBUTE } from "#foundation/selfops/dead-letter-record.js";
import { type ReplayReport, replayDeadLetters } from "#foundation/selfops/dead-letter-replay.js";
import { type DeadLetterFilter, listDeadLetters, type StoredDeadLetter } from "#foundation/selfops/dead-letter-store.js";
import type { AppDeps } from "../../deps.js";

/** A dead letter as the command shows it: everything but the data. */
export interface DeadLetterView {
  id: string;
  topic: string;
  messageId: string;
  tenantId: string | null;
  status: StoredDeadLetter["status"];
  reason: string;
  deliveryAttempts: number;
  deadLetteredAt: string;
  recordedBy: StoredDeadLetter["recordedBy"];
  replays: number;
  replayOf: string | null;
  replayMessageId: string | null;
}

export interface ReplayOutcome extends ReplayReport {
  /** Replayed messages that failed again: each is a dead letter of its own now, not replayed by itself. */
  failedAgain: DeadLetterView[];
}

export function viewOf(r: StoredDeadLetter): DeadLetterView {
  return {
    id: r.id,
    topic: r.topic,
    messageId: r.messageId,
    tenantId: r.tenantId,
    status: r.status,
    reason: r.reason,
    deliveryAttempts: r.deliveryAttempts,
    deadLetteredAt: r.deadLetteredAt,
    recordedBy: r.recordedBy,
    replays: r.replays,
    replayOf: r.attributes[REPLAY_OF_ATTRIBUTE] ?? null,
    replayMessageId: r.replayMessageId,
  };
}

/**
 * The dead letters that pass `filter`, oldest first.
 *
 * @example
 *   const open = await listDeadLetterViews(deps, { topic: "collect-account", status: "dead-lettered" });
 */
export async function listDeadLetterViews(deps: Pick<AppDeps, "documents">, filter: DeadLetterFilter): Promise<DeadLetterView[]> {
  return (await listDeadLetters(deps.documents, filter)).map(viewOf);
}

/**
 * Replays the dead letters that pass `filter` (foundation/selfops/dead-letter-replay.ts) with the
 * event functions connected to the bus, waits until the bus has delivered everything that
 * followed, and names the replayed messages that failed again.
 *
 * @example
 *   const outcome = await replayDeadLetterRecords(deps, { topic: "alerts" }, "cli:ops", () => subscribeEventFunctions(deps.bus));
 */
export async function replayDeadLetterRecords(
  deps: Pick<AppDeps, "documents" | "bus" | "audit" | "clock">,
  filter: Omit<DeadLetterFilter, "status">,
  actor: string,
  connect: () => Promise<unknown>,
): Promise<ReplayOutcome> {
  await connect();
  const report = await replayDeadLetters({ store: deps.documents, bus: deps.bus, audit: deps.audit, clock: deps.clock }, { ...filter, actor });
  await deps.bus.drain();
  const replayedIds = new Set(report.replayed.map((r) => r.messageId));
  const failedAgain = (await listDeadLetters(deps.documents, filter)).filter((r) => replayedIds.has(r.attributes[REPLAY_OF_ATTRIBUTE] ?? "")).map(viewOf);
  return { ...report, failedAgain };
}
