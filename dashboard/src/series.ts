import Big from "big.js";
import type { CostSummary } from "./types.js";

/**
 * Cost summary rows as chart series: one per group, one value per period. Sums are exact (big.js
 * on the decimal strings); the chart gets numbers only to place its bars.
 */
export interface GroupedSeries {
  periods: string[];
  /** Each group's amounts are in its `currency`. */
  groups: { name: string; currency: string; values: string[]; total: string }[];
}

export function groupLabel(dims: Record<string, string>, keys: readonly string[]): string {
  return keys.map((k) => dims[k] || "(none)").join(" · ") || "all costs";
}

export function toSeries(summary: CostSummary, keys: readonly string[], periods?: readonly string[]): GroupedSeries {
  const allPeriods = periods ? [...periods] : [...new Set(summary.rows.map((r) => r.period))].sort();
  const index = new Map(allPeriods.map((p, i) => [p, i]));
  const groups = new Map<string, Big[]>();
  const currencyOf = new Map<string, string>();
  // Several currencies: each group is split per currency and named so, never added together.
  const several = new Set(summary.rows.map((r) => r.currency)).size > 1;
  for (const r of summary.rows) {
    const i = index.get(r.period);
    if (i === undefined) continue;
    const name = several ? `${groupLabel(r.dims, keys)} (${r.currency})` : groupLabel(r.dims, keys);
    const values = groups.get(name) ?? allPeriods.map(() => new Big(0));
    values[i] = (values[i] ?? new Big(0)).plus(r.billedCost);
    groups.set(name, values);
    currencyOf.set(name, r.currency);
  }
  return {
    periods: allPeriods,
    groups: [...groups]
      .map(([name, values]) => ({ name, currency: currencyOf.get(name) ?? "USD", values: values.map((v) => v.toFixed()), total: values.reduce((a, b) => a.plus(b), new Big(0)).toFixed() }))
      .sort((a, b) => new Big(b.total).cmp(a.total)),
  };
}

export function dayRange(start: string, end: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
