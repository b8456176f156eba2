import { describe, expect, it } from "vitest";
import { gatherBacktest, gatherBacktests, lastCompleteMonth } from "#cli/report/report-backtest.js";
import type { CostRow, CostWarehouse } from "#domain/billing/ports.js";
import { addDays } from "#kernel/days.js";

/** The ledger as the warehouse port returns it (CostRow per day and currency), inside the asked window. */
function ledger(rows: CostRow[]): CostWarehouse {
  const queryDaily = async (_tenant: string, q: { window: { start: string; end: string } }) => rows.filter((r) => r.date >= q.window.start && r.date <= q.window.end);
  // Only queryDaily is read by the report's cost queries; the rest of the port is not reached.
  return { queryDaily } as unknown as CostWarehouse;
}

function days(start: string, end: string, cost: (date: string) => string, currency = "USD"): CostRow[] {
  const out: CostRow[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push({ date: d, dims: { provider: "gcp", billing_currency: currency }, billed_cost: cost(d), effective_cost: cost(d) });
  return out;
}

describe("lastCompleteMonth", () => {
  it("is the previous month mid-month and the current one on its last day", () => {
    expect(lastCompleteMonth("2026-11-19")).toEqual({ start: "2026-10-01", end: "2026-10-31" });
    expect(lastCompleteMonth("2026-10-31")).toEqual({ start: "2026-10-01", end: "2026-10-31" });
    expect(lastCompleteMonth("2026-03-01")).toEqual({ start: "2026-02-01", end: "2026-02-28" });
  });
});

describe("gatherBacktest", () => {
  it("scores the replayed forecast against the month's exact actual, in the tenant's currency only", async () => {
    const rows = [...days("2026-05-01", "2026-11-19", () => "10.01"), ...days("2026-05-01", "2026-11-19", () => "999", "EUR")];
    const b = await gatherBacktest(ledger(rows), "t1", "USD", "2026-11-19");
    expect(b).not.toBeNull();
    expect(b?.month).toBe("2026-10");
    expect(b?.actual).toBe("310.31"); // 31 × 10.01, the EUR rows never added
    expect(b?.days).toBe(31);
    expect(b?.errorShare).toBeLessThan(0.05); // a flat series is forecast closely
    expect(b?.inside95).toBeGreaterThan(25);
  });

  it("shows a large error when the month jumped away from its history", async () => {
    const rows = days("2026-05-01", "2026-11-19", (d) => (d.startsWith("2026-10") ? "40" : "10"));
    const b = await gatherBacktest(ledger(rows), "t1", "USD", "2026-11-19");
    expect(b?.actual).toBe("1240");
    expect(b?.errorShare).toBeGreaterThan(0.5);
  });

  it("replays each currency on its own, the tenant's first, leaving out one with too little history", async () => {
    const rows = [...days("2026-05-01", "2026-11-19", () => "10.01"), ...days("2026-05-01", "2026-11-19", () => "999", "EUR"), ...days("2026-10-01", "2026-11-19", () => "5", "JPY")];
    const all = await gatherBacktests(ledger(rows), "t1", "EUR", "2026-11-19");
    expect(all.map((b) => [b.currency, b.actual])).toEqual([
      ["EUR", "30969"], // 31 × 999
      ["USD", "310.31"],
    ]);
  });

  it("is null without enough history before the month", async () => {
    expect(await gatherBacktest(ledger(days("2026-09-20", "2026-11-19", () => "10")), "t1", "USD", "2026-11-19")).toBeNull();
    expect(await gatherBacktest(ledger([]), "t1", "USD", "2026-11-19")).toBeNull();
  });
});
