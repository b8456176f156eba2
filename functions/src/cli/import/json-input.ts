import { readFile } from "node:fs/promises";

/**
 * JSON billing files for `costmon import`, read so that every refusal names the file and, where
 * the text gives one, the line and column.
 */

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return { line, column: offset - lastBreak };
}

/** JSON.parse with the position of a syntax error as `file:line:column`. */
export function parseJson(path: string, text: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = at ? lineColumn(text, Number(at[1])) : null;
    const place = where ? `${path}:${where.line + firstLine - 1}:${where.column}` : path;
    throw new Error(`${place}: not valid JSON (${message.replace(/ in JSON at position \d+.*$/, "")})`);
  }
}

export async function readJsonFile(path: string): Promise<unknown> {
  return parseJson(path, await readFile(path, "utf8"));
}

export interface ExportRows {
  rows: unknown[];
  /** Where row i starts: `file:line` for newline-delimited JSON, `file, array element i+1` otherwise. */
  placeOf(i: number): string;
}

/**
 * BigQuery billing export rows: a JSON array (pretty-printed or not), or newline-delimited JSON,
 * one row per line (what `bq query --format=json` and exports write). A single pretty-printed
 * object is one row. Pretty-printed objects one after another are neither, and are refused with
 * that reason rather than half read.
 */
export async function readExportRows(path: string): Promise<ExportRows> {
  const raw = await readFile(path, "utf8");
  const text = raw.replace(/^\uFEFF/, "");
  const start = text.search(/\S/);
  if (start < 0) throw new Error(`${path}: the file is empty`);
  if (text[start] === "[") {
    const parsed = parseJson(path, text);
    if (!Array.isArray(parsed)) throw new Error(`${path}: expected a JSON array of export rows`);
    return { rows: parsed, placeOf: (i) => `${path}, array element ${i + 1}` };
  }
  const lines = text.split("\n");
  const rows: unknown[] = [];
  const lineOf: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    try {
      rows.push(JSON.parse(line));
      lineOf.push(i + 1);
    } catch {
      // Not one row per line: a single pretty-printed object is still one row.
      let whole: unknown;
      try {
        whole = JSON.parse(text);
      } catch {
        throw new Error(
          `${path}:${i + 1}: not a complete JSON row. Export rows must be a JSON array ([{…}, {…}], pretty-printed or not) or newline-delimited JSON (one row per line); pretty-printed rows one after another are neither`,
        );
      }
      if (whole === null || typeof whole !== "object" || Array.isArray(whole)) throw new Error(`${path}: expected export rows (JSON objects)`);
      return { rows: [whole], placeOf: () => path };
    }
  }
  return { rows, placeOf: (i) => `${path}:${lineOf[i] ?? "?"}` };
}
