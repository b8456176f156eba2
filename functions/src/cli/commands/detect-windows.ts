import Big from "big.js";
import type { AnomalyFlag, AnomalySeverity, Direction } from "#domain/analysis/anomaly/index.js";
import { addDays } from "#kernel/days.js";

/** One anomaly window of `detect --windows`: consecutive flagged days of one series in one direction. */
export interface AnomalyWindow {
  series_id: string;
  start: string;
  end: string;
  days: number;
  direction: Direction;
  /** Sums over the window's days, in the per-day output's units (rounded to cents). */
  expected: number;
  actual: number;
  impact: number;
  /** The largest surprise of the window's days (signed like `impact`). */
  score: number;
  severity: AnomalySeverity;
}

const ORDER: AnomalySeverity[] = ["low", "medium", "high", "critical"];

/** Cents summed exactly: a window of many days must not pick up float drift. */
const sumCents = (xs: number[]): number => Number(xs.reduce((a, x) => a.plus(x), new Big(0)).round(2, Big.roundHalfEven).toFixed(2));

/**
 * Groups per-day flags into windows by the nightly's rule (domain/analysis/anomaly/anomaly-runs.ts):
 * a flag continues the window of its series when it is the next day and has the same direction.
 * The flags of one series may come in any order; windows come out by series (first seen) and date.
 */
export function groupIntoWindows(flags: readonly AnomalyFlag[]): AnomalyWindow[] {
  const bySeries = new Map<string, AnomalyFlag[]>();
  for (const f of flags) {
    const list = bySeries.get(f.series_id);
    if (list) list.push(f);
    else bySeries.set(f.series_id, [f]);
  }
  const out: AnomalyWindow[] = [];
  for (const list of bySeries.values()) {
    const sorted = [...list].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    let group: AnomalyFlag[] = [];
    const flush = () => {
      const first = group[0];
      const last = group[group.length - 1];
      if (!first || !last) return;
      out.push({
        series_id: first.series_id,
        start: first.date,
        end: last.date,
        days: group.length,
        direction: first.direction,
        expected: sumCents(group.map((f) => f.expected)),
        actual: sumCents(group.map((f) => f.actual)),
        impact: sumCents(group.map((f) => f.impact)),
        score: group.reduce((m, f) => (Math.abs(f.score) > Math.abs(m) ? f.score : m), 0),
        severity: group.map((f) => f.severity).reduce((a, b) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b)),
      });
    };
    for (const f of sorted) {
      const prev = group[group.length - 1];
      if (prev && (prev.direction !== f.direction || addDays(prev.date, 1) !== f.date)) {
        flush();
        group = [];
      }
      group.push(f);
    }
    flush();
  }
  return out;
}
