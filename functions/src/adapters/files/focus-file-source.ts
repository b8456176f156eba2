import { open } from "node:fs/promises";
import { FocusImportError, type RowSource, type SourceRow } from "#domain/billing/providers/focus/types.js";
import { readCsvRows } from "./focus-csv-reader.js";
import { readParquetRows } from "./focus-parquet-reader.js";

type FileKind = "parquet" | "csv.gz" | "csv";

/**
 * Told by content, not by name: Parquet files start with the magic bytes "PAR1", gzip streams
 * with 1f 8b (RFC 1952 §2.3.1); anything else is read as CSV.
 */
async function fileKind(path: string): Promise<FileKind> {
  const fh = await open(path, "r");
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead === 4 && buffer.toString("latin1") === "PAR1") return "parquet";
    if (bytesRead >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return "csv.gz";
    return "csv";
  } finally {
    await fh.close();
  }
}

async function* readFileRows(path: string): AsyncGenerator<SourceRow> {
  let kind: FileKind;
  try {
    kind = await fileKind(path);
  } catch (e) {
    throw new FocusImportError(`${path}: cannot open: ${(e as Error).message}`, path);
  }
  yield* kind === "parquet" ? readParquetRows(path) : readCsvRows(path, kind === "csv.gz");
}

/**
 * A CSV, gzip-compressed CSV or Parquet file as the rows the FOCUS pipeline consumes, labelled with its path. Nothing
 * is opened until the rows are pulled, so the pipeline checks its options first; a missing or
 * unreadable file is then a FocusImportError.
 *
 * @example
 * const result = await importFocusRows(focusFileSource("exports/focus.parquet"), opts);
 */
export function focusFileSource(path: string): RowSource {
  return { file: path, rows: readFileRows(path) };
}
