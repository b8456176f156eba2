import { viewForTagKeys } from "../billing/ledger-view.js";
import Big from "big.js";
import { z } from "zod";
import { daysBetween, IsoDate, isCalendarDay } from "#kernel/days.js";
import { addDecimals, compareDecimals } from "../billing/money.js";
import type { CostWarehouse } from "../billing/ports.js";
import { MAX_RANGE_DAYS } from "./cost-summary.js";

/** Tag keys as providers write them (GCP labels, AWS cost allocation tags, Azure tags). */
export const TagKey = z.string().regex(/^[\w.:/-]{1,128}$/, "a tag key is 1-128 letters, digits and _ . : / -");

const span = (a: string, b: string): number => (isCalendarDay(a) && isCalendarDay(b) ? daysBetween(a, b) : 0);
const window = {
  start: IsoDate,
  end: IsoDate,
};
const windowChecks = <T extends { start: string; end: string }>(s: z.ZodType<T>) =>
  s
    .refine((q) => q.start <= q.end, { message: "start must not be after end", path: ["start"] })
    .refine((q) => span(q.start, q.end) < MAX_RANGE_DAYS, { message: `the range may span at most ${MAX_RANGE_DAYS} days`, path: ["end"] });

export const TagValuesInput = windowChecks(z.strictObject({ ...window, tagKey: TagKey }));
export const AllocationCoverageInput = windowChecks(z.strictObject({ ...window, tagKeys: z.array(TagKey).min(1).max(10) }));

/** One value of a tag key and the net cost carrying it, within one currency; `value` null is untagged spend. */
export interface TagValueCost {
  value: string | null;
  currency: string;
  effectiveCost: string;
  billedCost: string;
}

/**
 * The values a tag key takes over a window, with the net and gross cost of each (per billing
 * currency), largest first; spend without the key is one row with value null.
 *
 * @example
 *   await listTagValues(warehouse, "acme", { start: "2026-03-01", end: "2026-03-31", tagKey: "team" });
 *   // [{ value: "data", currency: "USD", effectiveCost: "120.5", billedCost: "130" }, { value: null, ... }]
 */
export async function listTagValues(warehouse: CostWarehouse, tenantId: string, q: z.output<typeof TagValuesInput>): Promise<TagValueCost[]> {
  const rows = await warehouse.queryDaily(tenantId, { window: { start: q.start, end: q.end }, groupBy: ["billing_currency"], groupByTags: [q.tagKey], view: viewForTagKeys([q.tagKey]) });
  const acc = new Map<string, { value: string | null; currency: string; net: string[]; gross: string[] }>();
  for (const r of rows) {
    const value = r.tags?.[q.tagKey] ?? null;
    const currency = r.dims.billing_currency ?? "";
    const key = JSON.stringify([value, currency]);
    const a = acc.get(key) ?? { value, currency, net: [], gross: [] };
    a.net.push(r.effective_cost);
    a.gross.push(r.billed_cost);
    acc.set(key, a);
  }
  return [...acc.values()]
    .map((a) => ({ value: a.value, currency: a.currency, effectiveCost: addDecimals(a.net), billedCost: addDecimals(a.gross) }))
    .sort((a, b) => compareDecimals(b.effectiveCost, a.effectiveCost) || a.currency.localeCompare(b.currency) || String(a.value).localeCompare(String(b.value)));
}

export interface TagCoverage {
  tagKey: string;
  currency: string;
  totalCost: string;
  taggedCost: string;
  untaggedCost: string;
  /** Share of net cost carrying the key, in percent to one decimal; null when the total is zero. */
  coveragePct: string | null;
}

/**
 * How much of the net cost each tag key allocates (FinOps allocation coverage), per currency.
 *
 * @example
 *   await allocationCoverage(warehouse, "acme", { start: "2026-03-01", end: "2026-03-31", tagKeys: ["team"] });
 *   // [{ tagKey: "team", currency: "USD", totalCost: "200", taggedCost: "150", untaggedCost: "50", coveragePct: "75.0" }]
 */
export async function allocationCoverage(warehouse: CostWarehouse, tenantId: string, q: z.output<typeof AllocationCoverageInput>): Promise<TagCoverage[]> {
  const out: TagCoverage[] = [];
  for (const tagKey of q.tagKeys) {
    const values = await listTagValues(warehouse, tenantId, { start: q.start, end: q.end, tagKey });
    const currencies = [...new Set(values.map((v) => v.currency))].sort();
    for (const currency of currencies) {
      const inCurrency = values.filter((v) => v.currency === currency);
      const total = addDecimals(inCurrency.map((v) => v.effectiveCost));
      const untagged = addDecimals(inCurrency.filter((v) => v.value === null).map((v) => v.effectiveCost));
      const tagged = addDecimals(inCurrency.filter((v) => v.value !== null).map((v) => v.effectiveCost));
      const pct = new Big(total).eq(0) ? null : new Big(tagged).times(100).div(total).round(1, Big.roundHalfEven).toFixed(1);
      out.push({ tagKey, currency, totalCost: total, taggedCost: tagged, untaggedCost: untagged, coveragePct: pct });
    }
  }
  return out;
}
