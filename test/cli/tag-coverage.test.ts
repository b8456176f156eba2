import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Big from "big.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvObjects, SAMPLE_1000 } from "../support/focus-test-support.js";
import { runCostmon } from "../support/run-costmon.js";

/**
 * Allocation views on the FOCUS 1.0 sample (../shared/data/focus-sample-data): coverage per tag key
 * and cost by tag with the untagged share, checked against sums taken here from the CSV itself.
 */

const dir = mkdtempSync(join(tmpdir(), "tag-coverage-"));
const dataDir = join(dir, "data");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = csvObjects(SAMPLE_1000()).map((r) => ({
  category: r.ChargeCategory ?? "",
  effective: r.EffectiveCost ?? "0",
  billed: r.BilledCost ?? "0",
  tags: r.Tags && r.Tags !== "NULL" ? (JSON.parse(r.Tags) as Record<string, string>) : {},
}));

/** Independent coverage: effective cost of Usage rows carrying the key over all Usage rows, in percent. */
function expectedCoverage(key: string) {
  const usage = rows.filter((r) => r.category === "Usage");
  const spend = usage.reduce((s, r) => s.plus(r.effective), new Big(0));
  const tagged = usage.filter((r) => Object.hasOwn(r.tags, key)).reduce((s, r) => s.plus(r.effective), new Big(0));
  return { tagKey: key, currency: "USD", spend: spend.toFixed(), tagged: tagged.toFixed(), untagged: spend.minus(tagged).toFixed(), coveragePct: tagged.times(100).div(spend).round(1, Big.roundHalfEven).toFixed(1) };
}

beforeAll(async () => {
  const r = await runCostmon("import", "--format", "focus", "--file", SAMPLE_1000(), "--tenant", "sample", "--data-dir", dataDir);
  expect(r.code).toBe(0);
}, 60_000);

describe("costmon costs --tag-coverage", () => {
  it("gives each key's share of usage spend, equal to the share computed from the CSV", async () => {
    const keys = ["application", "env", "CostCenter", "no-such-key"];
    const r = await runCostmon("costs", "--tenant", "sample", "--tag-coverage", keys.join(","), "--format", "json", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { basis: string; coverage: unknown[] };
    expect(report.basis).toBe("effective cost of Usage charges");
    expect(report.coverage).toEqual(keys.map(expectedCoverage));
    // The figures quoted in docs/ledger.md.
    expect(report.coverage.map((c) => (c as { coveragePct: string }).coveragePct)).toEqual(["89.0", "11.8", "9.8", "0.0"]);
  });

  it("prints a table with the percentages and refuses a malformed key", async () => {
    const table = await runCostmon("costs", "--tenant", "sample", "--tag-coverage", "application", "--data-dir", dataDir);
    expect(table.stdout).toMatch(/application\s+USD\s+17\.97651418586\s+16\.00\s+1\.97651418586\s+89\.0%/);
    const bad = await runCostmon("costs", "--tenant", "sample", "--tag-coverage", "a\"b", "--data-dir", dataDir);
    expect(bad.code).toBe(2);
  });
});

describe("costmon costs --group-by tag:KEY", () => {
  it("shows the untagged spend as the row without a value, and the rows add up to the total", async () => {
    const r = await runCostmon("costs", "--tenant", "sample", "--group-by", "tag:env", "--granularity", "monthly", "--format", "json", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { rows: { "tag:env": string | null; billedCost: string }[]; totals: { billedCost: string }[] };
    const untagged = report.rows.filter((x) => x["tag:env"] === null).reduce((s, x) => s.plus(x.billedCost), new Big(0));
    const expected = rows.filter((x) => !Object.hasOwn(x.tags, "env")).reduce((s, x) => s.plus(x.billed), new Big(0));
    expect(untagged.toFixed()).toBe(expected.toFixed());
    const all = report.rows.reduce((s, x) => s.plus(x.billedCost), new Big(0));
    expect(all.toFixed()).toBe(report.totals[0]?.billedCost);
  });
});
