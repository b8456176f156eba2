import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Big from "big.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvObjects, SAMPLE_1000 } from "../support/focus-test-support.js";
import { runCostmon } from "../support/run-costmon.js";

/**
 * `costmon costs --convert` on the FOCUS 1.0 sample with every Microsoft row billed in EUR, so the
 * tenant's ledger holds USD and EUR. The rates here are test values (1 EUR = 1.25 USD, written on
 * the Fridays of September 2024 as the ECB table would have them), not published ECB rates.
 */

const dir = mkdtempSync(join(tmpdir(), "costs-convert-"));
const dataDir = join(dir, "data");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A config folder: the project's base.yaml and a dev.yaml with the given currency section. */
function configDir(name: string, currencyYaml: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  copyFileSync(join(process.cwd(), "config", "base.yaml"), join(d, "base.yaml"));
  writeFileSync(join(d, "dev.yaml"), currencyYaml);
  return d;
}

const fridays = ["2024-08-30", "2024-09-06", "2024-09-13", "2024-09-20", "2024-09-27"];
const rates = `currency:\n  rates:\n    days:\n${fridays.map((d) => `      "${d}": { USD: "1.25" }`).join("\n")}\n`;
const withRates = configDir("rates", rates);
const toEuro = configDir("euro", `${rates}  reporting_by_tenant:\n    mixed: EUR\n`);
const noRates = configDir("none", "currency:\n  reporting: USD\n");

const sample = csvObjects(SAMPLE_1000());
const sumOf = (rows: Record<string, string>[]) => rows.reduce((s, r) => s.plus(r.BilledCost ?? "0"), new Big(0));
const eur = sumOf(sample.filter((r) => r.ProviderName === "Microsoft"));
const usd = sumOf(sample.filter((r) => r.ProviderName !== "Microsoft"));

beforeAll(async () => {
  const lines = readFileSync(SAMPLE_1000(), "utf8").split(/\r?\n/);
  const mixed = [lines[0], ...lines.slice(1).map((l) => (/"Microsoft"/.test(l) ? l.replace('"USD"', '"EUR"') : l))].join("\n");
  const file = join(dir, "mixed.csv");
  writeFileSync(file, mixed);
  const r = await runCostmon("import", "--format", "focus", "--file", file, "--tenant", "mixed", "--data-dir", dataDir);
  expect(r.code).toBe(0);
}, 60_000);

describe("costmon costs --convert", () => {
  it("keeps the totals per currency and adds one in the reporting currency, with every rate used beside it", async () => {
    const r = await runCostmon("costs", "--tenant", "mixed", "--format", "json", "--convert", "--data-dir", dataDir, "--config-dir", withRates);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { totals: { currency: string; billedCost: string }[]; converted: { currency: string; billedCost: string; rates: { from: string; to: string; day: string; rateDay: string; rate: string; source: string }[] } };
    expect(out.totals.map((t) => [t.currency, t.billedCost])).toEqual([["EUR", eur.toFixed()], ["USD", usd.toFixed()]]);
    expect(out.converted.currency).toBe("USD");
    expect(out.converted.billedCost).toBe(usd.plus(eur.times("1.25")).toFixed());
    expect(out.converted.rates.length).toBeGreaterThan(0);
    for (const rate of out.converted.rates) {
      expect(rate).toMatchObject({ from: "EUR", to: "USD", rate: "1.25", source: "ECB euro foreign exchange reference rates" });
      expect(fridays).toContain(rate.rateDay);
      expect(rate.rateDay <= rate.day).toBe(true);
    }
  });

  it("converts into a tenant's own reporting currency through the table's base", async () => {
    const r = await runCostmon("costs", "--tenant", "mixed", "--format", "json", "--convert", "--data-dir", dataDir, "--config-dir", toEuro);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { converted: { currency: string; billedCost: string; rates: { from: string; rate: string }[] } };
    expect(out.converted.currency).toBe("EUR");
    expect(out.converted.billedCost).toBe(eur.plus(usd.times("0.8")).toFixed());
    expect(new Set(out.converted.rates.map((x) => `${x.from}:${x.rate}`))).toEqual(new Set(["USD:0.8"]));
  });

  it("refuses a mixed-currency total without rates, saying which currency and days lack one", async () => {
    const r = await runCostmon("costs", "--tenant", "mixed", "--format", "json", "--convert", "--data-dir", dataDir, "--config-dir", noRates);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/cannot total the costs in USD: config currency\.rates .* has no rate for EUR on 2024-09-\d\d/);
    expect(r.stderr).toContain("never added without one");
  });

  it("prints the converted total formatted in the reporting currency in the table", async () => {
    const r = await runCostmon("costs", "--tenant", "mixed", "--convert", "--data-dir", dataDir, "--config-dir", withRates);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/total in USD: \$[\d,.]+ billed/);
  });
});
