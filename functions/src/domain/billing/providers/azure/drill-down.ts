import type { DayWindow } from "#kernel/days.js";
import { add, toDecimal } from "../../money.js";
import type { DrillDownRequest, DrillDownSeries } from "../../ports.js";
import type { QueryDefinition } from "./query-definition.js";
import { type CostManagementQueryApi, fetchAllPages } from "./query.js";

/** The Cost Management dimensions a root cause is split by, with our dimension names. */
const DRILL_DIMENSIONS = [
  ["ResourceGroupName", "resource_group"],
  ["MeterCategory", "meter_category"],
] as const;

/**
 * Query_Usage for one flagged service in one subscription: ActualCost (the billed cost the
 * anomaly series sums), Daily, grouped by one dimension, filtered on the subscription and the
 * service name.
 */
export function buildDrillDownDefinition(window: DayWindow, subscriptionId: string, service: string, dimension: string): QueryDefinition {
  return {
    type: "ActualCost",
    timeframe: "Custom",
    timePeriod: { from: `${window.start}T00:00:00.000Z`, to: `${window.end}T23:59:59.000Z` },
    dataset: {
      granularity: "Daily",
      aggregation: { totalCost: { name: "Cost", function: "Sum" } },
      grouping: [{ type: "Dimension", name: dimension }],
      filter: {
        and: [
          { dimensions: { name: "SubscriptionId", operator: "In", values: [subscriptionId] } },
          { dimensions: { name: "ServiceName", operator: "In", values: [service] } },
        ],
      },
    },
  };
}

function usageDay(value: unknown): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(String(value ?? ""));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/**
 * ResourceGroupName and MeterCategory for one flagged anomaly: one child series per resource
 * group and per meter category, each point the exact sum of that day's rows (money as the
 * shortest round-trip text of the JSON number, as the collector's mapper reads it).
 */
export async function drillDownAzure(
  api: CostManagementQueryApi,
  scope: string,
  req: DrillDownRequest,
): Promise<{ series: DrillDownSeries[]; requests: number }> {
  const series: DrillDownSeries[] = [];
  let requests = 0;
  for (const [name, dimension] of DRILL_DIMENSIONS) {
    const { pages, requests: n } = await fetchAllPages(api, scope, buildDrillDownDefinition(req.window, req.subAccountId, req.service, name));
    requests += n;
    const byValue = new Map<string, { currency: string; days: Map<string, string> }>();
    for (const page of pages) {
      const cols = page.columns.map((c) => c.name.toLowerCase());
      const costIdx = cols.indexOf("cost");
      const dateIdx = cols.indexOf("usagedate");
      const valueIdx = cols.indexOf(name.toLowerCase());
      const currencyIdx = cols.indexOf("currency");
      if (costIdx < 0 || dateIdx < 0 || valueIdx < 0) throw new RangeError(`drill-down by ${name} lacks Cost, UsageDate or ${name}`);
      for (const row of page.rows) {
        const day = usageDay(row[dateIdx]);
        const cost = row[costIdx];
        if (day === null || (typeof cost !== "number" && typeof cost !== "string")) throw new RangeError(`drill-down by ${name}: unreadable row`);
        const value = String(row[valueIdx] ?? "");
        const entry = byValue.get(value) ?? { currency: currencyIdx < 0 ? "USD" : String(row[currencyIdx] ?? "USD"), days: new Map<string, string>() };
        entry.days.set(day, add(entry.days.get(day) ?? "0", toDecimal(String(cost))));
        byValue.set(value, entry);
      }
    }
    for (const [value, { currency, days }] of byValue) {
      series.push({ dimension, value, currency, points: [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, cost]) => ({ date, cost })) });
    }
  }
  return { series, requests };
}
