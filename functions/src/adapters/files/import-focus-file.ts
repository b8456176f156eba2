import { importFocusRows, importFocusUnit } from "#domain/billing/providers/focus/import-focus.js";
import { convertAwsCur } from "#domain/billing/providers/focus/native/aws-cur.js";
import { convertAzureEa } from "#domain/billing/providers/focus/native/azure-ea.js";
import type { FocusImportResult, ImportOptions } from "#domain/billing/providers/focus/types.js";
import { focusFileSource } from "./focus-file-source.js";

/**
 * Imports a FOCUS (1.0 to 1.2) cost export file, CSV or Parquet, into daily CostRecords.
 *
 * @example
 * const r = await importFocusFile("focus.csv", { tenantId: "t1", ingestedAt: new Date().toISOString() });
 * // r.records: daily rows; r.errors: bad rows with file, line and column; r.totalsByProvider: exact sums
 */
export function importFocusFile(path: string, opts: ImportOptions): Promise<FocusImportResult> {
  return importFocusRows(focusFileSource(path), opts);
}

/**
 * Imports the files of one FOCUS export as one unit (see importFocusUnit): rows sharing a
 * record_key across files are summed exactly. Each file may be CSV, .csv.gz or Parquet.
 *
 * @example
 * const r = await importFocusFiles(["part-00001.csv.gz", "part-00002.csv.gz"], opts);
 */
export function importFocusFiles(paths: readonly string[], opts: ImportOptions): Promise<FocusImportResult> {
  return importFocusUnit(paths.map(focusFileSource), opts);
}

/** Converts an AWS CUR export file (CSV or Parquet) into daily CostRecords. */
export function convertAwsCurFile(path: string, opts: ImportOptions): Promise<FocusImportResult> {
  return convertAwsCur(focusFileSource(path), opts);
}

/** Converts an Azure EA cost details export file (CSV or Parquet) into daily CostRecords. */
export function convertAzureEaFile(path: string, opts: ImportOptions): Promise<FocusImportResult> {
  return convertAzureEa(focusFileSource(path), opts);
}
