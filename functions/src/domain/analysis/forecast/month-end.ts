import { add, fromNumber } from "../../billing/money.js";
import { type DailySeries, sumBetween } from "../daily-series.js";
import { forecastSeries } from "./forecast-series.js";
import { projectPeriod } from "./period-projection.js";

/** A series' month-end projection: exact actual to date plus the forecast remainder, with bands. */
export interface MonthEndProjection {
  seriesKey: string;
  actualToDate: string;
  projected: string;
  lower80: string;
  upper80: string;
  lower95: string;
  upper95: string;
}

/** One forecast day in USD strings (cents), as dashboards read it. */
export interface ForecastDay {
  date: string;
  mean: string;
  lower80: string;
  upper80: string;
  lower95: string;
  upper95: string;
}

/** Cents, never negative: a cost forecast below zero means zero. */
const money = (n: number) => fromNumber(Math.max(0, n), 2);

/**
 * Projects the total of [month.start, month.end] from the series up to asOf. The actual part
 * stays exact (decimal sum of the ledger); only the remainder and the bands come from the model.
 */
export function projectMonthEnd(seriesKey: string, series: DailySeries, month: { start: string; end: string }, asOf: string): MonthEndProjection {
  const actual = sumBetween(series, month.start, asOf);
  const p = projectPeriod(series.points, { periodStart: month.start, periodEnd: month.end, asOf });
  const withRemainder = (x: number) => add(actual, money(x - p.actualToDate));
  return {
    seriesKey,
    actualToDate: actual,
    projected: withRemainder(p.projected),
    lower80: withRemainder(p.lower80),
    upper80: withRemainder(p.upper80),
    lower95: withRemainder(p.lower95),
    upper95: withRemainder(p.upper95),
  };
}

/** Daily forecast `horizonDays` after the series' last day, with 80% and 95% bands. */
export function forecastDays(series: DailySeries, horizonDays: number): ForecastDay[] {
  return forecastSeries(series.points, horizonDays).map((f) => ({
    date: f.date,
    mean: money(f.mean),
    lower80: money(f.lower80),
    upper80: money(f.upper80),
    lower95: money(f.lower95),
    upper95: money(f.upper95),
  }));
}
