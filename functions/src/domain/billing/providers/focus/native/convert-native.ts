import { HeaderMap } from "../columns.js";
import type { CostLine } from "../cost-line.js";
import { openRows, parseImportOptions } from "../import-focus.js";
import { runImport } from "../pipeline.js";
import type { FocusImportResult, ImportOptions, RowOutcome, SourceRow } from "../types.js";

/** A provider-native export format: its columns (with accepted header spellings) and a row mapper. */
export interface NativeFormat<C extends string> {
  columns: Readonly<Record<C, readonly string[]>>;
  required: readonly C[];
  mapRow(header: HeaderMap<C>, row: SourceRow): RowOutcome<CostLine>;
}

/** Runs a native export (CSV or Parquet) through the same validation and daily aggregation as FOCUS files. */
export async function convertNativeFile<C extends string>(
  path: string,
  opts: ImportOptions,
  format: NativeFormat<C>,
  source: string,
): Promise<FocusImportResult> {
  const o = parseImportOptions(path, { ...opts, source: opts.source ?? source });
  const rows = await openRows(path);
  return runImport(
    path,
    rows,
    (header) => {
      const map = HeaderMap.resolve(path, header, format.columns, format.required);
      return (row) => format.mapRow(map, row);
    },
    o,
  );
}
