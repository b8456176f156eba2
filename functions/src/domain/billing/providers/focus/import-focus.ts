import { z } from "zod";
import { FOCUS_COLUMNS, type FocusColumn, HeaderMap, REQUIRED_FOCUS_COLUMNS } from "./columns.js";
import { mapFocusRow } from "./focus-row.js";
import { runImport } from "./pipeline.js";
import { FocusImportError, type FocusImportResult, type ImportOptions, ImportOptionsSchema, type RowSource } from "./types.js";

/** Validated options with defaults applied; a bad option is a FocusImportError naming the file. */
export function parseImportOptions(file: string, opts: ImportOptions) {
  const parsed = ImportOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    throw new FocusImportError(`${file}: invalid import options: ${z.prettifyError(parsed.error)}`, file);
  }
  const { tenantId, ingestedAt } = parsed.data;
  return {
    tenantId,
    ingestedAt,
    source: parsed.data.source ?? "focus",
    defaultCurrency: parsed.data.defaultCurrency ?? "USD",
  };
}

/**
 * Imports the rows of a FOCUS (1.0 to 1.2) cost export into daily CostRecords. Options are checked
 * before the first row is pulled, so a bad option is reported even when the file is unreadable.
 *
 * @example
 * const r = await importFocusRows({ file: "focus.csv", rows }, { tenantId: "t1", ingestedAt: new Date().toISOString() });
 * // r.records: daily rows; r.errors: bad rows with file, line and column; r.totalsByProvider: exact sums
 */
export async function importFocusRows(source: RowSource, opts: ImportOptions): Promise<FocusImportResult> {
  return importFocusUnit([source], opts);
}

/**
 * Imports the files of one FOCUS export (the parts of a month, the files a manifest lists) as one
 * unit: their rows are summed into one set of daily records, so a record whose rows are spread
 * over two parts holds their exact sum.
 *
 * @example
 * const r = await importFocusUnit([{ file: "part-1.csv", rows: rows1 }, { file: "part-2.csv", rows: rows2 }], opts);
 */
export async function importFocusUnit(sources: readonly RowSource[], opts: ImportOptions): Promise<FocusImportResult> {
  const first = sources[0];
  if (!first) throw new FocusImportError("an import unit needs at least one file", "");
  const o = parseImportOptions(first.file, opts);
  return runImport(
    sources,
    (header, file) => {
      const map = HeaderMap.resolve<FocusColumn>(file, header, FOCUS_COLUMNS, REQUIRED_FOCUS_COLUMNS);
      return (row) => mapFocusRow(map, row, o.defaultCurrency);
    },
    o,
  );
}
