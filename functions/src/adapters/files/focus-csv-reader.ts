import { createReadStream } from "node:fs";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { parse } from "csv-parse";
import { FocusImportError, type SourceRow } from "#domain/billing/providers/focus/types.js";

function newlines(cells: readonly string[]): number {
  let n = 0;
  for (const c of cells) for (const ch of c) if (ch === "\n") n++;
  return n;
}

/**
 * Streams a CSV file (gzip-compressed when `gzipped`, as .csv.gz export parts are) as rows, the header first. Handles a UTF-8 BOM, CRLF and blank lines
 * (skipped, but still counted in line numbers). csv-parse reports the line a record ENDS on;
 * subtracting the newlines inside quoted cells gives the line it starts on.
 *
 * @example
 * for await (const row of readCsvRows("focus.csv")) console.log(row.line, row.cells.length);
 */
export async function* readCsvRows(path: string, gzipped = false): AsyncGenerator<SourceRow> {
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: false, info: true });
  // pipeline destroys the parser with any stream's error (a truncated .csv.gz), which ends the loop below.
  const ignore = () => {};
  if (gzipped) pipeline(createReadStream(path), createGunzip(), parser, ignore);
  else pipeline(createReadStream(path), parser, ignore);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const cells = item.record;
      if (cells.every((c) => c.trim() === "")) continue; // a line of spaces or bare commas carries nothing
      yield { line: item.info.lines - newlines(cells), cells };
    }
  } catch (e) {
    // Unreadable file or broken quoting: csv-parse cannot resynchronise, so the file fails as a whole.
    throw new FocusImportError(`${path}: cannot read CSV: ${(e as Error).message}`, path);
  }
}
