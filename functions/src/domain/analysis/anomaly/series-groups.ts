import type { CostColumns } from "./cost-columns.js";
import type { DenseSeries } from "./detect-series.js";

/** Longest series accepted (20 years): a stray date must not make us allocate gigabytes. */
export const MAX_SERIES_DAYS = 7320;

/**
 * Visits each series of parsed columns as a dense day array, in order of first appearance. Rows may
 * come in any order; rows for the same series and day are summed. Pre-grouped input (the usual
 * layout) is walked in place; otherwise one counting sort by series orders the rows.
 */
export function forEachDenseSeries(cols: CostColumns, visit: (seriesId: string, series: DenseSeries) => void): void {
  const total = cols.seriesIds.length;
  let order: Int32Array | undefined;
  const starts = new Int32Array(total + 1);
  for (let row = 0; row < cols.rows; row++) {
    const k = cols.seriesOf(row) + 1;
    starts[k] = (starts[k] as number) + 1;
  }
  for (let k = 0; k < total; k++) starts[k + 1] = (starts[k + 1] as number) + (starts[k] as number);
  if (!cols.grouped) {
    order = new Int32Array(cols.rows);
    const fill = starts.slice(0, total);
    for (let row = 0; row < cols.rows; row++) {
      const k = cols.seriesOf(row);
      order[fill[k] as number] = row;
      fill[k] = (fill[k] as number) + 1;
    }
  }
  let costs = new Float64Array(400);
  for (let k = 0; k < total; k++) {
    const a = starts[k] as number;
    const b = starts[k + 1] as number;
    const rowAt = order ? (i: number) => (order as Int32Array)[i] as number : (i: number) => i;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = a; i < b; i++) {
      const d = cols.dayOf(rowAt(i));
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    const n = hi - lo + 1;
    const id = cols.seriesIds[k] as string;
    if (n > MAX_SERIES_DAYS) throw new RangeError(`series ${JSON.stringify(id)} spans ${n} days; at most ${MAX_SERIES_DAYS} are supported`);
    if (costs.length < n) costs = new Float64Array(Math.max(n, 2 * costs.length));
    costs.fill(Number.NaN, 0, n);
    for (let i = a; i < b; i++) {
      const row = rowAt(i);
      const j = cols.dayOf(row) - lo;
      const prev = costs[j] as number;
      costs[j] = !Number.isNaN(prev) ? prev + cols.costOf(row) : cols.costOf(row);
    }
    visit(id, { startDay: lo, costs, n });
  }
}
