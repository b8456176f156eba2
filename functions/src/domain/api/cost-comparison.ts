import { z } from "zod";
import { addDays, daysBetween, IsoDate, isCalendarDay } from "#kernel/days.js";
import { absDecimal, addDecimals, compareDecimals, sub } from "../billing/money.js";
import type { CostDimension } from "../billing/cost-record.js";
import type { CostWarehouse } from "../billing/ports.js";
import { MAX_RANGE_DAYS } from "./cost-summary.js";

const DIMENSIONS = { provider: "provider", account: "sub_account_id", service: "service_name", region: "region_id" } as const satisfies Record<string, CostDimension>;

/** Days from a to b, or 0 when either failed its own check (refinements also run on such input). */
const span = (a: string, b: string): number => (isCalendarDay(a) && isCalendarDay(b) ? daysBetween(a, b) : 0);

/** Period over period: `start..end` against a baseline of the same length just before it, unless one is given. */
export const CompareCostsInput = z
  .strictObject({
    start: IsoDate,
    end: IsoDate,
    baselineStart: IsoDate.optional(),
    baselineEnd: IsoDate.optional(),
    by: z.enum(["provider", "account", "service", "region"]).default("service"),
  })
  .refine((q) => q.start <= q.end, { message: "start must not be after end", path: ["start"] })
  .refine((q) => span(q.start, q.end) < MAX_RANGE_DAYS, { message: `a period may span at most ${MAX_RANGE_DAYS} days`, path: ["end"] })
  .refine((q) => (q.baselineStart === undefined) === (q.baselineEnd === undefined), { message: "give both baselineStart and baselineEnd, or neither", path: ["baselineStart"] })
  .refine((q) => q.baselineStart === undefined || q.baselineEnd === undefined || (q.baselineStart <= q.baselineEnd && span(q.baselineStart, q.baselineEnd) < MAX_RANGE_DAYS), {
    message: `baselineStart must not be after baselineEnd, and the baseline may span at most ${MAX_RANGE_DAYS} days`,
    path: ["baselineStart"],
  });
export type CompareCostsQuery = z.output<typeof CompareCostsInput>;

/** One group's net (effective) cost in both periods, within one currency. */
export interface CostDriver {
  currency: string;
  value: string;
  current: string;
  baseline: string;
  change: string;
}

export interface CostComparison {
  period: { start: string; end: string };
  baseline: { start: string; end: string };
  by: CompareCostsQuery["by"];
  /** Net totals per billing currency: sums never cross currencies. */
  totals: { currency: string; current: string; baseline: string; change: string; billedCurrent: string; billedBaseline: string }[];
  /** Every group whose cost changed, largest absolute change first: why the total moved. */
  drivers: CostDriver[];
}

/** The baseline: the one given, or as many days as the period, ending the day before it starts. */
export function baselineOf(q: CompareCostsQuery): { start: string; end: string } {
  if (q.baselineStart && q.baselineEnd) return { start: q.baselineStart, end: q.baselineEnd };
  const days = daysBetween(q.start, q.end);
  const end = addDays(q.start, -1);
  return { start: addDays(end, -days), end };
}

/**
 * Net cost of two periods per currency, and the groups (services, accounts...) that moved it,
 * read from the stored ledger. Exact decimal strings throughout.
 *
 * @example
 *   const c = await compareCosts(warehouse, "acme", { start: "2026-03-01", end: "2026-03-31", by: "service" });
 *   c.drivers[0]; // { currency: "USD", value: "BigQuery", current: "120", baseline: "80", change: "40" }
 */
export async function compareCosts(warehouse: CostWarehouse, tenantId: string, q: CompareCostsQuery): Promise<CostComparison> {
  const baseline = baselineOf(q);
  const column = DIMENSIONS[q.by];
  const read = (window: { start: string; end: string }) => warehouse.queryDaily(tenantId, { window, groupBy: ["billing_currency", column] });
  const [cur, base] = await Promise.all([read({ start: q.start, end: q.end }), read(baseline)]);
  type Acc = { current: string[]; baseline: string[]; billedCurrent: string[]; billedBaseline: string[] };
  const groups = new Map<string, Acc & { currency: string; value: string }>();
  const totals = new Map<string, Acc>();
  const empty = (): Acc => ({ current: [], baseline: [], billedCurrent: [], billedBaseline: [] });
  for (const [rows, side] of [[cur, "current"], [base, "baseline"]] as const) {
    for (const r of rows) {
      const currency = r.dims.billing_currency ?? "";
      const value = r.dims[column] ?? "";
      const key = JSON.stringify([currency, value]);
      const g = groups.get(key) ?? { ...empty(), currency, value };
      g[side].push(r.effective_cost);
      groups.set(key, g);
      const t = totals.get(currency) ?? empty();
      t[side].push(r.effective_cost);
      t[side === "current" ? "billedCurrent" : "billedBaseline"].push(r.billed_cost);
      totals.set(currency, t);
    }
  }
  const drivers = [...groups.values()]
    .map((g) => {
      const current = addDecimals(g.current);
      const was = addDecimals(g.baseline);
      return { currency: g.currency, value: g.value, current, baseline: was, change: sub(current, was) };
    })
    .filter((d) => compareDecimals(d.change, "0") !== 0)
    .sort((a, b) => compareDecimals(absDecimal(b.change), absDecimal(a.change)) || a.currency.localeCompare(b.currency) || a.value.localeCompare(b.value));
  return {
    period: { start: q.start, end: q.end },
    baseline,
    by: q.by,
    totals: [...totals.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, t]) => {
        const current = addDecimals(t.current);
        const was = addDecimals(t.baseline);
        return { currency, current, baseline: was, change: sub(current, was), billedCurrent: addDecimals(t.billedCurrent), billedBaseline: addDecimals(t.billedBaseline) };
      }),
    drivers,
  };
}
