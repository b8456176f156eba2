import { readFileSync } from "node:fs";
import Big from "big.js";
import { parse } from "csv-parse/sync";
import { parquetWriteBuffer } from "hyparquet-writer";
import { beforeAll, describe, expect, it } from "vitest";
import { importFocusFile } from "#adapters/files/import-focus-file.js";
import { csvObjects, independentTotals, OPTS, SAMPLE_1000, tempFile } from "../../support/focus-test-support.js";

const MONEY = new Set(["BilledCost", "EffectiveCost", "ListCost"]);
const SCALE = 11; // the sample writes every amount with 11 decimals

type Mode = "double" | "decimal";

/**
 * Writes the real 1000-row sample as Parquet with real nulls and ChargePeriodStart as a TIMESTAMP.
 * Amounts are DOUBLE, or DECIMAL(18,11) written from the exact unscaled integers.
 */
function sampleAsParquet(mode: Mode, edit?: (rows: string[][], head: string[]) => void): string {
  const [head = [], ...rows] = parse(readFileSync(SAMPLE_1000()), { bom: true }) as string[][];
  edit?.(rows, head);
  const column = (i: number) => rows.map((r) => (r[i] === "NULL" ? null : (r[i] ?? null)));
  const optional = { repetition_type: "OPTIONAL" } as const;
  const schema = [{ name: "root", num_children: head.length }];
  const columnData = head.map((name, i) => {
    const cells = column(i);
    if (MONEY.has(name) && mode === "double") {
      schema.push({ name, type: "DOUBLE", ...optional } as never);
      return { name, data: cells.map((c) => (c === null ? null : Number(c))) };
    }
    if (MONEY.has(name)) {
      schema.push({ name, type: "INT64", converted_type: "DECIMAL", precision: 18, scale: SCALE, ...optional } as never);
      return { name, data: cells.map((c) => (c === null ? null : BigInt(new Big(c).times(new Big(10).pow(SCALE)).toFixed(0)))) };
    }
    if (name === "ChargePeriodStart") {
      schema.push({ name, type: "INT64", converted_type: "TIMESTAMP_MILLIS", ...optional } as never);
      return { name, data: cells.map((c) => (c === null ? null : BigInt(Date.parse(`${c.replace(" ", "T")}Z`)))) };
    }
    schema.push({ name, type: "BYTE_ARRAY", converted_type: "UTF8", ...optional } as never);
    return { name, data: cells };
  });
  return tempFile(`sample-${mode}.parquet`, new Uint8Array(parquetWriteBuffer({ columnData, schema: schema as never })));
}

describe("importFocusFile on Parquet (written from the real 1000-row sample with hyparquet-writer)", () => {
  let fromCsv: Awaited<ReturnType<typeof importFocusFile>>;
  let expected: Record<string, string>;
  beforeAll(async () => {
    fromCsv = await importFocusFile(SAMPLE_1000(), OPTS);
    expected = independentTotals(csvObjects(SAMPLE_1000()));
  });

  it.each<[Mode]>([["double"], ["decimal"]])("amounts as %s: same records and exact totals as the CSV", async (mode) => {
    // Prepare
    const parquet = sampleAsParquet(mode);
    // Act
    const fromParquet = await importFocusFile(parquet, OPTS);
    // Assess
    expect(fromParquet.rowsRead).toBe(1000);
    expect(fromParquet.rowsRejected).toBe(0);
    expect(fromParquet.totalsByProvider).toEqual(expected);
    expect(fromParquet.records).toEqual(fromCsv.records);
  });

  it("reports a bad row at the line the CSV would have", async () => {
    const parquet = sampleAsParquet("double", (rows, head) => {
      const row = rows[3];
      if (row) row[head.indexOf("ChargeCategory")] = "Refund";
    });
    const result = await importFocusFile(parquet, OPTS);
    expect(result.errors).toEqual([expect.objectContaining({ file: parquet, line: 5, column: "ChargeCategory" })]);
    expect(result.rowsRejected).toBe(1);
  });

  it("fails with a clear FocusImportError on a truncated file", async () => {
    const bytes = new Uint8Array(readFileSync(sampleAsParquet("double")));
    const broken = tempFile("broken.parquet", bytes.slice(0, 200)); // "PAR1" magic, truncated body
    await expect(importFocusFile(broken, OPTS)).rejects.toThrow(/cannot read Parquet/);
  });
});
