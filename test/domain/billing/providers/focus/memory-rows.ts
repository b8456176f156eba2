import type { RowSource, SourceRow } from "#domain/billing/providers/focus/types.js";

/**
 * A table (header first) as the rows the import pipeline consumes, numbered like the lines of a CSV
 * without blank lines, so domain tests need no file.
 */
export function memoryRows(file: string, table: readonly (readonly (string | null)[])[]): RowSource {
  async function* rows(): AsyncGenerator<SourceRow> {
    for (const [i, cells] of table.entries()) yield { line: i + 1, cells };
  }
  return { file, rows: rows() };
}
