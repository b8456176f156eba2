import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import Big from "big.js";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { csvObjects, SAMPLE_1000 } from "../support/focus-test-support.js";
import { runCostmon } from "../support/run-costmon.js";

/**
 * Import units on the FOCUS 1.0 sample (../shared/data/focus-sample-data, 1000 rows, all USD):
 * the sample split into parts and imported as one unit must give the whole file's total, exactly,
 * however it is split, compressed or listed.
 */

const dir = mkdtempSync(join(tmpdir(), "import-units-"));
const dataDir = join(dir, "data");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = readFileSync(SAMPLE_1000(), "utf8").split(/\r?\n/).filter((l) => l !== "");
const header = lines[0] ?? "";
const body = lines.slice(1);

/** The sample's BilledCost summed here with big.js, independently of the importer. */
const independentTotal = csvObjects(SAMPLE_1000())
  .reduce((s, r) => s.plus(r.BilledCost ?? "0"), new Big(0))
  .toFixed();

/** The data lines cut into `n` contiguous parts, each with the header. */
function split(n: number): string[] {
  const size = Math.ceil(body.length / n);
  return Array.from({ length: n }, (_, i) => [header, ...body.slice(i * size, (i + 1) * size)].join("\n"));
}

function write(path: string, content: string | Uint8Array): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  return path;
}

async function importUnit(tenant: string, ...files: string[]) {
  const r = await runCostmon("import", "--format", "focus", ...files.flatMap((f) => ["--file", f]), "--tenant", tenant, "--data-dir", dataDir);
  expect(r.stderr).not.toContain("rejected:");
  expect(r.code).toBe(0);
  return { ...JSON.parse(r.stdout), stderr: r.stderr } as { stderr: string; files: string[]; records: number; rowsRead: number; inserted: number; updated: number; unchanged: number; deleted: number; window: { start: string; end: string } };
}

async function totals(tenant: string): Promise<{ currency: string; billedCost: string }[]> {
  const r = await runCostmon("costs", "--tenant", tenant, "--format", "json", "--data-dir", dataDir);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { totals: { currency: string; billedCost: string }[] }).totals.map(({ currency, billedCost }) => ({ currency, billedCost }));
}

describe("costmon import: several files are one unit", () => {
  it.each([1, 2, 5])("the sample split %i ways and imported as one unit totals exactly the whole file", async (n) => {
    // Prepare
    const parts = split(n).map((text, i) => write(join(dir, `split-${n}`, `part-${i + 1}.csv`), text));

    // Act
    const summary = await importUnit(`split-${n}`, ...parts);

    // Assess
    expect(summary.files).toHaveLength(n);
    expect(summary.rowsRead).toBe(1000);
    expect(await totals(`split-${n}`)).toEqual([{ currency: "USD", billedCost: independentTotal }]);
  });

  it("sums a record whose rows sit in two files instead of letting one overwrite the other", async () => {
    // Prepare: one real row, and the same record an hour later with another amount, in a second file.
    const cells = (parse(body[0] ?? "") as string[][])[0] ?? [];
    const cols = (parse(header) as string[][])[0] ?? [];
    const later = cells.map((c, i) => (cols[i] === "ChargePeriodStart" ? c.replace(/ (\d\d):/, " 23:") : cols[i] === "BilledCost" ? "0.0000012" : c));
    const quote = (xs: string[]) => xs.map((x) => `"${x.replaceAll('"', '""')}"`).join(",");
    const a = write(join(dir, "record", "a.csv"), [header, body[0]].join("\n"));
    const b = write(join(dir, "record", "b.csv"), [header, quote(later)].join("\n"));

    // Act
    const summary = await importUnit("record", a, b);

    // Assess
    expect(summary.records).toBe(1);
    const billed = new Big(cells[cols.indexOf("BilledCost")] ?? "").plus("0.0000012").toFixed();
    expect(await totals("record")).toEqual([{ currency: "USD", billedCost: billed }]);
  });

  it("reads every export file of a folder, gzip-compressed CSV included", async () => {
    const folder = join(dir, "folder");
    for (const [i, text] of split(5).entries()) write(join(folder, "data", `part-${i + 1}.csv.gz`), gzipSync(text));
    write(join(folder, "README.txt"), "not an export file");

    const summary = await importUnit("folder", folder);

    expect(summary.files).toHaveLength(5);
    expect(await totals("folder")).toEqual([{ currency: "USD", billedCost: independentTotal }]);
  });

  it.each(["zstd", "gzip"])("reads %s-compressed Parquet parts", async (codec) => {
    // Prepare: DuckDB writes the parts; every column as text, as the CSV has them.
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    const parts = split(2).map((text, i) => write(join(dir, `parquet-${codec}`, `part-${i + 1}.csv`), text));
    const out = parts.map((p) => p.replace(/\.csv$/, `.${codec}.parquet`));
    for (const [i, p] of parts.entries()) {
      await c.run(`COPY (SELECT * FROM read_csv('${p}', all_varchar = true, header = true)) TO '${out[i]}' (FORMAT parquet, COMPRESSION ${codec})`);
    }
    c.closeSync();

    // Act
    const summary = await importUnit(`parquet-${codec}`, ...(out as string[]));

    // Assess
    expect(summary.rowsRead).toBe(1000);
    expect(await totals(`parquet-${codec}`)).toEqual([{ currency: "USD", billedCost: independentTotal }]);
  });

  it("re-importing a unit changes nothing, and a restated unit replaces its window without doubling", async () => {
    // Prepare
    const parts = split(2).map((text, i) => write(join(dir, "restate", `part-${i + 1}.csv`), text));
    const first = await importUnit("restate", ...parts);

    // Act: the same unit again, then a restatement in which the first row's BilledCost became 0.
    const again = await importUnit("restate", ...parts);
    const cells = (parse(body[0] ?? "") as string[][])[0] ?? [];
    const cols = (parse(header) as string[][])[0] ?? [];
    const firstBilled = cells[cols.indexOf("BilledCost")] ?? "";
    const restatedLine = cells.map((c, i) => `"${cols[i] === "BilledCost" ? "0" : c.replaceAll('"', '""')}"`).join(",");
    const restated = write(join(dir, "restate", "restated.csv"), [header, restatedLine, ...body.slice(1)].join("\n"));
    const third = await importUnit("restate", restated);

    // Assess
    expect(first.inserted).toBe(first.records);
    expect(again).toMatchObject({ inserted: 0, updated: 0, deleted: 0, unchanged: first.records, stderr: "" });
    expect(third).toMatchObject({ inserted: 0, updated: 1, deleted: 0 });
    expect(await totals("restate")).toEqual([{ currency: "USD", billedCost: new Big(independentTotal).minus(firstBilled).toFixed() }]);
  });

  it("a restated unit without a record of the earlier one removes it inside its window", async () => {
    const whole = write(join(dir, "shrink", "whole.csv"), lines.join("\n"));
    await importUnit("shrink", whole);
    // The same export without its first data row (the window stays September 2024).
    const fewer = write(join(dir, "shrink", "fewer.csv"), [header, ...body.slice(1)].join("\n"));
    const r = await importUnit("shrink", fewer);
    expect(r.deleted).toBe(1);
    expect(r.stderr).toMatch(/warning: this unit replaced 1 records that earlier import:focus imports held .* in 2024-09-01\.\.2024-09-30/);
    const cells = (parse(body[0] ?? "") as string[][])[0] ?? [];
    const cols = (parse(header) as string[][])[0] ?? [];
    expect(await totals("shrink")).toEqual([{ currency: "USD", billedCost: new Big(independentTotal).minus(cells[cols.indexOf("BilledCost")] ?? "").toFixed() }]);
  });
});

describe("costmon import: parts imported one by one", () => {
  it("are two units: the second replaces the first's days and says so on stderr", async () => {
    const [a = "", b = ""] = split(2).map((text, i) => write(join(dir, "one-by-one", `part-${i + 1}.csv`), text));
    await importUnit("one-by-one", a);
    const second = await importUnit("one-by-one", b);
    // Both halves span September 2024: the second unit holds none of the first's 500 records.
    expect(second).toMatchObject({ inserted: 500, deleted: 500 });
    expect(second.stderr).toContain("import all its parts in one command");
  });
});

describe("costmon import: units of other billing accounts", () => {
  it("the export of another payer, imported after the first, replaces nothing of it", async () => {
    // Prepare: the sample, and the same rows under another billing account (a second payer's export).
    const cols = (parse(header) as string[][])[0] ?? [];
    const at = cols.indexOf("BillingAccountId");
    const quote = (xs: string[]) => xs.map((x) => `"${x.replaceAll('"', '""')}"`).join(",");
    const other = body.map((l) => quote(((parse(l) as string[][])[0] ?? []).map((c, i) => (i === at ? "other-payer" : c))));
    const first = write(join(dir, "payers", "first.csv"), lines.join("\n"));
    const second = write(join(dir, "payers", "second.csv"), [header, ...other].join("\n"));

    // Act
    await importUnit("payers", first);
    const r = await importUnit("payers", second);

    // Assess
    expect(r).toMatchObject({ inserted: 1000, deleted: 0 });
    expect(await totals("payers")).toEqual([{ currency: "USD", billedCost: new Big(independentTotal).times(2).toFixed() }]);
  });
});

describe("costmon import: export manifests", () => {
  it("reads the parts an AWS Data Exports Manifest.json lists", async () => {
    // Shape from the AWS Data Exports user guide, "Data Exports manifest file reference"
    // (docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html): dataFiles holds full S3
    // URIs, data under <prefix>/<export>/data/BILLING_PERIOD=YYYY-MM/, the manifest under metadata/.
    const root = join(dir, "aws", "costmon", "focus-export");
    const parts = split(5).map((text, i) => write(join(root, "data", "BILLING_PERIOD=2024-09", `focus-export-0000${i + 1}.csv.gz`), gzipSync(text)));
    const manifest = write(
      join(root, "metadata", "BILLING_PERIOD=2024-09", "focus-export-Manifest.json"),
      JSON.stringify({
        executionId: "00000000-0000-0000-0000-000000000001",
        exportArn: "arn:aws:bcm-data-exports:us-east-1:123456789012:export/focus-export-0000",
        columns: [{ name: "BilledCost", type: "decimal" }],
        dataFiles: parts.map((_, i) => `s3://bucket/costmon/focus-export/data/BILLING_PERIOD=2024-09/focus-export-0000${i + 1}.csv.gz`),
      }),
    );

    const summary = await importUnit("aws-manifest", manifest);

    expect(summary.files).toHaveLength(5);
    expect(await totals("aws-manifest")).toEqual([{ currency: "USD", billedCost: independentTotal }]);
  });

  it("reads the blobs an Azure cost export manifest.json lists", async () => {
    // Shape from Microsoft Learn, "Understand and work with exports" (partitioned exports deliver a
    // manifest.json whose blobs[].blobName are the parts' paths in the container), as the FinOps hub
    // pipelines of microsoft/finops-toolkit read it (activity 'Read Manifest' ... blobs[].blobName).
    const run = join(dir, "azure", "exports", "focus-daily", "20240901-20240930", "run-1");
    const texts = split(2);
    for (const [i, text] of texts.entries()) write(join(run, `part_0_000${i + 1}.csv.gz`), gzipSync(text));
    const manifest = write(
      join(run, "manifest.json"),
      JSON.stringify({
        manifestVersion: "2024-04-01",
        byteCount: 1,
        blobCount: 2,
        dataRowCount: 1000,
        exportConfig: { exportName: "focus-daily", type: "FocusCost", dataVersion: "1.0" },
        blobs: texts.map((t, i) => ({ blobName: `exports/focus-daily/20240901-20240930/run-1/part_0_000${i + 1}.csv.gz`, byteCount: t.length, dataRowCount: t.split("\n").length - 1 })),
      }),
    );

    const r = await runCostmon("import", "--format", "focus", "--file", manifest, "--tenant", "azure-manifest", "--data-dir", dataDir);

    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 1000, manifests: [{ kind: "azure-export", files: 2, announcedRows: 1000 }] });
    expect(await totals("azure-manifest")).toEqual([{ currency: "USD", billedCost: independentTotal }]);
  });

  it("refuses a manifest whose parts are missing, naming them, and writes nothing", async () => {
    const manifest = write(join(dir, "missing", "Manifest.json"), JSON.stringify({ dataFiles: ["s3://b/x/data/part-00009.csv.gz"] }));
    const r = await runCostmon("import", "--format", "focus", "--file", manifest, "--tenant", "missing", "--data-dir", dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("part-00009.csv.gz");
    expect(r.stderr).toContain("download the whole export");
  });

  it("refuses a manifest entry that climbs out of its folder", async () => {
    const manifest = write(join(dir, "climb", "manifest.json"), JSON.stringify({ blobs: [{ blobName: "../../etc/passwd" }] }));
    const r = await runCostmon("import", "--format", "focus", "--file", manifest, "--tenant", "climb", "--data-dir", dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("climbs out of its folder");
  });
});

describe("costmon import: a unit with rejected rows", () => {
  it("adds its good rows but deletes nothing, since it is not the whole export", async () => {
    const whole = write(join(dir, "partial", "whole.csv"), lines.join("\n"));
    await importUnit("partial", whole);
    // The same export with its first row broken (BilledCost 1e400 is refused).
    const cols = (parse(header) as string[][])[0] ?? [];
    const cells = (parse(body[0] ?? "") as string[][])[0] ?? [];
    const broken = cells.map((c, i) => `"${cols[i] === "BilledCost" ? "1e400" : c.replaceAll('"', '""')}"`).join(",");
    const file = write(join(dir, "partial", "broken.csv"), [header, broken, ...body.slice(1)].join("\n"));
    const r = await runCostmon("import", "--format", "focus", "--file", file, "--tenant", "partial", "--data-dir", dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the unit was added without replacing earlier rows");
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRejected: 1, deleted: 0, unchanged: 999 });
    expect(await totals("partial")).toEqual([{ currency: "USD", billedCost: independentTotal }]);
  });
});
