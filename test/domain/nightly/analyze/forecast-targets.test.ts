import { describe, expect, it } from "vitest";
import { forecastTargets } from "#domain/nightly/analyze/forecast-targets.js";

const row = (date: string, sub_account_id: string, service_name: string, billed_cost: string) => ({
  date,
  dims: { provider: "gcp", sub_account_id, service_name, region_id: "r", charge_category: "Usage" },
  billed_cost,
  effective_cost: billed_cost,
});

describe("forecastTargets", () => {
  // October history; in November "zeta" has cost from the 1st, "Alpha" and "alpha" from the 2nd.
  const history = [
    row("2026-10-20", "old", "Retired", "9"),
    row("2026-10-20", "zeta", "S3", "1"),
    row("2026-11-01", "zeta", "S3", "2"),
    row("2026-11-02", "alpha", "EC2", "3"),
    row("2026-11-02", "Alpha", "Lambda", "4"),
    row("2026-11-02", "zeta", "S3", "0.5"),
  ];
  const month = history.filter((r) => r.date >= "2026-11-01");

  it("lists the total, then accounts and services with cost this month, by first day then code point", () => {
    const targets = forecastTargets(history, month);
    expect(targets.map((t) => [t.key, t.withDaily])).toEqual([
      ["total", true],
      ["account:zeta", false],
      ["account:Alpha", false],
      ["account:alpha", false],
      ["service:S3", false],
      ["service:EC2", false],
      ["service:Lambda", false],
    ]);
  });

  it("sums each target over the whole history, all of it for the total", () => {
    const byKey = Object.fromEntries(forecastTargets(history, month).map((t) => [t.key, [...t.series.exact]]));
    expect(byKey.total).toEqual([
      ["2026-10-20", "10"],
      ["2026-11-01", "2"],
      ["2026-11-02", "7.5"],
    ]);
    expect(byKey["account:zeta"]).toEqual([
      ["2026-10-20", "1"],
      ["2026-11-01", "2"],
      ["2026-11-02", "0.5"],
    ]);
  });
});
