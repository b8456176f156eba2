import { parse as parseCsv } from "csv-parse/sync";
import { daysFromCivil, daysInMonth } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";
import type { CostColumns } from "#domain/analysis/anomaly/cost-columns.js";

/**
 * Streaming parser for the `detect` input (DESIGN.md §8): a `series_id,date,cost` CSV, into
 * columnar typed arrays. This is the one place that splits CSV by hand, and only because of volume:
 * csv-parse reads ~0.46–0.56 M rows/s here, i.e. 65–80 s for the 36.5 M rows of 100,000 series × 365 days,
 * over the whole 60 s budget (bench/detect/csv-speed.ts measures both). The format is narrow on
 * purpose: three columns (any order, named by the header), numeric cost, ISO dates, LF or CRLF
 * line ends. Unquoted lines take the fast byte path; a line with a double quote goes through
 * csv-parse (RFC 4180 quoting, "" for a quote), so quoted fields cost nothing when absent. A
 * quoted field cannot span lines. Anything else is rejected with the line number, never guessed at.
 */

const BLOCK = 1 << 20;
const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;

/** A line of the input the reader rejects; `line` is 1-based and counts the header and blank lines. */
export class CsvRowError extends AppError {
  override readonly name = "CsvRowError";
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super("invalid-argument", `line ${line}: ${reason}`);
  }
}

/**
 * Reads the CSV into CostColumns held in fixed-size blocks, chunk by chunk as the bytes arrive.
 *
 * @example
 * const parser = new CostCsvColumns();
 * for await (const chunk of createReadStream("costs.csv")) parser.push(chunk);
 * const cols = parser.finish(); // throws CsvRowError naming the line of the first bad row
 */
export class CostCsvColumns {
  private readonly seriesBlocks: Int32Array[] = [];
  private readonly dayBlocks: Int32Array[] = [];
  private readonly costBlocks: Float64Array[] = [];
  private readonly index = new Map<string, number>();
  readonly seriesIds: string[] = [];
  rows = 0;
  private line = 0;
  private carry: Uint8Array = new Uint8Array(0);
  private header: number[] | undefined;
  private standardOrder = false;
  private lastId: Uint8Array = new Uint8Array(0);
  private lastSeries = -1;
  private grouped = true;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });

  /** Feeds the next bytes of the file. */
  push(chunk: Uint8Array): void {
    // A plain Uint8Array view (not a Buffer subclass) keeps the byte loops monomorphic.
    let data = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry.length > 0) {
      data = new Uint8Array(this.carry.length + chunk.length);
      data.set(this.carry, 0);
      data.set(chunk, this.carry.length);
    }
    let start = 0;
    for (let i = data.indexOf(LF, start); i !== -1; i = data.indexOf(LF, start)) {
      this.parseLine(data, start, i);
      start = i + 1;
    }
    this.carry = data.slice(start);
  }

  /** Ends the input and returns the columns. */
  finish(): CostColumns {
    if (this.carry.length > 0) this.parseLine(this.carry, 0, this.carry.length);
    this.carry = new Uint8Array(0);
    if (this.header === undefined) throw new CsvRowError(1, "empty input: expected the header series_id,date,cost");
    const { seriesBlocks, dayBlocks, costBlocks } = this;
    return {
      rows: this.rows,
      seriesIds: this.seriesIds,
      grouped: this.grouped,
      seriesOf: (row) => (seriesBlocks[row >>> 20] as Int32Array)[row & (BLOCK - 1)] as number,
      dayOf: (row) => (dayBlocks[row >>> 20] as Int32Array)[row & (BLOCK - 1)] as number,
      costOf: (row) => (costBlocks[row >>> 20] as Float64Array)[row & (BLOCK - 1)] as number,
    };
  }

  private parseLine(data: Uint8Array, from: number, to: number): void {
    this.line++;
    let end = to;
    if (end > from && data[end - 1] === CR) end--;
    if (this.line === 1 && end - from >= 3 && data[from] === 0xef && data[from + 1] === 0xbb && data[from + 2] === 0xbf) from += 3;
    if (end === from) return; // blank line
    if (this.header === undefined) {
      this.header = this.parseHeader(this.quotedFields(data, from, end)?.join(",") ?? this.decoder.decode(data.subarray(from, end)));
      this.standardOrder = this.header[0] === 0 && this.header[1] === 1 && this.header[2] === 2;
      return;
    }
    if (this.standardOrder && this.fastRow(data, from, end)) return;
    const quoted = this.quotedFields(data, from, end);
    if (quoted) {
      this.quotedRow(quoted);
      return;
    }
    let c1 = -1;
    let c2 = -1;
    for (let i = from; i < end; i++) {
      const b = data[i];
      if (b === COMMA) {
        if (c1 < 0) c1 = i;
        else if (c2 < 0) c2 = i;
        else throw new CsvRowError(this.line, "expected 3 columns (series_id,date,cost), found more");
      }
    }
    if (c2 < 0) throw new CsvRowError(this.line, `expected 3 columns (series_id,date,cost), found ${c1 < 0 ? 1 : 2}`);
    // Field k spans [starts[k], ends[k]); the header decides which field holds which column.
    const order = this.header as number[];
    const idCol = order[0] as number;
    const dateCol = order[1] as number;
    const costCol = order[2] as number;
    const series = this.seriesIndex(data, fieldStart(idCol, from, c1, c2), fieldEnd(idCol, c1, c2, end));
    const day = this.parseDay(data, fieldStart(dateCol, from, c1, c2), fieldEnd(dateCol, c1, c2, end));
    const cost = this.parseCost(data, fieldStart(costCol, from, c1, c2), fieldEnd(costCol, c1, c2, end));
    this.append(series, day, cost);
  }

  /**
   * One pass over a `series_id,YYYY-MM-DD,cost` line of the usual shape: the id compared in place
   * with the previous row's, date digits read at fixed offsets, a plain decimal cost. Returns false
   * (nothing consumed) for anything else, which the general path then parses or rejects by line.
   */
  private fastRow(data: Uint8Array, from: number, end: number): boolean {
    const last = this.lastId;
    const lastLen = last.length;
    let i = from;
    let same = true;
    while (i < end) {
      const b = data[i] as number;
      if (b === COMMA) break;
      if (b === QUOTE) return false;
      if (same && (i - from >= lastLen || last[i - from] !== b)) same = false;
      i++;
    }
    const c1 = i;
    if (c1 === from || c1 + 12 > end || data[c1 + 11] !== COMMA || data[c1 + 5] !== MINUS || data[c1 + 8] !== MINUS) return false;
    const series = same && c1 - from === lastLen ? this.lastSeries : -1;
    const year = digits(data, c1 + 1, 4);
    const month = digits(data, c1 + 6, 2);
    const dom = digits(data, c1 + 9, 2);
    if (year < 0 || month < 1 || month > 12 || dom < 1 || dom > daysInMonth(year, month)) return false;
    let j = c1 + 12;
    let neg = false;
    if (data[j] === MINUS) {
      neg = true;
      j++;
    }
    let mant = 0;
    let nd = 0;
    let frac = 0;
    let dot = false;
    for (; j < end; j++) {
      const c = (data[j] as number) - 48;
      if (c >= 0 && c <= 9) {
        mant = mant * 10 + c;
        nd++;
        if (dot) frac++;
      } else if (data[j] === DOT && !dot) dot = true;
      else return false;
    }
    if (nd === 0 || nd > 15) return false;
    const cost = frac === 0 ? mant : mant / (POW10[frac] as number);
    this.append(series >= 0 ? series : this.seriesIndex(data, from, c1), daysFromCivil(year, month, dom), neg ? -cost : cost);
    return true;
  }

  /** The fields of a line that holds a double quote, unquoted by csv-parse; null for a line without one. */
  private quotedFields(data: Uint8Array, from: number, end: number): string[] | null {
    const line = data.subarray(from, end);
    if (!line.includes(QUOTE)) return null;
    let fields: string[][];
    try {
      fields = parseCsv(this.decoder.decode(line), { relax_quotes: false }) as string[][];
    } catch (err) {
      const why = err instanceof Error ? err.message.replace(/^Invalid Record Length.*$/, "wrong number of fields") : "invalid";
      throw new CsvRowError(this.line, `bad quoting (${why}); a quoted field must be closed on the same line`);
    }
    const first = fields[0];
    if (fields.length !== 1 || !first) throw new CsvRowError(this.line, "bad quoting: a quoted field must be closed on the same line");
    return first;
  }

  /** A row whose fields were quoted: each field goes through the same checks as on the byte path. */
  private quotedRow(fields: string[]): void {
    if (fields.length !== 3) throw new CsvRowError(this.line, `expected 3 columns (series_id,date,cost), found ${fields.length}`);
    const order = this.header as number[];
    const field = (col: number) => ENCODER.encode(fields[col] ?? "");
    const id = field(order[0] as number);
    const date = field(order[1] as number);
    const cost = field(order[2] as number);
    this.append(this.seriesIndex(id, 0, id.length), this.parseDay(date, 0, date.length), this.parseCost(cost, 0, cost.length));
  }

  private parseHeader(text: string): number[] {
    const names = text.split(",").map((s) => s.trim().toLowerCase());
    const cols = ["series_id", "date", "cost"].map((n) => names.indexOf(n));
    if (names.length !== 3 || cols.some((c) => c < 0)) {
      throw new CsvRowError(this.line, `header must name the columns series_id,date,cost; got ${JSON.stringify(text)}`);
    }
    return cols;
  }

  private seriesIndex(data: Uint8Array, a: number, b: number): number {
    if (b <= a) throw new CsvRowError(this.line, "series_id is empty");
    const last = this.lastId;
    if (last.length === b - a) {
      let same = true;
      for (let i = 0; i < last.length; i++) {
        if (last[i] !== data[a + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastSeries;
    }
    let id: string;
    try {
      id = this.decoder.decode(data.subarray(a, b)).trim();
    } catch {
      throw new CsvRowError(this.line, "series_id is not valid UTF-8");
    }
    if (id === "") throw new CsvRowError(this.line, "series_id is empty");
    let idx = this.index.get(id);
    if (idx === undefined) {
      idx = this.seriesIds.length;
      this.seriesIds.push(id);
      this.index.set(id, idx);
    } else if (idx !== this.lastSeries) this.grouped = false;
    this.lastId = data.slice(a, b);
    this.lastSeries = idx;
    return idx;
  }

  private parseDay(data: Uint8Array, a: number, b: number): number {
    if (b - a === 10 && data[a + 4] === MINUS && data[a + 7] === MINUS) {
      const year = digits(data, a, 4);
      const month = digits(data, a + 5, 2);
      const day = digits(data, a + 8, 2);
      if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return daysFromCivil(year, month, day);
    }
    throw new CsvRowError(this.line, `date must be a real YYYY-MM-DD date, got ${JSON.stringify(text(data, a, b))}`);
  }

  /** Plain decimals are parsed exactly to the nearest double; other forms go through Number(). */
  private parseCost(data: Uint8Array, a: number, b: number): number {
    let i = a;
    let neg = false;
    if (data[i] === MINUS || data[i] === PLUS) neg = data[i++] === MINUS;
    let mant = 0;
    let nd = 0;
    let frac = 0;
    let dot = false;
    for (; i < b; i++) {
      const c = (data[i] as number) - 48;
      if (c >= 0 && c <= 9) {
        mant = mant * 10 + c;
        nd++;
        if (dot) frac++;
      } else if (data[i] === DOT && !dot) dot = true;
      else break;
    }
    if (i === b && nd > 0 && nd <= 15 && frac <= 22) {
      const v = frac === 0 ? mant : mant / 10 ** frac;
      return neg ? -v : v;
    }
    const raw = text(data, a, b).trim();
    const v = raw === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(v)) throw new CsvRowError(this.line, `cost must be a number, got ${JSON.stringify(raw)}`);
    return v;
  }

  private append(series: number, day: number, cost: number): void {
    const row = this.rows++;
    const block = row >>> 20;
    if (block === this.seriesBlocks.length) {
      this.seriesBlocks.push(new Int32Array(BLOCK));
      this.dayBlocks.push(new Int32Array(BLOCK));
      this.costBlocks.push(new Float64Array(BLOCK));
    }
    const k = row & (BLOCK - 1);
    (this.seriesBlocks[block] as Int32Array)[k] = series;
    (this.dayBlocks[block] as Int32Array)[k] = day;
    (this.costBlocks[block] as Float64Array)[k] = cost;
  }
}

function fieldStart(col: number, from: number, c1: number, c2: number): number {
  return col === 0 ? from : col === 1 ? c1 + 1 : c2 + 1;
}

function fieldEnd(col: number, c1: number, c2: number, end: number): number {
  return col === 0 ? c1 : col === 1 ? c2 : end;
}

function digits(data: Uint8Array, a: number, n: number): number {
  let v = 0;
  for (let i = a; i < a + n; i++) {
    const c = (data[i] as number) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const lenient = new TextDecoder("utf-8");
const ENCODER = new TextEncoder();
/** Exact powers of ten (10^0 … 10^15) for decimal fractions. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

function text(data: Uint8Array, a: number, b: number): string {
  return lenient.decode(data.subarray(a, b));
}
