import { addDays } from "#kernel/days.js";
import { addDecimals, toNumber } from "../billing/money.js";
import type { LedgerRow } from "./ledger-row.js";
import type { DailyPoint } from "./forecast/index.js";

/** What a series is summed from: a dated billed amount (a ledger row or a slice of one). */
export type DatedCost = Pick<LedgerRow, "date" | "billed_cost">;

/** A daily cost series in both views the analysis needs. */
export interface DailySeries {
  /** Exact daily sums (decimal strings), by date, oldest first. */
  exact: Map<string, string>;
  /** Model-space view, dense from first to last day (missing days are 0). */
  points: DailyPoint[];
}

function fromAmounts(byDate: Map<string, string[]>): DailySeries {
  const exact = new Map([...byDate].map(([d, vs]) => [d, addDecimals(vs)] as const));
  const dates = [...exact.keys()].sort();
  const points: DailyPoint[] = [];
  if (dates.length > 0) {
    for (let d = dates[0]!; d <= dates[dates.length - 1]!; d = addDays(d, 1)) {
      points.push({ date: d, cost: toNumber(exact.get(d) ?? "0") });
    }
  }
  return { exact, points };
}

function push(byDate: Map<string, string[]>, row: DatedCost): void {
  const list = byDate.get(row.date);
  if (list) list.push(row.billed_cost);
  else byDate.set(row.date, [row.billed_cost]);
}

/**
 * Sums rows by date exactly (billed cost) and returns the exact and the model view. A date is
 * in the series when any row has it, even when its amounts net to zero.
 */
export function toDailySeries(rows: Iterable<DatedCost>): DailySeries {
  const byDate = new Map<string, string[]>();
  for (const r of rows) push(byDate, r);
  return fromAmounts(byDate);
}

/**
 * Partitions rows into one series per key in a single pass; `keyOf` returning null leaves a row
 * out. Keys come back in the order their first row appears, so the caller's row order decides
 * the order of the series.
 */
export function seriesBy<R extends DatedCost>(rows: Iterable<R>, keyOf: (row: R) => string | null): Map<string, DailySeries> {
  const groups = new Map<string, Map<string, string[]>>();
  for (const r of rows) {
    const key = keyOf(r);
    if (key === null) continue;
    let byDate = groups.get(key);
    if (!byDate) {
      byDate = new Map();
      groups.set(key, byDate);
    }
    push(byDate, r);
  }
  return new Map([...groups].map(([key, byDate]) => [key, fromAmounts(byDate)] as const));
}

/** Exact sum over [start, end] of a daily series. */
export function sumBetween(series: DailySeries, start: string, end: string): string {
  return addDecimals([...series.exact].filter(([d]) => d >= start && d <= end).map(([, v]) => v));
}
