import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Big from "big.js";
import { parse } from "csv-parse/sync";
import { afterAll } from "vitest";
import { normalizeProvider } from "#domain/billing/cost-record.js";
import { sharedData } from "./shared-data.js";

export const INGESTED_AT = "2026-11-23T00:00:00Z";
export const OPTS = { tenantId: "tenant-1", ingestedAt: INGESTED_AT };

export const SAMPLE_1000 = () => sharedData("focus-sample-data", "focus_1.0_sample_1000.csv");

/** Every CSV of the FOCUS v1.2 spec examples, as absolute paths. */
export function specExampleFiles(): string[] {
  const root = sharedData("focus-spec-v1.2-examples");
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".csv"))
    .sort()
    .map((f) => join(root, f));
}

/** Data rows of a CSV as objects keyed by header, parsed independently of the importer. */
export function csvObjects(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** Exact BilledCost per provider, summed here with big.js ("$1,000.00 " style amounts cleaned). */
export function independentTotals(rows: Record<string, string>[]): Record<string, string> {
  const sums = new Map<string, Big>();
  for (const row of rows) {
    const provider = normalizeProvider(row.ProviderName ?? row.Provider ?? "");
    const amount = new Big((row.BilledCost ?? "").replace(/[$,\s]/g, ""));
    sums.set(provider, (sums.get(provider) ?? new Big(0)).plus(amount));
  }
  return Object.fromEntries([...sums].map(([p, s]) => [p, s.toFixed()]));
}

export function sumBilled(records: { billed_cost: string; provider: string }[]): Record<string, string> {
  const sums = new Map<string, Big>();
  for (const r of records) sums.set(r.provider, (sums.get(r.provider) ?? new Big(0)).plus(r.billed_cost));
  return Object.fromEntries([...sums].map(([p, s]) => [p, s.toFixed()]));
}

// One temporary folder per test file (vitest evaluates this module once per file), removed afterwards.
const TEMP_DIR = mkdtempSync(join(tmpdir(), "focus-import-"));
afterAll(() => rmSync(TEMP_DIR, { recursive: true, force: true }));
let tempCount = 0;

/** Writes a temporary file and returns its path. */
export function tempFile(name: string, content: string | Uint8Array): string {
  const path = join(TEMP_DIR, `${++tempCount}-${name}`);
  writeFileSync(path, content);
  return path;
}

/** Header line and the first `n` data lines of the 1000-row sample, verbatim. */
export function sampleLines(n: number): { header: string; rows: string[] } {
  const lines = readFileSync(SAMPLE_1000(), "utf8").split(/\r?\n/);
  return { header: lines[0] ?? "", rows: lines.slice(1, n + 1) };
}
