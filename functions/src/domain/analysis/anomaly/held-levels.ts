import { medianOf, smallMedian } from "./robust-stats.js";

/** Half a year of weekly medians: the levels a series has held recently. */
const WEEKS = 26;
/** A week with fewer valid days than this has no median (sparse series, held-out episodes). */
const MIN_WEEK_DAYS = 4;
/** Fewer valid weeks than this give no trend (the levels are compared unmoved). */
const MIN_TREND_WEEKS = 6;

/**
 * The levels a series has held over the last half year, for "a return to a level the series already
 * held is not news" (DESIGN.md §7): the median deseasonalised value of each of the last 26 weeks,
 * and a Theil–Sen trend through them (the median of the pairwise slopes, robust to up to 29 % of
 * outlying weeks; the slopes between the two levels of a series that only switches between them
 * cancel out, so it shows little trend, while a growing or declining series has its old levels
 * moved along its growth before they are compared).
 *
 * A value counts as a held level when it lies within a tolerance of the medians of two consecutive
 * weeks (moved along the trend): a level held for at least a fortnight, not one noisy day and not a
 * level a trending series merely passed through on its way (its weekly medians move on).
 *
 * Built lazily from the values before the day being judged, so judging stays causal; a few hundred
 * operations per build, done only on days that would otherwise be flagged.
 *
 * @example
 * const levels = new HeldLevels();
 * levels.build(zs, t); // zs[s] = deseasonalised log cost of day s, NaN when not usable
 * if (levels.holds(zs[t], t, 0.2)) { // back at a level held for two weeks in the last half year
 * }
 */
export class HeldLevels {
  private readonly med = new Float64Array(WEEKS);
  private readonly center = new Float64Array(WEEKS);
  private readonly week = new Float64Array(7);
  private readonly pairs = new Float64Array((WEEKS * (WEEKS - 1)) / 2);
  /** Trend through the weekly medians, per day. */
  slope = 0;
  /** Day the memory was built at; −1 when empty. */
  builtAt = -1;

  reset(): void {
    this.builtAt = -1;
  }

  /** Weekly medians of values[t − 7k − 7, t − 7k) for k = 0 … 25 and the trend through them. */
  build(values: Float64Array, t: number): void {
    const { med, center, week, pairs } = this;
    for (let k = 0; k < WEEKS; k++) {
      const to = t - 7 * k;
      let m = 0;
      for (let s = Math.max(0, to - 7); s < to; s++) {
        const v = values[s] as number;
        if (!Number.isNaN(v)) week[m++] = v;
      }
      med[k] = m >= MIN_WEEK_DAYS ? smallMedian(week, m) : Number.NaN;
      center[k] = to - 4;
    }
    let p = 0;
    let valid = 0;
    for (let i = 0; i < WEEKS; i++) {
      const a = med[i] as number;
      if (Number.isNaN(a)) continue;
      valid++;
      for (let j = i + 1; j < WEEKS; j++) {
        const b = med[j] as number;
        if (!Number.isNaN(b)) pairs[p++] = (a - b) / ((center[i] as number) - (center[j] as number));
      }
    }
    this.slope = valid >= MIN_TREND_WEEKS ? medianOf(pairs, p) : 0;
    this.builtAt = t;
  }

  /** True when `value` (day t) is within `tol` of two consecutive weekly medians, moved along the trend. */
  holds(value: number, t: number, tol: number): boolean {
    const { med, center, slope } = this;
    let prev = false;
    for (let k = 0; k < WEEKS; k++) {
      const m = med[k] as number;
      const near = !Number.isNaN(m) && Math.abs(value - slope * (t - (center[k] as number)) - m) <= tol;
      if (near && prev) return true;
      prev = near;
    }
    return false;
  }
}
