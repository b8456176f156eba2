import { addDays, daysBetween } from "#kernel/days.js";
import { absDecimal, fromNumber, roundDecimal, sub, toNumber } from "../../billing/money.js";
import { type DailySeries, sumBetween } from "../daily-series.js";
import { lastSettledDay, SETTLE_DAYS } from "../day-completeness.js";
import { BACKTEST_MIN_TRAIN, backtestSeries } from "./backtest.js";
import type { DailyPoint } from "./types.js";

/**
 * How far to trust a series' forecast, measured by replaying the forecaster on the series' own
 * past (DESIGN.md §7: "backtested accuracy is recorded per tenant"). Two figures:
 * - `month`: the forecast made on the eve of the last complete month, for that whole month,
 *   against what was billed, beside the seasonal-naive forecast's error;
 * - `rolling`: how often the daily 80% and 95% bands held the actual over the last 84 settled
 *   days, each day forecast 1 to 28 days ahead from three origins four weeks apart.
 *
 * @example
 *   const record = forecastAccuracy(series, "2026-11-19");
 *   record.month?.errorShare;   // 0.06: the October forecast was 6% off the October bill
 *   record.rolling?.coverage80; // 0.81
 */
export interface MonthBacktest {
  month: string; // YYYY-MM
  actual: string; // exact sum of the month's cost
  forecast: string; // the replayed forecast of the month's total, cents
  absError: string; // |actual - forecast|, cents
  errorShare: number; // absError / actual
  naiveAbsError: string; // the same for the seasonal naive (last week repeated), cents
  days: number;
  inside80: number;
  inside95: number;
  /** False while the month's last days are still provisional: the figure may move for a few nights. */
  settled: boolean;
}

export interface RollingCoverage {
  from: string;
  to: string; // the last settled day: provisional days would read as misses
  days: number;
  origins: number;
  horizonDays: number;
  coverage80: number;
  coverage95: number;
  /** Daily weighted absolute percentage error over the same days (sum |actual - mean| / sum actual); null when nothing was billed. */
  dailyWape: number | null;
}

export interface ForecastAccuracy {
  month: MonthBacktest | null;
  rolling: RollingCoverage | null;
}

/** The last month that ended on or before `asOf`. */
export function lastCompleteMonth(asOf: string): { start: string; end: string } {
  const endsMonth = addDays(asOf, 1).slice(0, 7) !== asOf.slice(0, 7);
  const end = endsMonth ? asOf : addDays(`${asOf.slice(0, 7)}-01`, -1);
  return { start: `${end.slice(0, 7)}-01`, end };
}

const ROLLING_HORIZON = 28;
const ROLLING_ORIGINS = [28, 56, 84];

const cents = (n: number) => fromNumber(Math.max(0, n), 2);

/**
 * The dense points through `end`: later days cut off, and days after the series' last cost up to
 * `end` added as zero (a day without a billing row cost nothing).
 */
export function densePointsThrough(points: readonly DailyPoint[], end: string): DailyPoint[] {
  const kept = points.filter((p) => p.date <= end);
  const last = kept[kept.length - 1]?.date;
  if (last === undefined) return kept;
  for (let d = addDays(last, 1); d <= end; d = addDays(d, 1)) kept.push({ date: d, cost: 0 });
  return kept;
}

/**
 * Replays the forecaster with the series cut at the month's first day and scores its forecast of
 * the month. Null when the series has less history before the month than the forecaster's
 * minimum training length (60 days), or no positive cost in the month.
 */
export function backtestLastMonth(series: DailySeries, asOf: string, settleDays: number = SETTLE_DAYS): MonthBacktest | null {
  const month = lastCompleteMonth(asOf);
  const actual = sumBetween(series, month.start, month.end);
  if (toNumber(actual) <= 0) return null;
  const horizon = daysBetween(month.start, month.end) + 1;
  const t = backtestSeries(densePointsThrough(series.points, month.end), { cuts: [horizon], horizon });
  if (t.windows === 0) return null;
  const forecast = cents(t.forecast);
  const absError = roundDecimal(absDecimal(sub(actual, forecast)), 2);
  return {
    month: month.start.slice(0, 7),
    actual,
    forecast,
    absError,
    errorShare: toNumber(absError) / toNumber(actual),
    naiveAbsError: cents(t.absTotalErrorNaive),
    days: t.days,
    inside80: t.inside80,
    inside95: t.inside95,
    settled: month.end <= lastSettledDay(asOf, settleDays),
  };
}

/**
 * Interval coverage over the last 84 settled days: the series is cut 28, 56 and 84 days before
 * the last settled day and forecast 28 days from each cut. Origins with less than 60 days of
 * training are skipped; null when none is left.
 */
export function rollingCoverage(series: DailySeries, asOf: string, settleDays: number = SETTLE_DAYS): RollingCoverage | null {
  const to = lastSettledDay(asOf, settleDays);
  const points = densePointsThrough(series.points, to);
  if (points.length === 0) return null;
  const t = backtestSeries(points, { cuts: ROLLING_ORIGINS, horizon: ROLLING_HORIZON });
  if (t.windows === 0 || t.days === 0) return null;
  const longest = Math.max(...ROLLING_ORIGINS.filter((c) => points.length - c >= BACKTEST_MIN_TRAIN));
  return {
    from: addDays(to, -longest + 1),
    to,
    days: t.days,
    origins: t.windows,
    horizonDays: ROLLING_HORIZON,
    coverage80: t.inside80 / t.days,
    coverage95: t.inside95 / t.days,
    dailyWape: t.actual > 0 ? t.absDailyError / t.actual : null,
  };
}

/** Both records of one series. */
export function forecastAccuracy(series: DailySeries, asOf: string, settleDays: number = SETTLE_DAYS): ForecastAccuracy {
  return { month: backtestLastMonth(series, asOf, settleDays), rolling: rollingCoverage(series, asOf, settleDays) };
}
