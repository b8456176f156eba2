import { add } from "../../money.js";
import { DailyAggregator } from "./aggregate.js";
import type { CostLine } from "./cost-line.js";
import { type FocusImportResult, FocusImportError, type ImportIssue, type RowOutcome, type RowSource, type SourceRow } from "./types.js";

export interface PipelineOptions {
  tenantId: string;
  source: string;
  ingestedAt: string;
}

/** Builds the row mapper for one file from its header row (throws FocusImportError on a bad header). */
export type MapperFactory = (header: readonly string[], file: string) => (row: SourceRow) => RowOutcome<CostLine>;

/**
 * Reads the rows of every file of one import unit, maps and validates each one, sums accepted
 * lines into daily records and keeps exact BilledCost totals per provider. The files share one
 * aggregator, so rows of two files with one record_key are summed, never overwritten. Each file
 * has its own header (the parts of an export may order their columns differently). A bad row is
 * recorded and skipped; the import goes on.
 */
export async function runImport(sources: readonly RowSource[], makeMapper: MapperFactory, opts: PipelineOptions): Promise<FocusImportResult> {
  const aggregator = new DailyAggregator(opts);
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const totalsByProvider: Record<string, string> = {};
  let rowsRead = 0;
  let rowsRejected = 0;

  for (const { file, rows } of sources) {
    let mapRow: ((row: SourceRow) => RowOutcome<CostLine>) | undefined;
    for await (const row of rows) {
      if (!mapRow) {
        mapRow = makeMapper(row.cells.map((c) => c ?? ""), file);
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
  }
  return { records: aggregator.records(), rowsRead, rowsRejected, errors, warnings, totalsByProvider };
}
