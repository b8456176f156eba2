import Big from "big.js";
import { describe, expect, it } from "vitest";
import { findAnomalyRuns, usageSeries } from "#domain/analysis/anomaly/index.js";
import type { LedgerRow } from "#domain/analysis/ledger-row.js";
import { addDays } from "#kernel/days.js";

const AS_OF = "2026-11-19";

function row(date: string, billed_cost: string, over: Partial<LedgerRow["dims"]> = {}): LedgerRow {
  return { date, billed_cost, dims: { provider: "gcp", sub_account_id: "p1", service_name: "BigQuery", region_id: "US", charge_category: "Usage", ...over } };
}

/** 120 steady days of BigQuery, with `spikes` added on the given days, split over two regions. */
function ledger(spikes: Record<string, number>): LedgerRow[] {
  const rows: LedgerRow[] = [];
  for (let i = 0, d = addDays(AS_OF, -119); d <= AS_OF; i++, d = addDays(d, 1)) {
    rows.push(row(d, String(200 + ((i * 37) % 13) + (spikes[d] ?? 0))));
    rows.push(row(d, "30", { region_id: "EU" }));
  }
  return rows;
}

describe("usageSeries", () => {
  it("keeps usage only, one series per provider, account and service, regions as children", () => {
    const rows = [
      row("2026-11-01", "5", { service_name: "Storage", region_id: "" }),
      row("2026-11-01", "10"),
      row("2026-11-01", "-3", { charge_category: "Credit" }),
      row("2026-11-02", "4", { region_id: "EU" }),
    ];
    const series = usageSeries(rows);
    expect(series.map((s) => s.seriesKey)).toEqual(["gcp|p1|Storage", "gcp|p1|BigQuery"]);
    expect([...(series[1]?.series.exact ?? [])]).toEqual([
      ["2026-11-01", "10"],
      ["2026-11-02", "4"],
    ]);
    expect(series[1]?.regions.map((r) => [r.dimension, r.value, r.points.length])).toEqual([
      ["region", "US", 1],
      ["region", "EU", 1],
    ]);
    expect(series[0]?.regions.map((r) => r.value)).toEqual(["(none)"]);
  });
});

describe("findAnomalyRuns", () => {
  const opts = { settings: { minImpact: 50 }, feedback: new Map(), asOf: AS_OF };

  it("groups consecutive flagged days into one run with summed amounts and the region behind it", () => {
    const rows = ledger({ "2026-11-17": 600, "2026-11-18": 650 });
    const runs = findAnomalyRuns(usageSeries(rows), opts);
    expect(runs).toHaveLength(1);
    const r = runs[0]!;
    expect(r).toMatchObject({ seriesKey: "gcp|p1|BigQuery", start: "2026-11-17", end: "2026-11-18", direction: "increase" });
    expect(Number(r.impact)).toBeGreaterThan(1000);
    // Exact to the cent: the impact is the decimal difference of the two figures shown beside it.
    expect(new Big(r.actual).minus(r.expected).eq(r.impact)).toBe(true);
    const actual = rows.filter((x) => x.date === "2026-11-17" || x.date === "2026-11-18").reduce((t, x) => t.plus(x.billed_cost), new Big(0));
    expect(r.actual).toBe(actual.toFixed(2));
    expect(r.rootCauses[0]).toMatchObject({ dimension: "region", value: "US" });
  });

  it("keeps only runs in the recent days", () => {
    const series = usageSeries(ledger({ "2026-11-01": 900 }));
    expect(findAnomalyRuns(series, opts)).toEqual([]);
    expect(findAnomalyRuns(series, { ...opts, recentDays: 30 }).map((r) => r.start)).toEqual(["2026-11-01"]);
  });

  it("keeps a run that reaches into the recent days from its first day, so its start (its id) does not slide", () => {
    const series = usageSeries(ledger({ "2026-11-15": 700, "2026-11-16": 700, "2026-11-17": 700, "2026-11-18": 700 }));
    const runs = findAnomalyRuns(series, { ...opts, recentDays: 2 });
    expect(runs.map((r) => [r.start, r.end])).toEqual([["2026-11-15", "2026-11-18"]]);
  });

  it("does not flag a drop on a provisional day, but does flag an increase there", () => {
    const drop = usageSeries(ledger({ "2026-11-18": -190, "2026-11-19": -190 }));
    expect(findAnomalyRuns(drop, opts).map((r) => [r.direction, r.start])).toEqual([["decrease", "2026-11-18"]]);
    expect(findAnomalyRuns(drop, { ...opts, provisionalFrom: "2026-11-17" })).toEqual([]);
    // A drop that began on a settled day keeps its settled days.
    const longer = usageSeries(ledger({ "2026-11-16": -190, "2026-11-17": -190, "2026-11-18": -190, "2026-11-19": -190 }));
    expect(findAnomalyRuns(longer, { ...opts, provisionalFrom: "2026-11-18" }).map((r) => [r.start, r.end])).toEqual([["2026-11-16", "2026-11-17"]]);
    const spike = usageSeries(ledger({ "2026-11-19": 900 }));
    expect(findAnomalyRuns(spike, { ...opts, provisionalFrom: "2026-11-17" }).map((r) => r.direction)).toEqual(["increase"]);
  });
});
