import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { FocusImportError, type SourceRow } from "#domain/billing/providers/focus/types.js";

const CHUNK_ROWS = 10_000;

/**
 * Parquet cells come typed; the row mappers read text, as from CSV. hyparquet turns a DECIMAL into
 * a float (unscaled * 10^-scale), so such a value is printed back at the column's scale, which
 * restores the exact decimal while the unscaled value fits in 2^53.
 */
function toText(value: unknown, scale: number | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" && scale !== undefined) return value.toFixed(scale);
  // A DOUBLE amount: String() gives the shortest text that round-trips the double.
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * Streams a Parquet file (uncompressed, snappy, gzip, zstd, brotli or lz4) as rows, header (the
 * top-level column names) first, reading
 * CHUNK_ROWS rows at a time. Line numbers mimic the CSV the file would be: header = 1,
 * data row i (0-based) = i + 2.
 *
 * @example
 * for await (const row of readParquetRows("focus.parquet")) console.log(row.line, row.cells.length);
 */
export async function* readParquetRows(path: string): AsyncGenerator<SourceRow> {
  try {
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    const fields = parquetSchema(metadata).children.map((c) => c.element);
    const top = fields.map((el) => el.name);
    const scales = fields.map((el) => (el.converted_type === "DECIMAL" ? (el.scale ?? 0) : undefined));
    yield { line: 1, cells: top };
    const total = Number(metadata.num_rows);
    for (let start = 0; start < total; start += CHUNK_ROWS) {
      const end = Math.min(total, start + CHUNK_ROWS);
      const rows = await parquetReadObjects({ file, metadata, compressors, rowStart: start, rowEnd: end });
      for (const [i, row] of rows.entries()) {
        yield { line: start + i + 2, cells: top.map((name, c) => toText(row[name], scales[c])) };
      }
    }
  } catch (e) {
    // Corrupt file or an unknown codec (hyparquet-compressors adds gzip, zstd, brotli, lz4 to snappy).
    throw new FocusImportError(`${path}: cannot read Parquet: ${(e as Error).message}`, path);
  }
}
