import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { importFocusFile } from "#adapters/files/import-focus-file.js";
import { csvObjects, independentTotals, OPTS, specExampleFiles, sumBilled } from "../../support/focus-test-support.js";

const files = specExampleFiles();

describe("importFocusFile on the FOCUS v1.2 spec examples", () => {
  it("finds the 26 staged example files", () => {
    expect(files).toHaveLength(26);
  });

  it.each(files.map((f) => [basename(f), f]))("%s: all rows accepted, totals exact", async (_name, file) => {
    // Prepare
    const rows = csvObjects(file);
    // Act
    const result = await importFocusFile(file, OPTS);
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.rowsRead).toBe(rows.length);
    expect(result.rowsRejected).toBe(0);
    expect(result.totalsByProvider).toEqual(independentTotals(rows));
    expect(sumBilled(result.records)).toEqual(result.totalsByProvider);
    expect(result.records.every((r) => r.billing_currency === "USD")).toBe(true);
  });

  it("reads 81 data rows in total", async () => {
    let total = 0;
    for (const f of files) total += (await importFocusFile(f, OPTS)).rowsRead;
    expect(total).toBe(81);
  });

  it("reads spreadsheet amounts and US dates of the SaaS examples", async () => {
    const file = files.find((f) => f.endsWith("simple_saas_agreements_a1.csv"));
    const result = await importFocusFile(file ?? "", OPTS);
    expect(result.records).toHaveLength(1);
    expect(result.records[0]).toMatchObject({
      billed_cost: "10000",
      charge_period_start: "2025-04-01",
      charge_category: "Purchase",
      service_category: "Business Applications",
    });
  });
});
