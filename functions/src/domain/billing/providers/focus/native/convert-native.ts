import { HeaderMap } from "../columns.js";
import type { CostLine } from "../cost-line.js";
import { parseImportOptions } from "../import-focus.js";
import { runImport } from "../pipeline.js";
import type { FocusImportResult, ImportOptions, RowOutcome, RowSource, SourceRow } from "../types.js";

/** A provider-native export format: its columns (with accepted header spellings) and a row mapper. */
export interface NativeFormat<C extends string> {
  columns: Readonly<Record<C, readonly string[]>>;
  required: readonly C[];
  mapRow(header: HeaderMap<C>, row: SourceRow): RowOutcome<CostLine>;
}

/**
 * Runs the rows of a native export through the same validation and daily aggregation as FOCUS
 * files; `source` is the lineage tag when the options name none.
 *
 * @example
 * const r = await convertNativeRows({ file: "cur.csv", rows }, { tenantId: "t1", ingestedAt }, AWS_CUR_FORMAT, "aws-cur");
 */
export async function convertNativeRows<C extends string>(
  input: RowSource,
  opts: ImportOptions,
  format: NativeFormat<C>,
  source: string,
): Promise<FocusImportResult> {
  const o = parseImportOptions(input.file, { ...opts, source: opts.source ?? source });
  return runImport(
    [input],
    (header) => {
      const map = HeaderMap.resolve(input.file, header, format.columns, format.required);
      return (row) => format.mapRow(map, row);
    },
    o,
  );
}
