import { medianOf, smallMedian } from "./robust-stats.js";

/** Half a year of weekly medians: the levels a series has held recently. */
const WEEKS = 26;
const SPAN = 7 * WEEKS;
/** A week with fewer valid days than this has no median (sparse series, held-out episodes). */
const MIN_WEEK_DAYS = 4;
/** Fewer valid weeks than this give no trend (the levels are compared unmoved). */
const MIN_TREND_WEEKS = 6;

/**
 * The levels a series has held over the last half year, for "a return to a level the series already
 * held is not news" (DESIGN.md §7): the deseasonalised values of the last 26 weeks, and a Theil–Sen
 * trend through their 26 weekly medians (the median of the pairwise slopes, robust to up to 29 % of
 * outlying weeks; the slopes between the two levels of a series that only switches between them
 * cancel out, so it shows little trend, while a growing or declining series has its old levels moved
 * along its growth before they are compared).
 *
 * A value counts as a held level when it lies within a tolerance of the medians of two back-to-back
 * seven-day windows (each day moved along the trend): a level held for at least a fortnight, not one
 * noisy day and not a level a trending series merely passed through on its way (its days move on).
 * The windows start on every day, not on a weekly grid, so whether a fortnight's stay counts does
 * not depend on the weekday it began on (on a grid, a stay with a held-out day can fill one week and
 * split both neighbours).
 *
 * Built lazily from the values before the day being judged, so judging stays causal; a few hundred
 * operations per build and per check, done only on days that would otherwise be flagged.
 *
 * @example
 * const levels = new HeldLevels();
 * levels.build(zs, t); // zs[s] = deseasonalised log cost of day s, NaN when not usable
 * if (levels.holds(zs[t], t, 0.2)) { // back at a level held for two weeks in the last half year
 * }
 */
export class HeldLevels {
  private readonly med = new Float64Array(WEEKS);
  private readonly week = new Float64Array(7);
  private readonly pairs = new Float64Array((WEEKS * (WEEKS - 1)) / 2);
  /** Whether the 7-day window ending at each of the last 7 days held the value (a ring). */
  private readonly heldRing = new Uint8Array(7);
  private values: Float64Array = new Float64Array(0);
  /** Trend through the weekly medians, per day. */
  slope = 0;
  /** Day the memory was built at; −1 when empty. */
  builtAt = -1;

  reset(): void {
    this.builtAt = -1;
  }

  /**
   * Remembers `values` (read again by holds(), so they must not change in between) and fits the
   * trend through the medians of the 26 weeks values[t − 7k − 7, t − 7k).
   */
  build(values: Float64Array, t: number): void {
    const { med, week, pairs } = this;
    for (let k = 0; k < WEEKS; k++) {
      const to = t - 7 * k;
      let m = 0;
      for (let s = Math.max(0, to - 7); s < to; s++) {
        const v = values[s] as number;
        if (!Number.isNaN(v)) week[m++] = v;
      }
      med[k] = m >= MIN_WEEK_DAYS ? smallMedian(week, m) : Number.NaN;
    }
    let p = 0;
    let valid = 0;
    for (let i = 0; i < WEEKS; i++) {
      const a = med[i] as number;
      if (Number.isNaN(a)) continue;
      valid++;
      for (let k = i + 1; k < WEEKS; k++) {
        const b = med[k] as number;
        if (!Number.isNaN(b)) pairs[p++] = (a - b) / (7 * (k - i));
      }
    }
    this.slope = valid >= MIN_TREND_WEEKS ? medianOf(pairs, p) : 0;
    this.values = values;
    this.builtAt = t;
  }

  /**
   * True when `value` (day t) is within `tol` of the medians of two back-to-back seven-day windows
   * of the half year before the build, each day moved along the trend to day t. One pass with
   * running counts: a window's median lies in [value − tol, value + tol] exactly when fewer than
   * half of its valid days lie below that band and fewer than half above it (for an even count,
   * both middle days lie in it).
   */
  holds(value: number, t: number, tol: number): boolean {
    const { values, slope, heldRing } = this;
    const end = this.builtAt;
    const from = end - SPAN;
    heldRing.fill(0);
    let valid = 0;
    let below = 0;
    let above = 0;
    for (let s = from; s < end; s++) {
      const v = s >= 0 ? (values[s] as number) : Number.NaN;
      if (!Number.isNaN(v)) {
        const moved = v + slope * (t - s);
        valid++;
        if (moved < value - tol) below++;
        else if (moved > value + tol) above++;
      }
      const out = s - 7;
      if (out >= from) {
        const w = out >= 0 ? (values[out] as number) : Number.NaN;
        if (!Number.isNaN(w)) {
          const moved = w + slope * (t - out);
          valid--;
          if (moved < value - tol) below--;
          else if (moved > value + tol) above--;
        }
      }
      if (s - from < 6) continue;
      // The window [s − 6, s] is complete.
      const slot = (s - from) % 7;
      const here = valid >= MIN_WEEK_DAYS && 2 * below < valid && 2 * above < valid ? 1 : 0;
      if (here === 1 && heldRing[slot] === 1) return true;
      heldRing[slot] = here;
    }
    return false;
  }
}
