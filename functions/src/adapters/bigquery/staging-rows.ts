import type { CostRecord } from "#domain/billing/cost-record.js";
import { DAILY_COSTS } from "./table-schemas.js";

/**
 * CostRecords as newline-delimited JSON in the DAILY_COSTS column order, the load job's input.
 * Money stays a decimal string (BigQuery loads JSON strings into BIGNUMERIC exactly); tags become
 * the REPEATED RECORD of key/value pairs, sorted by key so that equal tag sets serialize alike and
 * the MERGE can compare them with TO_JSON_STRING.
 *
 * @example
 *   ndjsonChunks([record], 8 << 20); // ['{"tenant_id":"acme","record_key":"…",…,"tags":[{"key":"team","value":"ml"}],…}\n']
 */

const byKey = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function stagingRow(r: CostRecord): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of DAILY_COSTS.columns) {
    row[c.name] =
      c.name === "tags" ? Object.entries(r.tags).sort(byKey).map(([key, value]) => ({ key, value })) : r[c.name as keyof Omit<CostRecord, "tags">];
  }
  return row;
}

/**
 * The records as NDJSON in chunks of at most `maxBytes` (UTF-8), whole lines only; a line longer
 * than the limit is a chunk of its own. Each chunk is one multipart upload, which Google keeps
 * for small payloads; a backfill page of many rows becomes several load jobs into one table.
 */
export function ndjsonChunks(records: readonly CostRecord[], maxBytes: number): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const r of records) {
    const line = `${JSON.stringify(stagingRow(r))}\n`;
    const bytes = Buffer.byteLength(line, "utf8");
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current.join(""));
      current = [];
      size = 0;
    }
    current.push(line);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current.join(""));
  return chunks;
}

/** The first and last day the records cover: the window a MERGE of them prunes to. */
export function recordSpan(records: readonly CostRecord[]): { start: string; end: string } | null {
  if (records.length === 0) return null;
  let start = records[0]!.charge_period_start;
  let end = start;
  for (const r of records) {
    if (r.charge_period_start < start) start = r.charge_period_start;
    if (r.charge_period_start > end) end = r.charge_period_start;
  }
  return { start, end };
}
