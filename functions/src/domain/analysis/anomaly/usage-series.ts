import type { LedgerRow } from "../ledger-row.js";
import { type DailySeries, seriesBy, toDailySeries } from "../daily-series.js";
import type { ChildSeries } from "./root-cause.js";
import { parseSeriesKey, seriesKeyOf } from "./series-key.js";

/** One (provider, account, service, currency) usage series with its per-region breakdown. */
export interface UsageSeries {
  seriesKey: string;
  /** The billing currency of every amount in the series. */
  currency: string;
  series: DailySeries;
  /** The child series root cause attribution splits a deviation over, in first-seen order. */
  regions: ChildSeries[];
}

/**
 * The series anomaly detection runs on, from ledger rows grouped at least by provider,
 * sub_account_id, service_name, region_id and charge_category: usage only (credits and taxes
 * stay out of the models), one series per provider, account, service and billing currency, in the
 * order their first row appears. Rows without a currency (a grouping without billing_currency)
 * count as `defaultCurrency`.
 */
export function usageSeries(rows: readonly LedgerRow[], defaultCurrency = "USD"): UsageSeries[] {
  const bySeries = new Map<string, { key: string; currency: string; rows: LedgerRow[] }>();
  const currenciesOf = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.dims.charge_category !== "Usage") continue;
    const key = seriesKeyOf({ provider: r.dims.provider ?? "", accountId: r.dims.sub_account_id ?? "", service: r.dims.service_name ?? "" });
    const currency = r.dims.billing_currency || defaultCurrency;
    const id = `${key}\u0000${currency}`;
    const entry = bySeries.get(id);
    if (entry) entry.rows.push(r);
    else bySeries.set(id, { key, currency, rows: [r] });
    const seen = currenciesOf.get(key) ?? new Set<string>();
    seen.add(currency);
    currenciesOf.set(key, seen);
  }
  // A series billed in one currency keeps its plain key (and so its anomalies' ids); one billed in
  // several is one series per currency, the code appended to its key.
  return [...bySeries.values()].map(({ key, currency, rows: seriesRows }) => ({
    seriesKey: (currenciesOf.get(key)?.size ?? 1) > 1 ? seriesKeyOf({ ...parseSeriesKey(key), currency }) : key,
    currency,
    series: toDailySeries(seriesRows),
    regions: [...seriesBy(seriesRows, (r) => r.dims.region_id ?? "")].map(([region, s]) => ({
      dimension: "region",
      value: region || "(none)",
      points: s.points,
    })),
  }));
}
