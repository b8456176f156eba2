import { parseDecimalText } from "../../normalize/money-text.js";
import { parseUtcDay } from "../../normalize/utc-day.js";
import type { HeaderMap } from "./columns.js";
import type { ImportIssue, SourceRow } from "./types.js";

export type RowIssue = Omit<ImportIssue, "file">;

/** Reads typed values from one row and collects every problem, naming the file's own column spelling. */
export class RowChecker<C extends string> {
  readonly issues: RowIssue[] = [];
  readonly warnings: RowIssue[] = [];

  constructor(
    readonly header: HeaderMap<C>,
    readonly row: SourceRow,
  ) {}

  /** False (with an issue) when the row's field count differs from the header's. */
  checkWidth(): boolean {
    const n = this.row.cells.length;
    if (n === this.header.width) return true;
    this.issues.push({ line: this.row.line, column: "(row)", message: `row has ${n} fields, header has ${this.header.width}` });
    return false;
  }

  fail(col: C, message: string): void {
    this.issues.push({ line: this.row.line, column: this.header.name(col), message });
  }

  warn(col: C, message: string): void {
    this.warnings.push({ line: this.row.line, column: this.header.name(col), message });
  }

  text(col: C): string | null {
    return this.header.text(col, this.row.cells);
  }

  required(col: C): string | null {
    const v = this.text(col);
    if (v === null) this.fail(col, `${this.header.name(col)} is required but empty`);
    return v;
  }

  /** A decimal from the cell (null stays null); a non-number is an issue. */
  decimal(col: C, required = false): string | null {
    const v = required ? this.required(col) : this.text(col);
    if (v === null) return null;
    const d = parseDecimalText(v);
    if (d === null) this.fail(col, `${this.header.name(col)} is not a decimal number: ${JSON.stringify(v)}`);
    return d;
  }

  /** The UTC day of a required timestamp cell. */
  day(col: C): string | null {
    const v = this.required(col);
    if (v === null) return null;
    const d = parseUtcDay(v);
    if (d === null) this.fail(col, `${this.header.name(col)} is not a date: ${JSON.stringify(v)}`);
    return d;
  }

  get ok(): boolean {
    return this.issues.length === 0;
  }
}
