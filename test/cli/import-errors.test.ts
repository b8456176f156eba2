import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCostmon } from "../support/run-costmon.js";
import { sharedData } from "../support/shared-data.js";

const costmon = runCostmon;

const dir = mkdtempSync(join(tmpdir(), "import-errors-"));
const dataDir = join(dir, "data");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The recorded detailed-export row (a pretty-printed JSON object in the shared data). */
const gcpRow = () => JSON.parse(readFileSync(sharedData("gcp-billing-export-schema", "sample-rows", "detailed_export_row_example_emissionLabeler.json"), "utf8")) as Record<string, unknown>;

const importGcp = (path: string) => costmon("import", "--format", "gcp-export", "--file", path, "--tenant", "g", "--data-dir", dataDir);

describe("import errors name the file, the line and the column", () => {
  it("rejects a FOCUS row with BilledCost 1e400 by file, line and column, and imports the others", async () => {
    const header = "BilledCost,BillingAccountId,BillingCurrency,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,EffectiveCost,ListCost,ProviderName,ServiceName,SubAccountId,RegionId";
    const row = (cost: string, day: string) => `${cost},ba1,USD,Usage,2026-08-${day} 00:00:00,2026-08-${day} 23:00:00,1,1,AWS,Amazon EC2,acct-1,us-east-1`;
    const path = file("focus.csv", [header, row("1.25", "01"), row("1e400", "02"), row("2.50", "03")].join("\n"));
    const r = await costmon("import", "--format", "focus", "--file", path, "--tenant", "f", "--data-dir", dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`rejected: ${path}:3 column BilledCost:`);
    expect(r.stderr).toContain("1e400");
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 3, rowsRejected: 1, records: 2, billedCostByProvider: { aws: { USD: "3.75" } } });
  });

  it("reads a pretty-printed GCP export: one object, or an array", async () => {
    const one = await importGcp(file("one.json", JSON.stringify(gcpRow(), null, 4)));
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ rowsRead: 1, records: 1 });
    const array = await importGcp(file("array.json", JSON.stringify([gcpRow(), { ...gcpRow(), usage_start_time: "2024-05-13 02:00:00 UTC" }], null, 2)));
    expect(array.code).toBe(0);
    expect(JSON.parse(array.stdout)).toMatchObject({ rowsRead: 2, records: 2 });
  });

  it("refuses pretty-printed rows one after another, and says why", async () => {
    const path = file("concatenated.json", `${JSON.stringify(gcpRow(), null, 2)}\n${JSON.stringify(gcpRow(), null, 2)}\n`);
    const r = await importGcp(path);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path}:1: not a complete JSON row`);
    expect(r.stderr).toMatch(/JSON array .* or newline-delimited JSON/);
  });

  it("names the line of a bad amount in newline-delimited JSON", async () => {
    const path = file("rows.ndjson", `${JSON.stringify(gcpRow())}\n\n${JSON.stringify({ ...gcpRow(), cost: "1e400" })}\n`);
    const r = await importGcp(path);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path}:3: cost "1e400" is not an amount`);
  });

  it("names the line and column of a JSON syntax error", async () => {
    const path = file("broken.json", '[\n  {"billing_account_id": "x",\n   "cost" 1}\n]');
    const r = await importGcp(path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${path.replaceAll(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:3:\\d+: not valid JSON`));
  });

  it("names the file of an Azure query result it cannot read", async () => {
    const path = file("azure.json", JSON.stringify({ properties: { columns: [{ name: "Cost", type: "Number" }], rows: [["a lot"]] } }));
    const r = await costmon("import", "--format", "azure-query", "--file", path, "--tenant", "a", "--data-dir", dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${path}: `);
  });
});
