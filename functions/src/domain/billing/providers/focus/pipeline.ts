import { add } from "../../money.js";
import { DailyAggregator } from "./aggregate.js";
import type { CostLine } from "./cost-line.js";
import { type FocusImportResult, FocusImportError, type ImportIssue, type RowOutcome, type SourceRow } from "./types.js";

export interface PipelineOptions {
  tenantId: string;
  source: string;
  ingestedAt: string;
}

/** Builds the row mapper for one file from its header row (throws FocusImportError on a bad header). */
export type MapperFactory = (header: readonly string[]) => (row: SourceRow) => RowOutcome<CostLine>;

/**
 * Reads rows, maps and validates each one, sums accepted lines into daily records and keeps
 * exact BilledCost totals per provider. A bad row is recorded and skipped; the import goes on.
 */
export async function runImport(
  file: string,
  rows: AsyncIterable<SourceRow>,
  makeMapper: MapperFactory,
  opts: PipelineOptions,
): Promise<FocusImportResult> {
  const aggregator = new DailyAggregator(opts);
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const totalsByProvider: Record<string, string> = {};
  let mapRow: ((row: SourceRow) => RowOutcome<CostLine>) | undefined;
  let rowsRead = 0;
  let rowsRejected = 0;

  for await (const row of rows) {
    if (!mapRow) {
      mapRow = makeMapper(row.cells.map((c) => c ?? ""));
      continue;
    }
    rowsRead++;
    const outcome = mapRow(row);
    if (!outcome.ok) {
      rowsRejected++;
      for (const issue of outcome.issues) errors.push({ file, ...issue });
      continue;
    }
    const conflict = aggregator.add(outcome.value);
    if (conflict !== null) {
      rowsRejected++;
      errors.push({ file, line: row.line, column: "BillingCurrency", message: conflict });
      continue;
    }
    for (const w of outcome.warnings) warnings.push({ file, ...w });
    const provider = outcome.value.identity.provider;
    totalsByProvider[provider] = add(totalsByProvider[provider] ?? "0", outcome.value.billed_cost);
  }
  if (!mapRow) throw new FocusImportError(`${file}: the file is empty (no header row)`, file);
  return { records: aggregator.records(), rowsRead, rowsRejected, errors, warnings, totalsByProvider };
}
