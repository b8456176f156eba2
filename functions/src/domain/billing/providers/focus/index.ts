export { DailyAggregator, type AggregateContext } from "./aggregate.js";
export { FOCUS_COLUMNS, type FocusColumn, HeaderMap, REQUIRED_FOCUS_COLUMNS } from "./columns.js";
export type { CostLine } from "./cost-line.js";
export { readCsvRows } from "./csv-source.js";
export { mapFocusRow } from "./focus-row.js";
export { importFocusFile, openRows, parseImportOptions } from "./import-focus.js";
export { readParquetRows } from "./parquet-source.js";
export { type MapperFactory, type PipelineOptions, runImport } from "./pipeline.js";
export {
  FocusImportError,
  type FocusImportResult,
  type ImportIssue,
  type ImportOptions,
  ImportOptionsSchema,
  type RowOutcome,
  type SourceRow,
} from "./types.js";
export { AWS_CUR_FORMAT, convertAwsCur } from "./native/aws-cur.js";
export { AZURE_EA_FORMAT, convertAzureEa } from "./native/azure-ea.js";
export { convertNativeFile, type NativeFormat } from "./native/convert-native.js";
export { checkChargeCategory, checkCurrency } from "./focus-row.js";
export { RowChecker, type RowIssue } from "./row-checker.js";
