import { open } from "node:fs/promises";
import { FocusImportError, type RowSource, type SourceRow } from "#domain/billing/providers/focus/types.js";
import { readCsvRows } from "./focus-csv-reader.js";
import { readParquetRows } from "./focus-parquet-reader.js";

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

async function* readFileRows(path: string): AsyncGenerator<SourceRow> {
  let parquet: boolean;
  try {
    parquet = await isParquet(path);
  } catch (e) {
    throw new FocusImportError(`${path}: cannot open: ${(e as Error).message}`, path);
  }
  yield* parquet ? readParquetRows(path) : readCsvRows(path);
}

/**
 * A CSV or Parquet file as the rows the FOCUS pipeline consumes, labelled with its path. Nothing
 * is opened until the rows are pulled, so the pipeline checks its options first; a missing or
 * unreadable file is then a FocusImportError.
 *
 * @example
 * const result = await importFocusRows(focusFileSource("exports/focus.parquet"), opts);
 */
export function focusFileSource(path: string): RowSource {
  return { file: path, rows: readFileRows(path) };
}
