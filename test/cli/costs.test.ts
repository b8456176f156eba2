import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Big from "big.js";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCostmon } from "../support/run-costmon.js";
import { normalizeProvider } from "#domain/billing/cost-record.js";
import { csvObjects, independentTotals, SAMPLE_1000 } from "../support/focus-test-support.js";

const costmon = runCostmon;

const sum = (xs: string[]) => xs.reduce((a, x) => a.plus(x), new Big(0)).toFixed();

interface JsonReport {
  from: string;
  to: string;
  groupBy: string[];
  rows: Record<string, string | null>[];
  totals: { currency: string; billedCost: string; effectiveCost: string }[];
}

describe("costmon costs on an imported FOCUS export", () => {
  const dir = mkdtempSync(join(tmpdir(), "costs-"));
  const dataDir = join(dir, "data");
  const sampleRows = csvObjects(SAMPLE_1000());

  beforeAll(async () => {
    // The sample as exported, and a copy in which every Microsoft row is billed in EUR, so that
    // one tenant's ledger holds two currencies.
    const imported = await costmon("import", "--format", "focus", "--file", SAMPLE_1000(), "--tenant", "sample", "--data-dir", dataDir);
    expect(imported.code).toBe(0);
    const lines = readFileSync(SAMPLE_1000(), "utf8").split(/\r?\n/);
    const header = lines[0] ?? "";
    const mixed = [header, ...lines.slice(1).map((l) => (/"Microsoft"/.test(l) ? l.replace('"USD"', '"EUR"') : l))].join("\n");
    const mixedFile = join(dir, "mixed.csv");
    writeFileSync(mixedFile, mixed);
    const second = await costmon("import", "--format", "focus", "--file", mixedFile, "--tenant", "mixed", "--data-dir", dataDir);
    expect(second.code).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints CSV whose rows add up, per provider, to the sums of the export's BilledCost taken independently", async () => {
    const r = await costmon("costs", "--tenant", "sample", "--group-by", "provider", "--format", "csv", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual(["period", "provider", "currency", "billed_cost", "effective_cost"]);
    const byProvider: Record<string, string> = {};
    for (const p of new Set(rows.map((x) => x.provider ?? ""))) {
      byProvider[p] = sum(rows.filter((x) => x.provider === p).map((x) => x.billed_cost ?? ""));
    }
    const expected = independentTotals(sampleRows);
    expect(Object.keys(byProvider).sort()).toEqual(Object.keys(expected).sort());
    for (const [p, v] of Object.entries(expected)) expect(new Big(byProvider[p] ?? "0").eq(v), p).toBe(true);
    // One day per row and provider: the sample covers September 2024.
    expect(new Set(rows.map((x) => x.period)).size).toBe(30);
    expect(rows.every((x) => x.currency === "USD")).toBe(true);
  });

  it("prints only JSON on stdout, monthly rows and one total that equal the independent sum exactly", async () => {
    const r = await costmon("costs", "--tenant", "sample", "--granularity", "monthly", "--group-by", "service", "--format", "json", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.from).toBe("2024-09-01");
    expect(report.to).toBe("2024-09-30");
    expect(new Set(report.rows.map((x) => x.period))).toEqual(new Set(["2024-09"]));
    const all = sum(Object.values(independentTotals(sampleRows)));
    expect(sum(report.rows.map((x) => x.billedCost ?? ""))).toBe(all);
    expect(report.totals).toHaveLength(1);
    expect(report.totals[0]?.currency).toBe("USD");
    expect(report.totals[0]?.billedCost).toBe(all);
    expect(report.totals[0]?.billedCost).toMatch(/^\d+\.\d+$/);
  });

  it("never adds across currencies: one total per currency, each row with its code", async () => {
    const r = await costmon("costs", "--tenant", "mixed", "--group-by", "provider", "--format", "json", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    const expected = independentTotals(sampleRows);
    const microsoft = normalizeProvider("Microsoft");
    const totals = Object.fromEntries(report.totals.map((t) => [t.currency, t.billedCost]));
    expect(Object.keys(totals).sort()).toEqual(["EUR", "USD"]);
    expect(totals.EUR).toBe(expected[microsoft]);
    expect(totals.USD).toBe(sum(Object.entries(expected).filter(([p]) => p !== microsoft).map(([, v]) => v)));
    expect(report.rows.filter((x) => x.currency === "EUR").every((x) => x.provider === microsoft)).toBe(true);
  });

  it("groups by a tag key, with a missing tag as null in JSON and an empty field in CSV", async () => {
    const json = JSON.parse((await costmon("costs", "--tenant", "sample", "--group-by", "tag:env", "--granularity", "monthly", "--format", "json", "--data-dir", dataDir)).stdout) as JsonReport;
    expect(json.groupBy).toEqual(["tag:env"]);
    const values = json.rows.map((x) => x["tag:env"]);
    expect(values).toContain(null);
    expect(values.some((v) => typeof v === "string" && v.length > 0)).toBe(true);
    // Whatever the grouping, the rows still add up to the whole.
    expect(sum(json.rows.map((x) => x.billedCost ?? ""))).toBe(sum(Object.values(independentTotals(sampleRows))));
    const csv = (await costmon("costs", "--tenant", "sample", "--group-by", "tag:env", "--granularity", "monthly", "--format", "csv", "--data-dir", dataDir)).stdout;
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => x["tag:env"])).toContain("");
  });

  it("limits the window with --from and --to, and writes to --output", async () => {
    const file = join(dir, "out.json");
    const r = await costmon("costs", "--tenant", "sample", "--from", "2024-09-10", "--to", "2024-09-12", "--format", "json", "--output", file, "--data-dir", dataDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const report = JSON.parse(readFileSync(file, "utf8")) as JsonReport;
    expect(new Set(report.rows.map((x) => x.period))).toEqual(new Set(["2024-09-10", "2024-09-11", "2024-09-12"]));
    const inWindow = sampleRows.filter((x) => {
      const day = (x.ChargePeriodStart ?? "").slice(0, 10);
      return day >= "2024-09-10" && day <= "2024-09-12";
    });
    expect(report.totals[0]?.billedCost).toBe(sum(inWindow.map((x) => x.BilledCost ?? "0")));
  });

  it("shows a table with thousands separators and a total line per currency", async () => {
    const r = await costmon("costs", "--tenant", "mixed", "--granularity", "monthly", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    const totalLines = r.stdout.split("\n").filter((l) => l.startsWith("total"));
    expect(totalLines).toHaveLength(2);
    expect(totalLines[0]).toMatch(/\bEUR\b/);
    expect(totalLines[1]).toMatch(/\bUSD\b/);
  });

  it("warns on stderr, and prints an empty result, for a window without data", async () => {
    const r = await costmon("costs", "--tenant", "sample", "--from", "2030-01-01", "--format", "json", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows).toEqual([]);
    expect(r.stderr).toMatch(/no costs for tenant sample between 2030-01-01 and 2030-01-01 \(the ledger holds 2024-09-01\.\.2024-09-30/);
  });

  it("warns on stderr for a tenant the ledger does not hold, rather than printing zero spend silently", async () => {
    const r = await costmon("costs", "--tenant", "nobody", "--format", "json", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ from: null, to: null, rows: [], totals: [] });
    expect(r.stderr).toMatch(/holds no costs for tenant nobody \(run costmon import or costmon nightly first\)/);
  });

  it.each([
    [["--tenant", "Not_A_Tenant"], /--tenant.*lower-case/],
    [["--tenant", "sample", "--group-by", "colour"], /"colour" is not one of provider, account, service, region, tag:KEY/],
    [["--tenant", "sample", "--group-by", "provider,provider"], /provider is listed twice/],
    [["--tenant", "sample", "--from", "2024-02-30"], /calendar date/],
    [["--tenant", "sample", "--from", "2024-09-10", "--to", "2024-09-01"], /--from 2024-09-10 is after --to 2024-09-01/],
    [["--tenant", "sample", "--format", "xml"], /--format/],
    [["--tenant", "sample", "--from", "2000-01-01", "--to", "2024-09-01"], /spans more than 3660 days/],
  ])("exits 2 with a readable message for %j", async (args, message) => {
    const r = await costmon("costs", ...args, "--data-dir", dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/ZodError|"code":/);
    expect(r.stdout).toBe("");
  });

  it("exits 2 when the data folder does not exist", async () => {
    const r = await costmon("costs", "--tenant", "sample", "--data-dir", join(dir, "missing"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
  });
});
