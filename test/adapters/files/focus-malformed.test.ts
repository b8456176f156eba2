import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { importFocusFile } from "#adapters/files/import-focus-file.js";
import { FocusImportError } from "#domain/billing/providers/focus/types.js";
import { independentTotals, OPTS, sampleLines, tempFile } from "../../support/focus-test-support.js";

/** Real rows of the FOCUS 1.0 sample as cell arrays, with a helper to edit one cell by column name. */
function realRows(n: number) {
  const { header, rows } = sampleLines(n);
  const head = (parse(header) as string[][])[0] ?? [];
  const data = rows.map((line) => (parse(line) as string[][])[0] ?? []);
  const col = (name: string) => head.indexOf(name);
  const withCell = (row: string[], name: string, value: string) => row.map((c, i) => (i === col(name) ? value : c));
  const line = (cells: string[]) => stringify([cells]).trimEnd();
  const objects = (rs: string[][]) => rs.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ""])));
  return { head, data, withCell, line, objects };
}

describe("importFocusFile with malformed rows built from real sample rows", () => {
  it("reports each bad row with file, physical line and column, and imports the rest", async () => {
    // Prepare: blank lines at 3 and 6 still count as lines.
    const { head, data, withCell, line, objects } = realRows(10);
    const r = (i: number) => data[i] ?? [];
    const text = [
      line(head), // 1
      line(r(0)), // 2
      "", // 3
      line(withCell(r(1), "BilledCost", "12.3.4")), // 4
      line(withCell(r(2), "ChargePeriodStart", "2024-13-45 00:00:00")), // 5
      "", // 6
      line(withCell(r(3), "ChargeCategory", "Refund")), // 7
      line(withCell(r(4), "BilledCost", "")), // 8
      line(withCell(r(5), "ChargeCategory", "NULL")), // 9
      ...[6, 7, 8, 9].map((i) => line(r(i))), // 10-13
    ].join("\r\n");
    const file = tempFile("malformed.csv", text);
    // Act
    const result = await importFocusFile(file, OPTS);
    // Assess
    expect(result.errors.map(({ file: f, line: l, column }) => ({ f, l, column }))).toEqual([
      { f: file, l: 4, column: "BilledCost" },
      { f: file, l: 5, column: "ChargePeriodStart" },
      { f: file, l: 7, column: "ChargeCategory" },
      { f: file, l: 8, column: "BilledCost" },
      { f: file, l: 9, column: "ChargeCategory" },
    ]);
    expect(result.rowsRead).toBe(10);
    expect(result.rowsRejected).toBe(5);
    const good = [0, 6, 7, 8, 9].map((i) => r(i));
    expect(result.totalsByProvider).toEqual(independentTotals(objects(good)));
  });

  it.each([
    ["bad decimal", "BilledCost", "1,00.5", /not a decimal/],
    ["huge exponent", "BilledCost", "1e10000000", /not a decimal/],
    ["more digits than the ledger holds", "BilledCost", "1".repeat(30), /not a decimal/],
    ["bad date", "ChargePeriodStart", "2024-02-30 10:00:00", /not a date/],
    ["unknown ChargeCategory", "ChargeCategory", "Refund", /not one of Usage, Purchase, Tax, Credit, Adjustment/],
    ["missing required value", "ChargePeriodStart", "NULL", /required/],
    ["bad currency", "BillingCurrency", "US$", /currency code/],
    ["bad PricingQuantity", "PricingQuantity", "many", /not a decimal/],
  ])("%s in %s is rejected with a message", async (_kind, column, value, message) => {
    const { head, data, withCell, line } = realRows(2);
    const text = [line(head), line(data[0] ?? []), line(withCell(data[1] ?? [], column, value))].join("\n");
    const result = await importFocusFile(tempFile("one-bad.csv", text), OPTS);
    expect(result.rowsRejected).toBe(1);
    expect(result.records).toHaveLength(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 3, column });
    expect(result.errors[0]?.message).toMatch(message);
  });

  it("rejects a row with the wrong number of fields", async () => {
    const { head, data, line } = realRows(2);
    const text = [line(head), line((data[0] ?? []).slice(0, 10)), line(data[1] ?? [])].join("\n");
    const result = await importFocusFile(tempFile("short.csv", text), OPTS);
    expect(result.errors).toEqual([expect.objectContaining({ line: 2, column: "(row)" })]);
    expect(result.rowsRejected).toBe(1);
  });

  it("numbers lines physically when a quoted cell spans two lines", async () => {
    const { head, data, withCell, line } = realRows(2);
    const multi = withCell(data[0] ?? [], "ChargeDescription", "first\nsecond");
    const badMulti = withCell(withCell(data[1] ?? [], "ChargeDescription", "a\nb"), "BilledCost", "x");
    const text = [line(head), line(multi), line(badMulti)].join("\n");
    const result = await importFocusFile(tempFile("multiline.csv", text), OPTS);
    // The first record spans lines 2-3, so the bad record starts at line 4.
    expect(result.errors).toEqual([expect.objectContaining({ line: 4, column: "BilledCost" })]);
  });

  it("keeps a row with unreadable Tags, drops its tags and warns", async () => {
    const { head, data, withCell, line } = realRows(1);
    const text = [line(head), line(withCell(data[0] ?? [], "Tags", "{not json"))].join("\n");
    const result = await importFocusFile(tempFile("tags.csv", text), OPTS);
    expect(result.rowsRejected).toBe(0);
    expect(result.records[0]?.tags).toEqual({});
    expect(result.warnings).toEqual([expect.objectContaining({ line: 2, column: "Tags" })]);
  });

  it("rejects a row whose currency differs from an earlier row of the same record", async () => {
    const { head, data, withCell, line } = realRows(1);
    const row = data[0] ?? [];
    const text = [line(head), line(row), line(withCell(row, "BillingCurrency", "EUR"))].join("\n");
    const result = await importFocusFile(tempFile("currency.csv", text), OPTS);
    expect(result.errors).toEqual([expect.objectContaining({ line: 3, column: "BillingCurrency" })]);
    expect(result.records).toHaveLength(1);
  });

  it("fails the whole file with one error naming a missing required header column", async () => {
    const { head, data, line } = realRows(3);
    const drop = head.indexOf("ChargeCategory");
    const without = (cells: string[]) => cells.filter((_, i) => i !== drop);
    const text = [line(without(head)), ...data.map((r) => line(without(r)))].join("\n");
    const file = tempFile("no-category.csv", text);
    const error = await importFocusFile(file, OPTS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FocusImportError);
    expect((error as FocusImportError).column).toBe("ChargeCategory");
    expect((error as Error).message).toContain("missing required column ChargeCategory");
  });

  it.each([
    ["an empty file", "", /empty/],
    ["an unclosed quote", 'BilledCost,ChargePeriodStart,ChargeCategory\n"1,2024-01-01,Usage\n', /cannot read CSV/],
  ])("fails clearly on %s", async (_name, text, message) => {
    await expect(importFocusFile(tempFile("broken.csv", text), OPTS)).rejects.toThrow(message);
  });

  it("fails clearly on a missing file and on bad options", async () => {
    await expect(importFocusFile("/nonexistent/focus.csv", OPTS)).rejects.toBeInstanceOf(FocusImportError);
    const file = tempFile("ok.csv", "BilledCost,ChargePeriodStart,ChargeCategory\n1,2024-01-01,Usage\n");
    await expect(importFocusFile(file, { tenantId: "", ingestedAt: "yesterday" })).rejects.toThrow(/tenantId/);
  });
});
