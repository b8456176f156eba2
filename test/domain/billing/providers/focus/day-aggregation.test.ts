import Big from "big.js";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { importFocusRows } from "#domain/billing/providers/focus/import-focus.js";
import { OPTS, sampleLines } from "../../../../support/focus-test-support.js";
import { memoryRows } from "./memory-rows.js";

/** One real tagged AWS row of the sample, replayed hour by hour with the real amounts of other rows. */
function hourlyRows(hours: { start: string; billed: string; tags?: string; unit?: string; quantity?: string }[]) {
  const { header, rows } = sampleLines(40);
  const head = (parse(header) as string[][])[0] ?? [];
  const base = (parse(rows[1] ?? "") as string[][])[0] ?? []; // Elastic Load Balancing, tagged
  const set = (cells: string[], name: string, value: string | undefined) =>
    value === undefined ? cells : cells.map((c, i) => (head[i] === name ? value : c));
  const lines = hours.map((h) => {
    let cells = set(base, "ChargePeriodStart", h.start);
    cells = set(cells, "BilledCost", h.billed);
    cells = set(cells, "Tags", h.tags);
    cells = set(cells, "PricingUnit", h.unit);
    cells = set(cells, "PricingQuantity", h.quantity);
    return cells;
  });
  return { source: memoryRows("hourly.csv", [head, ...lines]), head, rows };
}

function realAmounts(n: number): string[] {
  const { header, rows } = sampleLines(n);
  const head = (parse(header) as string[][])[0] ?? [];
  const col = head.indexOf("BilledCost");
  return rows.map((r) => (parse(r) as string[][])[0]?.[col] ?? "0");
}

describe("day aggregation of hourly FOCUS rows", () => {
  it("sums 24 hourly rows of one identity into one exact daily record", async () => {
    // Prepare
    const amounts = realAmounts(24);
    const hours = amounts.map((billed, h) => ({ start: `2024-09-18 ${String(h).padStart(2, "0")}:00:00`, billed }));
    const { source } = hourlyRows(hours);
    const expected = amounts.reduce((s, a) => s.plus(a), new Big(0)).toFixed();
    // Act
    const result = await importFocusRows(source, OPTS);
    // Assess
    expect(result.rowsRead).toBe(24);
    expect(result.records).toHaveLength(1);
    expect(result.records[0]?.billed_cost).toBe(expected);
    expect(result.totalsByProvider).toEqual({ aws: expected });
    expect(result.records[0]).toMatchObject({ charge_period_start: "2024-09-18", charge_period_end: "2024-09-19" });
  });

  it("splits by UTC day, converting offsets to UTC", async () => {
    const { source } = hourlyRows([
      { start: "2024-09-18 23:00:00", billed: "1.5" },
      { start: "2024-09-19T00:30:00+02:00", billed: "2.25" }, // 2024-09-18T22:30Z: same UTC day
      { start: "2024-09-19T00:00:00Z", billed: "4" },
    ]);
    const result = await importFocusRows(source, OPTS);
    expect(result.records.map((r) => [r.charge_period_start, r.billed_cost])).toEqual([
      ["2024-09-18", "3.75"],
      ["2024-09-19", "4"],
    ]);
  });

  it("keeps rows of one day apart when their tag sets differ, in whatever order the tags are listed", async () => {
    const { source } = hourlyRows([
      { start: "2024-09-18 01:00:00", billed: "1", tags: '{"env": "dev", "team": "a"}' },
      { start: "2024-09-18 02:00:00", billed: "1", tags: '{"env": "dev", "team": "b"}' },
      { start: "2024-09-18 03:00:00", billed: "0.5", tags: '{"team": "a", "env": "dev"}' },
    ]);
    const result = await importFocusRows(source, OPTS);
    const byTeam = Object.fromEntries(result.records.map((r) => [r.tags.team, r.billed_cost]));
    expect(byTeam).toEqual({ a: "1.5", b: "1" });
  });

  it("adds quantities of one unit and keeps another unit in a record of its own", async () => {
    const { source } = hourlyRows([
      { start: "2024-09-18 01:00:00", billed: "1", unit: "Hours", quantity: "1.25" },
      { start: "2024-09-18 02:00:00", billed: "1", unit: "Hours", quantity: "2.25" },
      { start: "2024-09-18 03:00:00", billed: "1", unit: "GB", quantity: "NULL" },
    ]);
    const result = await importFocusRows(source, OPTS);
    const byUnit = Object.fromEntries(result.records.map((r) => [r.pricing_unit, [r.billed_cost, r.pricing_quantity]]));
    expect(byUnit).toEqual({ Hours: ["2", "3.5"], GB: ["1", null] });
  });
});
