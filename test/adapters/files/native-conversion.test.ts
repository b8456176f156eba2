import { readFileSync } from "node:fs";
import Big from "big.js";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { convertAwsCurFile, convertAzureEaFile } from "#adapters/files/import-focus-file.js";
import { CostRecordSchema } from "#domain/billing/cost-record.js";
import { FocusImportError } from "#domain/billing/providers/focus/types.js";
import { OPTS, sumBilled, tempFile } from "../../support/focus-test-support.js";
import { sharedData } from "../../support/shared-data.js";

const CUR = () => sharedData("focus-converters", "provider_native_samples", "aws-cur-sample-anonymous.csv");
const EA_FILES = [
  ["focus_converters azure EA sample", () => sharedData("focus-converters", "provider_native_samples", "azure-ea-sample-anonymous.csv")],
  ["finops-toolkit EA actual cost", () => sharedData("microsoft-finops-toolkit", "ea-cost-export-small", "EA_ActualCost_Small.csv")],
  ["finops-toolkit EA amortized cost", () => sharedData("microsoft-finops-toolkit", "ea-cost-export-small", "EA_AmortizedCost_Small.csv")],
] as const;

function table(path: string): { head: string[]; rows: string[][] } {
  const [head = [], ...rows] = parse(readFileSync(path), { bom: true, skip_empty_lines: true }) as string[][];
  return { head, rows };
}

/** Exact sum of the first of `columns` present in the header, computed here with big.js. */
function columnSum(path: string, columns: string[]): string {
  const { head, rows } = table(path);
  const i = head.findIndex((h) => columns.includes(h));
  return rows.reduce((s, r) => s.plus(r[i] ?? "0"), new Big(0)).toFixed();
}

describe("convertAwsCurFile on the focus_converters AWS CUR sample", () => {
  it("converts every row with exact totals and sums rows into days", async () => {
    // Prepare: the sample has no NetUnblendedCost, so BilledCost is UnblendedCost (converter rule)
    const expected = columnSum(CUR(), ["lineItem/UnblendedCost"]);
    // Act
    const result = await convertAwsCurFile(CUR(), OPTS);
    // Assess
    expect(result.rowsRead).toBe(1281);
    expect(result.rowsRejected).toBe(0);
    expect(result.totalsByProvider).toEqual({ aws: expected });
    expect(sumBilled(result.records)).toEqual({ aws: expected });
    expect(result.records.length).toBeLessThan(result.rowsRead);
    for (const r of result.records) CostRecordSchema.parse(r);
    expect(new Set(result.records.map((r) => r.charge_category))).toEqual(new Set(["Usage", "Tax"]));
    const s3 = result.records.find((r) => r.service_name === "Amazon Simple Storage Service");
    expect(s3?.service_category).toBe("Storage");
  });

  /** The sample's first Usage row, with some cells replaced. */
  function curFile(edits: Record<string, string>): string {
    const { head, rows } = table(CUR());
    const base = rows.find((r) => r[head.indexOf("lineItem/LineItemType")] === "Usage") ?? [];
    const row = base.map((c, i) => edits[head[i] ?? ""] ?? c);
    return tempFile("cur.csv", stringify([head, row]));
  }

  it.each([
    ["SavingsPlanCoveredUsage", { "savingsPlan/SavingsPlanEffectiveCost": "0.75" }, "Usage", "0.75"],
    ["SavingsPlanNegation", {}, "Usage", "0"],
    ["SavingsPlanRecurringFee", { "savingsPlan/TotalCommitmentToDate": "10", "savingsPlan/UsedCommitment": "7.5" }, "Purchase", "2.5"],
    ["Credit", {}, "Credit", "1.25"],
    ["Refund", {}, "Adjustment", "1.25"],
    ["Tax", {}, "Tax", "1.25"],
  ])("line item type %s -> category and effective cost", async (type, edits, category, effective) => {
    const file = curFile({ "lineItem/LineItemType": type, "lineItem/UnblendedCost": "1.25", ...edits });
    const result = await convertAwsCurFile(file, OPTS);
    expect(result.records[0]).toMatchObject({ charge_category: category, effective_cost: effective, billed_cost: "1.25" });
  });

  it.each([
    ["lineItem/UnblendedCost", "1.2.3"],
    ["lineItem/LineItemType", "Mystery"],
    ["lineItem/UsageStartDate", "2023-11-31T00:00:00.000Z"],
  ])("rejects a bad %s with its line and column", async (column, value) => {
    const result = await convertAwsCurFile(curFile({ [column]: value }), OPTS);
    expect(result.errors).toEqual([expect.objectContaining({ line: 2, column })]);
    expect(result.rowsRejected).toBe(1);
  });
});

describe("convertAzureEaFile", () => {
  it.each(EA_FILES)("%s: every row converted, totals exact", async (_name, file) => {
    const expected = columnSum(file(), ["CostInBillingCurrency", "Cost"]);
    const result = await convertAzureEaFile(file(), OPTS);
    expect(result.rowsRead).toBe(table(file()).rows.length);
    expect(result.rowsRejected).toBe(0);
    expect(result.totalsByProvider).toEqual({ azure: expected });
    expect(sumBilled(result.records)).toEqual({ azure: expected });
    for (const r of result.records) CostRecordSchema.parse(r);
  });

  it("reads brace-less EA tags, lower-cases regions and keeps purchases apart", async () => {
    const result = await convertAzureEaFile(EA_FILES[1][1](), OPTS);
    const purchase = result.records.filter((r) => r.charge_category === "Purchase");
    expect(purchase).toHaveLength(1);
    expect(purchase[0]).toMatchObject({ billed_cost: "3.25", region_id: "uksouth", service_name: "Virtual Machines" });
    const tagged = result.records.find((r) => r.tags.application === "databricks");
    expect(tagged?.tags).toMatchObject({ CostCenter: "1234", env: "prod", org: "trey" });
    expect(tagged?.sub_account_id).toBe("/subscriptions/ed570627-0265-4620-bb42-bae06bcfa914");
  });

  it("fails with one error naming a missing Date column", async () => {
    const { head, rows } = table(EA_FILES[1][1]());
    const drop = head.indexOf("Date");
    const strip = (r: string[]) => r.filter((_, i) => i !== drop);
    const file = tempFile("ea.csv", stringify([strip(head), ...rows.map(strip)]));
    const error = await convertAzureEaFile(file, OPTS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FocusImportError);
    expect((error as Error).message).toContain("missing required column Date");
  });
});
