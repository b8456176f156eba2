/**
 * Cost rows held column by column, in input order: what `forEachDenseSeries` turns into dense
 * series. Accessors rather than arrays, so a producer can store 36.5 M rows in fixed-size
 * typed-array blocks instead of one giant allocation.
 *
 * @example
 * const cols: CostColumns = parser.finish(); // e.g. the CLI's CSV reader
 * forEachDenseSeries(cols, (id, series) => flagDenseSeries(id, series, scanner, config, flags));
 */
export interface CostColumns {
  rows: number;
  /** Series ids by index; `seriesOf(row)` is an index into this list. */
  seriesIds: string[];
  seriesOf(row: number): number;
  /** Day number since 1970-01-01 (see kernel/days.ts). */
  dayOf(row: number): number;
  costOf(row: number): number;
  /** True when every series' rows are contiguous (the common, pre-grouped layout). */
  grouped: boolean;
}
