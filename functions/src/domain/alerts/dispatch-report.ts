import type { ChannelKind } from "./channel-config.js";

/** What one dispatch / retry sweep / digest run did, per channel kind and in total. */

export const OUTCOMES = ["sent", "skippedDuplicate", "deferred", "failed", "deadLettered", "waiting", "filtered"] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type OutcomeCounts = Record<Outcome, number>;

export interface DispatchReport {
  /** Per channel kind. `failed` = failed this time and queued for retry (not lost). */
  byChannel: Partial<Record<ChannelKind, OutcomeCounts>>;
  total: OutcomeCounts;
  /** Events rejected by validation (logged with their issues). */
  invalid: number;
  /** Valid events of tenants with no channel at all (logged as warnings). */
  unrouted: number;
}

export function emptyCounts(): OutcomeCounts {
  return { sent: 0, skippedDuplicate: 0, deferred: 0, failed: 0, deadLettered: 0, waiting: 0, filtered: 0 };
}

export function emptyReport(): DispatchReport {
  return { byChannel: {}, total: emptyCounts(), invalid: 0, unrouted: 0 };
}

export function tally(report: DispatchReport, kind: ChannelKind, outcome: Outcome): void {
  const counts = report.byChannel[kind] ?? emptyCounts();
  counts[outcome]++;
  report.byChannel[kind] = counts;
  report.total[outcome]++;
}

export function mergeReports(a: DispatchReport, b: DispatchReport): DispatchReport {
  const out = emptyReport();
  for (const r of [a, b]) {
    out.invalid += r.invalid;
    out.unrouted += r.unrouted;
    for (const [kind, counts] of Object.entries(r.byChannel) as [ChannelKind, OutcomeCounts][]) {
      for (const o of Object.keys(counts) as Outcome[]) {
        for (let i = 0; i < counts[o]; i++) tally(out, kind, o);
      }
    }
  }
  return out;
}
