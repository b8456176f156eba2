import { open } from "node:fs/promises";
import { z } from "zod";
import { FOCUS_COLUMNS, type FocusColumn, HeaderMap, REQUIRED_FOCUS_COLUMNS } from "./columns.js";
import { readCsvRows } from "./csv-source.js";
import { mapFocusRow } from "./focus-row.js";
import { readParquetRows } from "./parquet-source.js";
import { runImport } from "./pipeline.js";
import { FocusImportError, type FocusImportResult, type ImportOptions, ImportOptionsSchema, type SourceRow } from "./types.js";

/** Parquet files start with the magic bytes "PAR1"; anything else is read as CSV. */
async function isParquet(path: string): Promise<boolean> {
  const fh = await open(path, "r");
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.toString("latin1") === "PAR1";
  } finally {
    await fh.close();
  }
}

/** Validated options with defaults applied; a bad option is a FocusImportError naming it. */
export function parseImportOptions(path: string, opts: ImportOptions) {
  const parsed = ImportOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    throw new FocusImportError(`${path}: invalid import options: ${z.prettifyError(parsed.error)}`, path);
  }
  const { tenantId, ingestedAt } = parsed.data;
  return {
    tenantId,
    ingestedAt,
    source: parsed.data.source ?? "focus",
    defaultCurrency: parsed.data.defaultCurrency ?? "USD",
  };
}

/** Opens a CSV or Parquet file as rows; a missing or unreadable file is a FocusImportError. */
export async function openRows(path: string): Promise<AsyncIterable<SourceRow>> {
  try {
    return (await isParquet(path)) ? readParquetRows(path) : readCsvRows(path);
  } catch (e) {
    throw new FocusImportError(`${path}: cannot open: ${(e as Error).message}`, path);
  }
}

/**
 * Imports a FOCUS (1.0 to 1.2) cost export, CSV or Parquet, into daily CostRecords.
 *
 * @example
 * const r = await importFocusFile("focus.csv", { tenantId: "t1", ingestedAt: new Date().toISOString() });
 * // r.records: daily rows; r.errors: bad rows with file, line and column; r.totalsByProvider: exact sums
 */
export async function importFocusFile(path: string, opts: ImportOptions): Promise<FocusImportResult> {
  const o = parseImportOptions(path, opts);
  const rows = await openRows(path);
  return runImport(
    path,
    rows,
    (header) => {
      const map = HeaderMap.resolve<FocusColumn>(path, header, FOCUS_COLUMNS, REQUIRED_FOCUS_COLUMNS);
      return (row) => mapFocusRow(map, row, o.defaultCurrency);
    },
    o,
  );
}
