import { weekdayOf, monthPosition } from "#kernel/days.js";
import { mean, median, quantile, robustSigma, theilSenSlope } from "./robust-stats.js";

/**
 * Point model for daily cloud-cost series: a robust decomposition
 *   cost(t) = (level + damped trend) x weekday factor + calendar-day effect
 * where the calendar-day effect is an extra amount, proportional to the level, on a day of the
 * month (day-1 fees, the 15th) or a day counted back from month end (month-end batches). Every estimate is a median or a
 * Theil-Sen slope so that anomalies in the history do not bend the forecast; the level is
 * re-anchored on the last weeks so a persisting level shift becomes the new normal.
 */

const SEASON_WINDOW = 112; // days used for weekday factors (16 weeks)
const CALENDAR_WINDOW = 366; // days searched for calendar-day effects
const TREND_WEEKS = 26; // weekly medians used for the trend
const DAMPING = 0.97; // per-day damping of the trend (Gardner & McKenzie damped trend)
const SPARSE_ZERO_SHARE = 0.4; // share of zero days above which a series is treated as intermittent
const SPARSE_WINDOW = 56;
/** Share of billed (non-pattern) days below which the level is occurrence x billed-day size. */
const DENSE_OCCURRENCE = 0.9;
/** A weekday billed on fewer than this share of its days is a day off, not a day with random zeros. */
const STRUCTURAL_ZERO_SHARE = 0.25;
/** Days back at the old level that end a recent dip or spike. */
const RECOVERED_DAYS = 3;
/** Weeks whose own slope must confirm the trend (besides the recent half of the trend window). */
const LATE_TREND_WEEKS = 8;
/** Floor of the base a calendar effect is measured against, as a share of the window's median base. */
const MIN_BASE_SHARE = 0.5;

/**
 * A dip (or spike) of the last weeks that has already ended is not the new level: when the last
 * days are back within 2.5 sigma of the level of the four weeks before the last two (and at least
 * RECOVERED_DAYS of them), while the two-week level disagrees with it, the level is the median of
 * the recovered days. A real shift never matches the old level, so it is left alone.
 */
function afterEndedDip(d: readonly number[], dT: readonly number[], n: number, slope: number, sigma: number, level: number): number {
  if (!(sigma > 0)) return level;
  const moved = (i: number) => (d[i] ?? 0) + slope * (n - 1 - (dT[i] ?? 0));
  const before: number[] = [];
  for (let i = 0; i < d.length; i++) {
    const t = dT[i] ?? 0;
    if (t >= n - 42 && t < n - 14) before.push(moved(i));
  }
  if (before.length < 14) return level;
  const old = median(before);
  if (Math.abs(level - old) <= 3 * sigma * Math.sqrt(2 / 7)) return level;
  const recovered: number[] = [];
  for (let i = d.length - 1; i >= 0 && Math.abs(moved(i) - old) <= 2.5 * sigma; i--) recovered.push(moved(i));
  // Only an episode that ended: the recovered run must stop at a day off the old level.
  if (recovered.length < RECOVERED_DAYS || recovered.length >= 14) return level;
  return median(recovered);
}

export interface DailyCostModel {
  /** Point forecasts for the `horizon` days after the last observed day. */
  forecast(horizon: number): number[];
  /** Typical deseasonalised daily level at the origin: the scale errors are measured against. */
  readonly scale: number;
  /** Intermittent series are forecast by their recent mean and empirical daily quantiles. */
  readonly intermittent: boolean;
  /** Recent non-zero daily values (intermittent series take their intervals from these). */
  readonly recent: readonly number[];
  /** Share of days with a charge (1 for regular series). */
  readonly occurrence: number;
  /** Robust sigma of the week-over-week change of the level, relative to the level (0 if unknown). */
  readonly levelStepRel: number;
}

/** Calendar slots a day belongs to: its day of month and its distance to month end (0 and 1 only). */
function calendarSlots(day: number): [string, string | null] {
  const p = monthPosition(day);
  return [`d${p.dayOfMonth}`, p.daysToMonthEnd <= 1 ? `e${p.daysToMonthEnd}` : null];
}

/**
 * Rolling 7-day median, centred inside the series and on the nearest full week at the ends.
 * A median (not a mean) so that a day-1 fee or a spike does not leak into its neighbours' base.
 */
function weeklyBase(z: readonly number[]): number[] {
  const n = z.length;
  const base: number[] = [];
  const win = new Float64Array(7);
  for (let t = 0; t < n; t++) {
    const start = Math.min(Math.max(0, t - 3), Math.max(0, n - 7));
    const len = Math.min(n, start + 7) - start;
    // Insertion sort of at most 7 values: far cheaper than a general sort in this hot loop.
    for (let i = 0; i < len; i++) {
      const v = z[start + i] ?? 0;
      let j = i - 1;
      while (j >= 0 && (win[j] ?? 0) > v) {
        win[j + 1] = win[j] ?? 0;
        j--;
      }
      win[j + 1] = v;
    }
    const mid = len >> 1;
    base.push(len % 2 ? (win[mid] ?? 0) : ((win[mid - 1] ?? 0) + (win[mid] ?? 0)) / 2);
  }
  return base;
}

function weekdayFactors(z: readonly number[], base: readonly number[], startDay: number): number[] {
  const n = z.length;
  const ratios: number[][] = [[], [], [], [], [], [], []];
  for (let t = Math.max(0, n - SEASON_WINDOW); t < n; t++) {
    const b = base[t] ?? 0;
    if (b > 1e-9) ratios[weekdayOf(startDay + t)]?.push((z[t] ?? 0) / b);
  }
  // Raw factors are relative to the median base (which sits at a typical day, not the weekly mean).
  // A weekday that is usually $0 (weekends off) gets factor 0; otherwise its random zero days are
  // left to the occurrence rate (see the level) and the factor sizes a billed day.
  return ratios.map((r) => {
    if (r.length < 3) return 1;
    const billed = r.filter((x) => x > 0);
    return billed.length >= 3 && billed.length >= STRUCTURAL_ZERO_SHARE * r.length ? median(billed) : Math.max(0, median(r));
  });
}

/** Factors normalised to average 1 over the week, so the level is a mean daily cost. */
function normalise(raw: readonly number[]): number[] {
  const avg = mean(raw);
  return avg > 1e-9 ? raw.map((f) => f / avg) : raw.map(() => 1);
}

/**
 * Calendar-day effects, stored relative to the local base level: a fee or batch that grows with
 * usage (support plans, proportional batches) then follows level shifts and trend. A slot counts
 * only when it recurs: at least three occurrences, and at least two thirds of them beyond two
 * noise sigmas in the same direction, so a single anomaly never becomes a "monthly pattern". Its
 * size is the median of the last three occurrences, so a changed fee is picked up quickly.
 */
function calendarEffects(u: readonly number[], base: readonly number[], startDay: number): Map<string, number> {
  const n = u.length;
  const from = Math.max(0, n - CALENDAR_WINDOW);
  const sigma = robustSigma(u.slice(from));
  // A base that is (nearly) zero on the day, as in a week with several random zero days, would
  // turn an ordinary charge into an effect millions of times the level: the base is floored at a
  // share of its typical value over the window.
  const baseFloor = Math.max(MIN_BASE_SHARE * median(base.slice(from).filter((b) => b > 0)), 1e-9);
  const bySlot = new Map<string, { abs: number[]; rel: number[] }>();
  for (let t = from; t < n; t++) {
    for (const slot of calendarSlots(startDay + t)) {
      if (slot === null) continue;
      const entry = bySlot.get(slot) ?? { abs: [], rel: [] };
      entry.abs.push(u[t] ?? 0);
      entry.rel.push((u[t] ?? 0) / Math.max(base[t] ?? 0, baseFloor));
      bySlot.set(slot, entry);
    }
  }
  const effects = new Map<string, number>();
  for (const [slot, { abs, rel }] of bySlot) {
    if (abs.length < 3) continue;
    const threshold = 2 * sigma;
    const up = abs.filter((x) => x > threshold).length;
    const down = abs.filter((x) => x < -threshold).length;
    if (up >= (2 / 3) * abs.length || down >= (2 / 3) * abs.length) effects.set(slot, median(rel.slice(-3)));
  }
  return effects;
}

/** The relative effect of a day: the stronger of its day-of-month and month-end slots. */
function effectOn(effects: ReadonlyMap<string, number>, day: number): number {
  let best = 0;
  for (const slot of calendarSlots(day)) {
    if (slot === null) continue;
    const e = effects.get(slot) ?? 0;
    if (Math.abs(e) > Math.abs(best)) best = e;
  }
  return best;
}

/**
 * Intermittent series, TSB-style (Teunter, Syntetos & Babai 2011): demand occurrence and demand
 * size are estimated separately. Occurrence is a slow property of the workload, so it is measured
 * over the whole history (up to a year); size follows the recent non-zero days. The forecast is
 * their product, and the band is the quantile of the zero-or-size mixture.
 */
function intermittentModel(values: readonly number[]): DailyCostModel {
  const history = values.slice(-CALENDAR_WINDOW);
  const nonZero = history.filter((v) => v > 0);
  const occurrence = nonZero.length / Math.max(1, history.length);
  const sizes = nonZero.slice(-28);
  const level = occurrence * mean(sizes);
  return {
    forecast: (horizon) => Array.from({ length: horizon }, () => level),
    scale: Math.max(level, 1e-9),
    intermittent: true,
    recent: sizes,
    occurrence,
    levelStepRel: 0,
  };
}

/**
 * A level change early in the window (a past shift, a ramp that has ended) also gives the weekly
 * medians a Theil-Sen slope, though the recent weeks are flat. Growth still under way shows in the
 * recent weeks as well: the trend is kept only when the recent half's own slope, and that of the
 * last LATE_TREND_WEEKS weeks, have the same sign and at least a third of its size. The second
 * look catches a step or an ended ramp inside the recent half (8 to 13 weeks ago), which gives
 * that half a slope too and was extrapolated as growth.
 */
function recentTrend(weeks: readonly number[], slope: number): number {
  if (slope === 0 || weeks.length < 8) return slope;
  const keep = (late: number) => Math.sign(late) === Math.sign(slope) && Math.abs(late) >= Math.abs(slope) / 3;
  if (!keep(theilSenSlope(weeks.slice(-Math.floor(weeks.length / 2))) / 7)) return 0;
  if (weeks.length >= 12 && !keep(theilSenSlope(weeks.slice(-LATE_TREND_WEEKS)) / 7)) return 0;
  return slope;
}

/**
 * Day-to-day noise of the deseasonalised series over the last 8 weeks, from successive differences
 * (robust sigma of the differences over sqrt 2): a level change, or the lower level of months ago,
 * does not enter it, whereas the spread around one median over 26 weeks mixes the levels.
 */
function localSigma(d: readonly number[], dT: readonly number[], n: number): number {
  const diffs: number[] = [];
  for (let i = 1; i < d.length; i++) {
    if ((dT[i - 1] ?? 0) < n - SPARSE_WINDOW) continue;
    const a = d[i - 1] ?? 0;
    const b = d[i] ?? 0;
    if (a > 0 && b > 0) diffs.push(b - a);
  }
  return diffs.length >= 8 ? robustSigma(diffs) / Math.SQRT2 : robustSigma(d);
}

/** Fits the model to `values`, the daily costs from epoch day `startDay` on (no gaps). */
export function fitDailyCostModel(values: readonly number[], startDay: number): DailyCostModel {
  const n = values.length;
  const y = values.map((v) => Math.max(0, v));
  const zeroShare = (xs: readonly number[]) => xs.filter((v) => v <= 0).length / Math.max(1, xs.length);
  if (n < 14 || zeroShare(y.slice(-SPARSE_WINDOW)) > SPARSE_ZERO_SHARE || zeroShare(y.slice(-CALENDAR_WINDOW)) > SPARSE_ZERO_SHARE) {
    return intermittentModel(y);
  }

  // Alternate weekday factors and calendar effects: a day-1 fee inflates the first weekly base,
  // so the second pass estimates the weekly shape with the fee removed.
  let effects = new Map<string, number>();
  let factors = [1, 1, 1, 1, 1, 1, 1];
  let base: number[] = y.map(() => 0);
  let baseToLevel = 1; // level (weekly mean) = base (rolling median) x this
  for (let pass = 0; pass < 3; pass++) {
    const prevBase = base;
    const z = y.map((v, t) => v - effectOn(effects, startDay + t) * (prevBase[t] ?? 0));
    base = weeklyBase(z);
    const raw = weekdayFactors(z, base, startDay);
    baseToLevel = mean(raw) > 1e-9 ? mean(raw) : 1;
    factors = normalise(raw);
    const u = y.map((v, t) => v - (base[t] ?? 0) * (raw[weekdayOf(startDay + t)] ?? 1));
    effects = n >= 56 ? calendarEffects(u, base, startDay) : new Map();
  }

  // Deseasonalised series; weekdays with a factor near zero (closed weekends) carry no level information.
  const d: number[] = [];
  const dT: number[] = [];
  for (let t = Math.max(0, n - TREND_WEEKS * 7); t < n; t++) {
    const f = factors[weekdayOf(startDay + t)] ?? 1;
    if (f < 0.2) continue;
    d.push(((y[t] ?? 0) - effectOn(effects, startDay + t) * (base[t] ?? 0)) / f);
    dT.push(t);
  }
  const sigma = localSigma(d, dT, n);

  // Trend: Theil-Sen over weekly means, kept only when it stands out from the weekly noise.
  const weeks: number[] = [];
  for (let end = n; end - 7 >= Math.max(0, n - TREND_WEEKS * 7); end -= 7) {
    const vals = d.filter((_, i) => (dT[i] ?? -1) >= end - 7 && (dT[i] ?? -1) < end);
    if (vals.length > 0) weeks.unshift(median(vals));
  }
  let slope = weeks.length >= 4 ? theilSenSlope(weeks) / 7 : 0;
  const weekStep = robustSigma(weeks.slice(1).map((w, i) => w - (weeks[i] ?? 0)));
  const weekNoise = weekStep / Math.SQRT2;
  if (Math.abs(slope) * 7 * weeks.length < 2 * weekNoise) slope = 0;
  slope = recentTrend(weeks, slope);

  // Zero days that are not a weekday pattern (a charge some days, none on others): the level is
  // the share of billed days times the size of a billed day, so a week that happened to have four
  // zero days does not forecast a month of zeros (TSB's split of occurrence and size).
  const recentUsed = dT.filter((t) => t >= n - SPARSE_WINDOW).length;
  const recentZeros = d.filter((v, i) => v <= 0 && (dT[i] ?? 0) >= n - SPARSE_WINDOW).length;
  const occurrence = recentUsed > 0 ? 1 - recentZeros / recentUsed : 1;
  const zeroAware = occurrence < DENSE_OCCURRENCE;

  // Level: median of the last two weeks, each moved to the origin along the trend; if the last
  // week alone disagrees strongly (a level shift in progress), the last week wins. Without a trend,
  // when the last four weeks agree with the last two, their median is used: twice the days, so
  // about 0.7 times the error of the level, which is most of the month-total error of a steady
  // series (a 14-day median is barely better than repeating last week).
  const valuesIn = (from: number, to: number) => {
    const vals: number[] = [];
    for (let i = 0; i < d.length; i++) {
      const t = dT[i] ?? 0;
      const v = d[i] ?? 0;
      if (t >= from && t < to && (!zeroAware || v > 0)) vals.push(v + slope * (n - 1 - t));
    }
    return vals;
  };
  const levelAt = (days: number) => {
    const vals = valuesIn(n - days, n);
    // Too few billed days in the window: the last 28 billed days (zero-aware series only).
    if (zeroAware && vals.length < 3) return occurrence * median(valuesIn(n - SPARSE_WINDOW, n).slice(-28));
    return (zeroAware ? occurrence : 1) * median(vals);
  };
  const level14 = levelAt(14);
  const level7 = levelAt(7);
  let level = Math.abs(level7 - level14) > 3 * sigma * Math.sqrt(2 / 7) ? level7 : level14;
  if (level === level14 && slope === 0) {
    const level28 = levelAt(28);
    if (Math.abs(level28 - level14) <= 2 * sigma * Math.sqrt(1 / 14)) level = level28;
  }
  if (!zeroAware) level = afterEndedDip(d, dT, n, slope, sigma, level);

  return {
    forecast(horizon: number): number[] {
      const out: number[] = [];
      let damp = 0;
      for (let h = 1; h <= horizon; h++) {
        damp += DAMPING ** h;
        const day = startDay + n - 1 + h;
        const lvl = level + slope * damp;
        const f = lvl * (factors[weekdayOf(day)] ?? 1) + (effectOn(effects, day) * lvl) / baseToLevel;
        out.push(Math.max(0, f));
      }
      return out;
    },
    scale: Math.max(Math.abs(level), quantile(y.slice(-28), 0.5), 1e-9),
    intermittent: false,
    recent: y.slice(-SPARSE_WINDOW),
    occurrence: 1,
    levelStepRel: weeks.length >= 4 ? weekStep / Math.max(Math.abs(level), 1e-9) : 0,
  };
}
