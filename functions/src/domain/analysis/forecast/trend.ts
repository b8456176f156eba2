import { addDays } from "#kernel/days.js";
import { fromNumber, toNumber } from "../../billing/money.js";
import { type DailySeries, sumBetween } from "../daily-series.js";
import { lastSettledDay, SETTLE_DAYS } from "../day-completeness.js";
import { densePointsThrough } from "./accuracy-record.js";
import { BACKTEST_MIN_TRAIN } from "./backtest.js";
import { projectPeriod } from "./period-projection.js";
import { robustSigma } from "./robust-stats.js";

/**
 * How fast a series' cost is changing, on settled days only (provisional days read low and
 * would fake a decline):
 * - `weekOverWeek`: the last 7 days against the 7 before;
 * - `growth28d`: the last 28 days against the 28 before;
 * - `versusForecast` and `growingFasterThanForecast`: the last 28 days against the forecast made
 *   28 days ago for them, with its 80% and 95% bands; "growing faster than forecast" when the
 *   actual is above the 95% band (an 80% band is exceeded upward one period in ten by chance).
 *
 * Rates are fractions (0.12 is +12%). Their 80% interval comes from the week-to-week noise of the
 * series itself: the robust spread (1.4826 × MAD) of the log changes between consecutive weekly
 * sums over up to 26 weeks before, so a rate inside the band is within the series' usual wobble.
 * Treating weekly log noise as independent, a 7-day log ratio has that spread and a 28-day one
 * half of it (each 28-day sum averages four weeks: sd(w)/√4 per sum, √2 for the difference).
 *
 * @example
 *   const t = seriesTrend(series, "2026-11-19");
 *   t.weekOverWeek;              // { rate: 0.08, lower80: 0.01, upper80: 0.15, ... }
 *   t.growingFasterThanForecast; // true: the last 28 days beat the forecast's upper 95% bound
 */
export interface GrowthRate {
  rate: number;
  /** Null when there are too few positive weeks (fewer than 6 weekly changes) to measure the noise. */
  lower80: number | null;
  upper80: number | null;
  /** Exact cost of the recent window and of the window before it. */
  current: string;
  previous: string;
}

export interface VersusForecast {
  /** The forecast's last day of data. */
  madeOn: string;
  from: string;
  to: string;
  actual: string;
  forecast: string;
  lower80: string;
  upper80: string;
  lower95: string;
  upper95: string;
}

export interface SeriesTrend {
  /** The last settled day: every window ends on it. */
  through: string;
  weekOverWeek: GrowthRate | null;
  growth28d: GrowthRate | null;
  versusForecast: VersusForecast | null;
  growingFasterThanForecast: boolean | null;
}

const Z80 = 1.2815515655446004; // standard normal 90th percentile: a two-sided 80% interval
const NOISE_WEEKS = 26;
const MIN_CHANGES = 6;

const cents = (n: number) => fromNumber(Math.max(0, n), 2);

/** Sum of the `days` days ending on `end`, in model space. */
function windowSum(values: ReadonlyMap<string, number>, end: string, days: number): number {
  let s = 0;
  for (let i = 0; i < days; i++) s += values.get(addDays(end, -i)) ?? 0;
  return s;
}

/** Robust sd of the log change between consecutive weekly sums, over up to 26 changes before the latest one. */
function weeklyLogNoise(values: ReadonlyMap<string, number>, through: string, firstDay: string): number | null {
  const changes: number[] = [];
  for (let k = 1; k <= NOISE_WEEKS; k++) {
    const end = addDays(through, -7 * k);
    if (addDays(end, -13) < firstDay) break;
    const recent = windowSum(values, end, 7);
    const before = windowSum(values, addDays(end, -7), 7);
    if (recent > 0 && before > 0) changes.push(Math.log(recent / before));
  }
  return changes.length >= MIN_CHANGES ? robustSigma(changes) : null;
}

function growth(series: DailySeries, through: string, days: number, logSd: number | null): GrowthRate | null {
  const first = series.points[0]?.date;
  if (first === undefined || addDays(through, -2 * days + 1) < first) return null;
  const current = sumBetween(series, addDays(through, -days + 1), through);
  const previous = sumBetween(series, addDays(through, -2 * days + 1), addDays(through, -days));
  const c = toNumber(current);
  const p = toNumber(previous);
  if (p <= 0 || c < 0) return null;
  const rate = c / p - 1;
  if (logSd === null || c === 0) return { rate, lower80: null, upper80: null, current, previous };
  const log = Math.log(c / p);
  return { rate, lower80: Math.exp(log - Z80 * logSd) - 1, upper80: Math.exp(log + Z80 * logSd) - 1, current, previous };
}

/** The last 28 settled days against the forecast made the day before them (null with less than 60 days of history before it). */
function versusForecast(series: DailySeries, through: string): VersusForecast | null {
  const from = addDays(through, -27);
  const madeOn = addDays(from, -1);
  const points = densePointsThrough(series.points, through);
  const trained = points.filter((p) => p.date <= madeOn).length;
  if (trained < BACKTEST_MIN_TRAIN) return null;
  const p = projectPeriod(points, { periodStart: from, periodEnd: through, asOf: madeOn });
  return { madeOn, from, to: through, actual: sumBetween(series, from, through), forecast: cents(p.projected), lower80: cents(p.lower80), upper80: cents(p.upper80), lower95: cents(p.lower95), upper95: cents(p.upper95) };
}

export function seriesTrend(series: DailySeries, asOf: string, settleDays: number = SETTLE_DAYS): SeriesTrend {
  const through = lastSettledDay(asOf, settleDays);
  const first = series.points[0]?.date;
  const values = new Map(densePointsThrough(series.points, through).map((p) => [p.date, p.cost] as const));
  const noise = first === undefined ? null : weeklyLogNoise(values, through, first);
  const vs = first === undefined ? null : versusForecast(series, through);
  return {
    through,
    weekOverWeek: growth(series, through, 7, noise),
    growth28d: growth(series, through, 28, noise === null ? null : noise / 2),
    versusForecast: vs,
    growingFasterThanForecast: vs === null ? null : toNumber(vs.actual) > toNumber(vs.upper95),
  };
}
