import { z } from "zod";
import { addDecimals } from "../billing/money.js";
import type { CostDimension } from "../billing/cost-record.js";
import type { CostRow, CostWarehouse } from "../billing/ports.js";
import { viewForTagKeys } from "../billing/ledger-view.js";
import { IsoDate } from "#kernel/days.js";

/** API names of the dimensions → ledger columns (DESIGN.md §4). */
const DIMENSIONS = { provider: "provider", account: "sub_account_id", service: "service_name", region: "region_id" } as const satisfies Record<string, CostDimension>;
export type ApiDimension = keyof typeof DIMENSIONS | "tag";

export const MAX_RANGE_DAYS = 400;

export const CostSummaryInput = z
  .strictObject({
    start: IsoDate,
    end: IsoDate,
    groupBy: z.array(z.enum(["provider", "account", "service", "region", "tag"])).max(4).default([]),
    /** Tag key to group by when groupBy has "tag". */
    tagKey: z.string().regex(/^[\w.:/-]{1,128}$/).optional(),
    granularity: z.enum(["daily", "monthly"]).default("daily"),
    filter: z
      .strictObject({
        provider: z.array(z.string().min(1).max(64)).min(1).max(20).optional(),
        account: z.array(z.string().min(1).max(128)).min(1).max(100).optional(),
        service: z.array(z.string().min(1).max(256)).min(1).max(100).optional(),
        region: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
      })
      .optional(),
  })
  .refine((q) => q.start <= q.end, { message: "start must not be after end", path: ["start"] })
  .refine((q) => (Date.parse(q.end) - Date.parse(q.start)) / 86_400_000 < MAX_RANGE_DAYS, {
    message: `the range may span at most ${MAX_RANGE_DAYS} days`,
    path: ["end"],
  })
  .refine((q) => q.groupBy.includes("tag") === (q.tagKey !== undefined), {
    message: 'tagKey is required with groupBy "tag", and only then',
    path: ["tagKey"],
  })
  .refine((q) => new Set(q.groupBy).size === q.groupBy.length, { message: "groupBy repeats a dimension", path: ["groupBy"] });
export type CostSummaryQuery = z.output<typeof CostSummaryInput>;

export interface CostSummaryRow {
  period: string;
  dims: Partial<Record<ApiDimension, string>>;
  /** ISO 4217 code of the row's amounts: a group billed in two currencies is two rows. */
  currency: string;
  billedCost: string;
  effectiveCost: string;
}

/** One currency's totals: amounts are never added across currencies. */
export interface CurrencyTotal {
  currency: string;
  billedCost: string;
  effectiveCost: string;
}

export interface CostSummary {
  granularity: "daily" | "monthly";
  groupBy: ApiDimension[];
  rows: CostSummaryRow[];
  /** One entry per currency, in code order. */
  totals: CurrencyTotal[];
}

/**
 * Daily or monthly cost totals over a date range, grouped by provider, account, service, region or
 * one tag key, always scoped to one tenant by the warehouse port. Monthly sums are exact (decimal
 * strings). Grouped by tag, a row without the tag has `dims.tag` "" (untagged); a `k8s:` key reads
 * the Kubernetes allocation view, any other key the bill, so nothing is counted twice.
 *
 * @example
 *   await getCostSummary(warehouse, "acme", CostSummaryInput.parse({ start: "2026-11-01", end: "2026-11-30", groupBy: ["tag"], tagKey: "team", granularity: "monthly" }));
 */
export async function getCostSummary(warehouse: CostWarehouse, tenantId: string, q: CostSummaryQuery): Promise<CostSummary> {
  const dims = q.groupBy.filter((d): d is keyof typeof DIMENSIONS => d !== "tag");
  const tagKey = q.groupBy.includes("tag") ? q.tagKey : undefined;
  const filter: Partial<Record<CostDimension, string[]>> = {};
  for (const [k, values] of Object.entries(q.filter ?? {})) {
    if (values) filter[DIMENSIONS[k as keyof typeof DIMENSIONS]] = values;
  }
  const rows = await warehouse.queryDaily(tenantId, {
    window: { start: q.start, end: q.end },
    groupBy: [...dims.map((d) => DIMENSIONS[d]), "billing_currency"],
    ...(Object.keys(filter).length ? { filter } : {}),
    ...(tagKey !== undefined ? { groupByTags: [tagKey], view: viewForTagKeys([tagKey]) } : {}),
  });
  const buckets = new Map<string, { period: string; dims: CostSummaryRow["dims"]; currency: string; billed: string[]; effective: string[] }>();
  for (const r of rows) {
    const period = q.granularity === "monthly" ? r.date.slice(0, 7) : r.date;
    const apiDims = toApiDims(r, dims, tagKey);
    const currency = r.dims.billing_currency ?? "";
    const key = JSON.stringify([period, apiDims, currency]);
    const b = buckets.get(key) ?? { period, dims: apiDims, currency, billed: [], effective: [] };
    b.billed.push(r.billed_cost);
    b.effective.push(r.effective_cost);
    buckets.set(key, b);
  }
  const out = [...buckets.values()]
    .map((b) => ({ period: b.period, dims: b.dims, currency: b.currency, billedCost: addDecimals(b.billed), effectiveCost: addDecimals(b.effective) }))
    .sort(
      (a, b) =>
        a.period.localeCompare(b.period) || JSON.stringify(a.dims).localeCompare(JSON.stringify(b.dims)) || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0),
    );
  return { granularity: q.granularity, groupBy: q.groupBy, rows: out, totals: totalsByCurrency(out) };
}

/**
 * Billed and effective totals per currency, in code order: amounts in two currencies are never
 * added together.
 *
 * @example
 * totalsByCurrency([{ currency: "EUR", billedCost: "1", effectiveCost: "1" }, ...]); // [{ currency: "EUR", ... }, { currency: "USD", ... }]
 */
export function totalsByCurrency(rows: readonly Pick<CostSummaryRow, "currency" | "billedCost" | "effectiveCost">[]): CurrencyTotal[] {
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  return currencies.map((currency) => {
    const mine = rows.filter((r) => r.currency === currency);
    return { currency, billedCost: addDecimals(mine.map((r) => r.billedCost)), effectiveCost: addDecimals(mine.map((r) => r.effectiveCost)) };
  });
}

function toApiDims(r: CostRow, dims: (keyof typeof DIMENSIONS)[], tagKey: string | undefined): CostSummaryRow["dims"] {
  const out: CostSummaryRow["dims"] = {};
  for (const d of dims) out[d] = r.dims[DIMENSIONS[d]] ?? "";
  if (tagKey !== undefined) out.tag = r.tags?.[tagKey] ?? "";
  return out;
}
