import type { LedgerRow } from "../ledger-row.js";
import { type DailySeries, seriesBy, toDailySeries } from "../daily-series.js";
import type { ChildSeries } from "./root-cause.js";
import { seriesKeyOf } from "./series-key.js";

/** One (provider, account, service) usage series with its per-region breakdown. */
export interface UsageSeries {
  seriesKey: string;
  series: DailySeries;
  /** The child series root cause attribution splits a deviation over, in first-seen order. */
  regions: ChildSeries[];
}

/**
 * The series anomaly detection runs on, from ledger rows grouped at least by provider,
 * sub_account_id, service_name, region_id and charge_category: usage only (credits and taxes
 * stay out of the models), one series per provider, account and service, in the order their
 * first row appears.
 */
export function usageSeries(rows: readonly LedgerRow[]): UsageSeries[] {
  const bySeries = new Map<string, LedgerRow[]>();
  for (const r of rows) {
    if (r.dims.charge_category !== "Usage") continue;
    const key = seriesKeyOf({ provider: r.dims.provider ?? "", accountId: r.dims.sub_account_id ?? "", service: r.dims.service_name ?? "" });
    const list = bySeries.get(key);
    if (list) list.push(r);
    else bySeries.set(key, [r]);
  }
  return [...bySeries].map(([seriesKey, seriesRows]) => ({
    seriesKey,
    series: toDailySeries(seriesRows),
    regions: [...seriesBy(seriesRows, (r) => r.dims.region_id ?? "")].map(([region, s]) => ({
      dimension: "region",
      value: region || "(none)",
      points: s.points,
    })),
  }));
}
