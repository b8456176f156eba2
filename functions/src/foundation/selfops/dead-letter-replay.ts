import type { Clock, DocumentStore, EventBus } from "#kernel/ports.js";
import { type AuditLog, PLATFORM_STREAM, tenantStream } from "../secops/audit-log.js";
import { REPLAY_COUNT_ATTRIBUTE, REPLAY_OF_ATTRIBUTE } from "./dead-letter-record.js";
import { claimForReplay, type DeadLetterFilter, endReplay, listDeadLetters } from "./dead-letter-store.js";

export interface ReplayDeps {
  store: DocumentStore;
  bus: EventBus;
  audit: AuditLog;
  clock: Clock;
}

export interface ReplayOptions extends Omit<DeadLetterFilter, "status"> {
  /** Who asks, as the audit records it: `cli:<user>`, `user:<uid>`. */
  actor: string;
  /** Only these record ids. */
  ids?: readonly string[];
  /** How long a replay holds a record before another may take it over. Default 60 s. */
  leaseMs?: number;
}

export interface ReplayedMessage {
  id: string;
  topic: string;
  tenantId: string | null;
  messageId: string;
  /** The new message's id; null when the publish failed (the record stays dead-lettered). */
  replayMessageId: string | null;
}

export interface ReplayReport {
  replayed: ReplayedMessage[];
  failed: ReplayedMessage[];
  /** Records that matched but were not replayable now: replayed already, being replayed, or kept without data. */
  skipped: number;
}

/**
 * Replays dead letters (F5's playbook "replay from dead letter"): each record that is still
 * dead-lettered is taken (atomically: two replays never publish one record twice), published again
 * on the topic it failed on with its data and attributes, and marked replayed with the new
 * message's id. The new message names the one it replays and counts the replays before it, so if
 * it fails again it becomes a dead letter of its own, listed and replayable, rather than going
 * round by itself: nothing here replays what a replay produced. Every replay, and every failed
 * one, is an audit record in the tenant's stream (the platform's for a message without a tenant)
 * naming the record, the message it replays and, when published, the new message.
 *
 * @example
 *   const report = await replayDeadLetters({ store, bus, audit, clock }, { topic: "collect-account", actor: "cli:ops" });
 *   await bus.drain();
 */
export async function replayDeadLetters(deps: ReplayDeps, opts: ReplayOptions): Promise<ReplayReport> {
  const filter: DeadLetterFilter = { ...(opts.topic ? { topic: opts.topic } : {}), ...(opts.tenantId ? { tenantId: opts.tenantId } : {}) };
  const wanted = opts.ids ? new Set(opts.ids) : null;
  const candidates = (await listDeadLetters(deps.store, filter)).filter((r) => r.status !== "replayed" && (!wanted || wanted.has(r.id)));
  const report: ReplayReport = { replayed: [], failed: [], skipped: 0 };
  for (const candidate of candidates) {
    const record = await claimForReplay(deps.store, candidate.id, deps.clock.now(), opts.leaseMs ?? 60_000);
    if (!record?.payload) {
      report.skipped++;
      continue;
    }
    const attributes = { ...record.attributes, [REPLAY_OF_ATTRIBUTE]: record.messageId, [REPLAY_COUNT_ATTRIBUTE]: String(record.replays + 1) };
    const entry = {
      stream: record.tenantId ? tenantStream(record.tenantId) : PLATFORM_STREAM,
      tenantId: record.tenantId ?? "-",
      actor: opts.actor,
      action: `selfops:replay-dead-letter:${record.topic}`,
      resource: `dead_letters/${candidate.id}`,
      decision: "allow" as const,
    };
    const done = { id: candidate.id, topic: record.topic, tenantId: record.tenantId, messageId: record.messageId };
    let replayMessageId: string;
    try {
      replayMessageId = await deps.bus.publish(record.topic, JSON.parse(record.payload) as unknown, attributes);
    } catch (err) {
      await endReplay(deps.store, candidate.id, { failed: true });
      await deps.audit.append({ ...entry, outcome: "failure", details: { messageId: record.messageId, error: String(err).slice(0, 300) } });
      report.failed.push({ ...done, replayMessageId: null });
      continue;
    }
    await endReplay(deps.store, candidate.id, { replayMessageId, replayedBy: opts.actor, now: deps.clock.now() });
    await deps.audit.append({ ...entry, outcome: "success", details: { messageId: record.messageId, replayMessageId, replays: record.replays + 1 } });
    report.replayed.push({ ...done, replayMessageId });
  }
  return report;
}
