import { nextUtcDay } from "#kernel/days.js";
import { add, toDecimal } from "../../money.js";
import type { DrillDownRequest, DrillDownSeries } from "../../ports.js";
import type { GetCostAndUsageRequest } from "./cost-explorer-types.js";
import { type CostExplorerApi, fetchAllPages } from "./query.js";

/** The drill-downs Cost Anomaly Detection reports beside service and account, with our dimension names. */
const DRILL_DIMENSIONS = [
  ["REGION", "region"],
  ["USAGE_TYPE", "usage_type"],
] as const;

/**
 * GetCostAndUsage for one flagged service in one linked account: DAILY UnblendedCost (the billed
 * cost the anomaly series sums), usage only, grouped by SERVICE and `dimension` (two groupings,
 * the API's limit).
 */
export function buildDrillDownRequest(req: Pick<DrillDownRequest, "window" | "subAccountId" | "service">, dimension: "REGION" | "USAGE_TYPE"): GetCostAndUsageRequest {
  return {
    TimePeriod: { Start: req.window.start, End: nextUtcDay(req.window.end) },
    Granularity: "DAILY",
    Metrics: ["UnblendedCost"],
    GroupBy: [
      { Type: "DIMENSION", Key: "SERVICE" },
      { Type: "DIMENSION", Key: dimension },
    ],
    Filter: {
      And: [
        { Not: { Dimensions: { Key: "RECORD_TYPE", Values: ["Credit", "Refund"] } } },
        { Dimensions: { Key: "LINKED_ACCOUNT", Values: [req.subAccountId] } },
        { Dimensions: { Key: "SERVICE", Values: [req.service] } },
      ],
    },
  };
}

/**
 * SERVICE × REGION and SERVICE × USAGE_TYPE for one flagged anomaly: one child series per region
 * and per usage type, each point the exact sum of that day's groups. `NoRegion` reads as the
 * empty region, as in the collected rows.
 */
export async function drillDownAws(api: CostExplorerApi, req: DrillDownRequest): Promise<{ series: DrillDownSeries[]; calls: number }> {
  const series: DrillDownSeries[] = [];
  let calls = 0;
  for (const [key, dimension] of DRILL_DIMENSIONS) {
    const { pages, attempts } = await fetchAllPages(api, buildDrillDownRequest(req, key));
    calls += attempts;
    const byValue = new Map<string, { currency: string; days: Map<string, string> }>();
    for (const page of pages) {
      for (const r of page.ResultsByTime) {
        for (const g of r.Groups ?? []) {
          const raw = g.Keys?.[1] ?? "";
          const value = key === "REGION" && raw === "NoRegion" ? "" : raw;
          const m = g.Metrics?.UnblendedCost;
          if (!m?.Amount) continue;
          const entry = byValue.get(value) ?? { currency: m.Unit ?? "USD", days: new Map<string, string>() };
          entry.days.set(r.TimePeriod.Start, add(entry.days.get(r.TimePeriod.Start) ?? "0", toDecimal(m.Amount)));
          byValue.set(value, entry);
        }
      }
    }
    for (const [value, { currency, days }] of byValue) {
      series.push({ dimension, value, currency, points: [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, cost]) => ({ date, cost })) });
    }
  }
  return { series, calls };
}
