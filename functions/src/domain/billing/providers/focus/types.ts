import { z } from "zod";
import type { CostRecord } from "../../cost-record.js";
import { AppError } from "#kernel/errors.js";

/** One problem in an input file. `line` is the physical 1-based line (header = 1, blank lines count). */
export interface ImportIssue {
  file: string;
  line: number;
  column: string;
  message: string;
}

export interface FocusImportResult {
  /** Daily records: rows of the same identity and UTC day summed exactly. */
  records: CostRecord[];
  /** Data rows read (blank lines excluded), accepted or not. */
  rowsRead: number;
  rowsRejected: number;
  /** Why rows were rejected; a row may have several. */
  errors: ImportIssue[];
  /** Problems that did not reject the row (e.g. unreadable Tags, which are then dropped). */
  warnings: ImportIssue[];
  /** Exact decimal sum of BilledCost of the accepted rows, per normalized provider code. */
  totalsByProvider: Record<string, string>;
}

export const ImportOptionsSchema = z.object({
  tenantId: z.string().trim().min(1),
  /** Lineage tag stored on each record; replaceWindow scopes by it. Default "focus". */
  source: z.string().trim().min(1).optional(),
  ingestedAt: z.iso.datetime({ offset: true }),
  /** Currency for files without a BillingCurrency column (the FOCUS 1.2 commitment examples). Default USD. */
  defaultCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as USD")
    .optional(),
});
export type ImportOptions = z.input<typeof ImportOptionsSchema>;

/** The whole file cannot be imported (missing header column, unreadable file, bad options). */
export class FocusImportError extends AppError {
  override readonly name = "FocusImportError";
  constructor(
    message: string,
    readonly file: string,
    readonly column?: string,
  ) {
    super("invalid-argument", message);
  }
}

/** A row read from a file: physical line and raw cells (null = no value in a typed Parquet cell). */
export interface SourceRow {
  line: number;
  cells: readonly (string | null)[];
}

/**
 * What the import pipeline consumes: one file's rows, header first, and the label that names the
 * file in every issue and error. Reading the file (and failing to) is the adapter's side; a reader
 * that cannot go on throws FocusImportError from the iteration.
 *
 * @example
 * const source: RowSource = { file: "upload.csv", rows: parsedRows }; // header row first, as line 1
 * const result = await importFocusRows(source, { tenantId: "t1", ingestedAt: "2026-01-02T00:00:00Z" });
 */
export interface RowSource {
  file: string;
  rows: AsyncIterable<SourceRow>;
}

/** Row-level result of mapping one source row onto a cost line. */
export type RowOutcome<T> =
  | { ok: true; value: T; warnings: Omit<ImportIssue, "file">[] }
  | { ok: false; issues: Omit<ImportIssue, "file">[] };
