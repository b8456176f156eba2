import { addDecimals, toNumber } from "../../billing/money.js";
import type { CostQuery, CostRow, CostWarehouse } from "../../billing/ports.js";
import type { DailyPoint } from "../forecast/index.js";
import { addDays } from "#kernel/days.js";

/** Days of history the analysis reads: 13 months plus room for a year-over-year week. */
export const HISTORY_DAYS = 400;

export interface DailySeries {
  /** Exact daily sums (decimal strings), by date. */
  exact: Map<string, string>;
  /** Model-space view, dense from first to last day (missing days are 0). */
  points: DailyPoint[];
}

/** Sums warehouse rows by date exactly and returns both the exact and the model view. */
export function toDailySeries(rows: CostRow[], field: "billed_cost" | "effective_cost" = "billed_cost"): DailySeries {
  const byDate = new Map<string, string[]>();
  for (const r of rows) {
    const list = byDate.get(r.date) ?? [];
    list.push(r[field]);
    byDate.set(r.date, list);
  }
  const exact = new Map([...byDate].map(([d, vs]) => [d, addDecimals(vs)] as const));
  const dates = [...exact.keys()].sort();
  const points: DailyPoint[] = [];
  if (dates.length > 0) {
    for (let d = dates[0]!; d <= dates[dates.length - 1]!; d = addDays(d, 1)) {
      points.push({ date: d, cost: toNumber(exact.get(d) ?? "0") });
    }
  }
  return { exact, points };
}

export async function readDaily(
  warehouse: CostWarehouse,
  tenantId: string,
  asOf: string,
  filter: CostQuery["filter"] = {},
  tags?: Record<string, string>,
): Promise<DailySeries> {
  const rows = await warehouse.queryDaily(tenantId, {
    window: { start: addDays(asOf, -HISTORY_DAYS + 1), end: asOf },
    groupBy: [],
    filter,
    ...(tags ? { tags } : {}),
  });
  return toDailySeries(rows);
}

/** Exact sum over [start, end] of a daily series. */
export function sumBetween(series: DailySeries, start: string, end: string): string {
  return addDecimals([...series.exact].filter(([d]) => d >= start && d <= end).map(([, v]) => v));
}
