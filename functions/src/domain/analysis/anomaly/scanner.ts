import { civilFromDays, daysInMonth, MONTH_POSITIONS, weekdayOf } from "#kernel/days.js";
import { FEEDBACK_UNEXPECTED } from "./feedback.js";
import { HeldLevels } from "./held-levels.js";
import { MAD_TO_SIGMA, medianOf, smallMedian, tailAwareScale } from "./robust-stats.js";
import { SortedWindow } from "./sorted-window.js";

/**
 * The causal per-series detector (DESIGN.md §7). Day t is judged only on days ≤ t: everything the
 * judgement uses is computed from days < t, and day t itself is compared with it.
 *
 * Model, on y = log1p(cost) so effects are multiplicative and cents-sized series stay tame:
 *   expected(t) = level(t) + weekday[dow(t)] + monthPosition[pos(t)]
 * - Seasonal profiles, scale, trend and the established level are re-learned every 14 days (weekly
 *   scored the same on our sets at twice the cost). Profiles come from the residual of each day
 *   against the median of the other days of the centred week around it (one of each weekday, so a
 *   weekly batch or a monthly fee does not move it): the median per weekday (last 8) and per month position
 *   (last 6 occurrences). An effect counts only if ≥ 2 samples and two thirds of them agree in
 *   sign and size, so one past spike on the 15th is never learned as a pattern.
 * - level(t) is the median of the deseasonalised values of the last 28 days of the current regime,
 *   moved along a robust trend (difference of two half-window medians, kept only when significant).
 * - A second, "established" level (median of the last 56 days, all regimes) keeps the memory of
 *   the old normal: an increase must exceed BOTH levels, so a return to a known level after a drop
 *   is not an anomaly, and a decrease must fall below both.
 * - Scale σ comes from the one-step residuals of the last 56 days (MAD, widened for heavy tails;
 *   see tailAwareScale), floored at 1 %; a pattern whose size varies (batches) uses its own spread.
 *   A day judged on its own (zSingle) uses at least the scale the series' 98th percentile residual
 *   over half a year implies (upperTailScale): its heavy tail, not a Gaussian's, sets how rare a
 *   one-day jump is. A Gaussian series' percentile equals its σ, so it keeps its sensitivity.
 * - A day is flagged when |z| ≥ zSingle, or when it is the persistDays-th day in a row with
 *   |z| ≥ zPersist (drifts and smaller level shifts), and the dollar gates pass.
 * - A deviation that persists confirmDays in a row (|z| ≥ zConfirm against the current level) is a
 *   confirmed level shift: a new regime starts at its first day, so the new normal stops alerting.
 * - Episodes are held out: a flagged day, and every day of a run of ≥ 2 days beyond zConfirm, stays
 *   out of the level, trend and σ for the days after it (a lone flagged day followed by a normal
 *   one goes back in: heavy tails), so a multi-day drop or holiday dip does not blind the weeks
 *   after it. A confirmed run is released into its new regime; its residuals never enter σ.
 * - Known levels: a day back at the level of one of the last regimes that lasted ≥ 14 days (within
 *   182 days, moved along the trend), or undoing the jump that started the current regime, or at
 *   the median of two consecutive weeks of the last half year (moved along a Theil–Sen trend through
 *   the weekly medians; see HeldLevels), is a series switching between its normal levels and is
 *   not flagged. A level a trending series merely passed through does not count: its weekly
 *   medians move on with the trend.
 * - Zero days are not modelled (a sparse series' zeros say nothing about its level); in a dense
 *   series (< 10 % zeros) a zero is judged as a drop until a week of zeros makes it the norm.
 * Cost: O(1) amortised work per day plus a fortnightly refresh; buffers are reused across series.
 */
export interface ScannerOptions {
  zSingle: number;
  zPersist: number;
  persistDays: number;
  zConfirm: number;
  confirmDays: number;
  /** Hard floor on |actual − expected|, in the series' own currency. */
  minImpact: number;
  /** A deviation this large (series currency) is material even below `percentThreshold`. */
  impactThreshold: number;
  percentThreshold: number;
}

/** Called once per flagged day: direction +1 increase / −1 decrease, amounts in the series currency, and the z-score. */
export type FlagSink = (index: number, direction: 1 | -1, expected: number, actual: number, z: number) => void;

const SHORT_WINDOW = 28;
const LONG_WINDOW = 56;
const SCALE_WINDOW = 56;
/** Half a year of one-step residuals sizes a series' tail (its 98th percentile is the 4th largest). */
const TAIL_WINDOW = 182;
const TAIL_MIN = 91;
/** Residuals of the first six weeks were made before the weekday and month profiles were learned. */
const TAIL_FROM = 42;
const WEEKDAY_SAMPLES = 8;
const MONTH_SAMPLES = 6;
const RECOMPUTE_EVERY = 14;
/** Valid (non-zero) days needed before anything is judged. */
const MIN_HISTORY = 21;
const MIN_SHORT_VALUES = 7;
const SCALE_FLOOR = 0.01;
/** Profiles smaller than this many σ are treated as noise and not applied. */
const WEEKDAY_GATE = 1;
const MONTH_GATE = 2.5;
const INTERMITTENT_ZERO_FRACTION = 0.1;
/** A deviation must exceed a feedback-accepted one by this factor to alert again. */
const TOLERANCE_MARGIN = 1.2;
/**
 * Past regime levels remembered, how long a regime must have lasted to count, for how long it
 * counts, and the share of a day's deviation tolerated when matching it (chosen, not fitted: two
 * weeks is the shortest stay that reads as a level, half a year the memory of a billing pattern).
 */
const KNOWN_LEVELS = 4;
const KNOWN_MIN_DAYS = 14;
const KNOWN_MAX_AGE = 182;
const KNOWN_JUMP_SHARE = 1 / 3;

export class AnomalyScanner {
  private y = new Float64Array(0);
  /** Deseasonalised y under the current profiles (refreshed at every recompute). */
  private zs = new Float64Array(0);
  private r = new Float64Array(0);
  private e = new Float64Array(0);
  private dow = new Uint8Array(0);
  private pos = new Uint8Array(0);
  private zero = new Uint8Array(0);
  /** 1 for a day judged anomalous and not (yet) part of a confirmed regime: kept out of level and σ. */
  private held = new Uint8Array(0);
  private readonly buf = new Float64Array(4 * LONG_WINDOW);
  private readonly small = new Float64Array(16);
  private readonly window = new SortedWindow(SHORT_WINDOW);
  private readonly heldLevels = new HeldLevels();

  // Ring buffers of the latest centred residuals per weekday and per month position.
  private readonly wdRing = new Float64Array(7 * WEEKDAY_SAMPLES);
  private readonly wdCount = new Int32Array(7);
  private readonly moRing = new Float64Array(MONTH_POSITIONS * MONTH_SAMPLES);
  private readonly moRingDow = new Uint8Array(MONTH_POSITIONS * MONTH_SAMPLES);
  private readonly moCount = new Int32Array(MONTH_POSITIONS);

  private readonly weekday = new Float64Array(7);
  private readonly month = new Float64Array(MONTH_POSITIONS);
  private readonly weekdaySpread = new Float64Array(7);
  private readonly monthSpread = new Float64Array(MONTH_POSITIONS);
  /** Month positions seen deviating exactly once so far (a fee or batch not yet confirmed). */
  private readonly monthHint = new Float64Array(MONTH_POSITIONS);
  /** Outputs of robustEffect(). */
  private effect = 0;
  private spread = 0;

  // Per-series state, reset by scan().
  private sigma = Number.NaN;
  /** Scale read off the series' own 98th percentile residual: a heavy tail's σ for one-day judgements; 0 until known. */
  private tailSigma = 0;
  private slope = 0;
  private longLevel = Number.NaN;
  private longCenter = 0;
  private zeroFraction = 0;
  private regimeStart = 0;
  /** Levels of past regimes that lasted ≥ KNOWN_MIN_DAYS, with the day each ended (a small ring). */
  private readonly knownLevel = new Float64Array(KNOWN_LEVELS);
  private readonly knownEnd = new Float64Array(KNOWN_LEVELS);
  /** Signed size (log scale) of the shift that started the current regime, when the one before it was stable; else 0. */
  private lastJump = 0;
  private knownCount = 0;

  constructor(private readonly o: ScannerOptions) {}

  /**
   * Judges every day of one series. `costs[i]` is the cost of day `startDay + i`: NaN for a missing
   * day, ≤ 0 for a zero day. `feedback[i]` holds a FEEDBACK_CODE for the flag on day i, or 0.
   * `expected`, when given, receives each day's central expectation in the series currency (NaN while warming up).
   */
  scan(startDay: number, costs: ArrayLike<number>, n: number, sink: FlagSink, feedback?: Int8Array, expected?: Float64Array): void {
    this.prepare(startDay, costs, n);
    const { y, zs, e, zero, held, weekday, month, weekdaySpread, monthSpread, monthHint, dow, pos, o } = this;

    let valid = 0;
    let upStreak = 0;
    let downStreak = 0;
    let confirmUp = 0;
    let confirmDown = 0;
    let runStart = 0;
    let zeroRun = 0;
    let tolUp = 0;
    let tolDown = 0;
    let pendingFrom = -1;
    let pendingDir = 0;
    let pendingDev = 0;
    let prevHeld = false;
    let loneDay = -1;
    let loneE = 0;
    let loneZ = 0;

    for (let t = 0; t < n; t++) {
      if (t >= 2 * RECOMPUTE_EVERY && t % RECOMPUTE_EVERY === 0) this.recompute(t);
      const cost = costs[t] as number;
      const yt = y[t] as number;
      const isValid = !Number.isNaN(yt);
      const isZero = zero[t] === 1;
      const d = dow[t] as number;
      const p = pos[t] as number;
      const seasonal = (weekday[d] as number) + (month[p] as number);
      let level = this.shortLevel(t, valid);

      // Feedback "expected"/"planned" on a deviation that is still going on: adopt it now.
      if (pendingFrom >= 0 && isValid && !Number.isNaN(level)) {
        const dev = yt - (level + seasonal);
        if (Math.sign(dev) === pendingDir && Math.abs(dev) >= 0.5 * pendingDev) {
          this.regimeStart = pendingFrom;
          this.release(pendingFrom, t);
          level = this.shortLevel(t, valid);
        }
        pendingFrom = -1;
      }

      if (expected) expected[t] = !Number.isNaN(level) ? Math.expm1(level + seasonal) : Number.NaN;
      if (!Number.isNaN(level) && (isValid || isZero)) {
        // A regular pattern whose size varies (month-end batches) is judged on its own spread.
        const sigma = Math.max(this.sigma, weekdaySpread[d] as number, monthSpread[p] as number);
        const expShort = level + seasonal;
        const long = !Number.isNaN(this.longLevel) ? this.longLevel + this.slope * (t - this.longCenter) + seasonal : expShort;
        const expUp = Math.max(expShort, long);
        const expDown = Math.min(expShort, long);
        const obs = isValid ? yt : 0;
        if (isValid) e[t] = yt - expShort;
        const judge = valid >= MIN_HISTORY && !Number.isNaN(sigma);
        const zShort = (obs - expShort) / sigma;
        const zUp = (obs - expUp) / sigma;
        const zDown = (obs - expDown) / sigma;
        // One day alone is judged against the series' own tail: on a heavy-tailed series a 4 σ day
        // is ordinary noise (Student-t, 4 df: about 1 day in 300), on a Gaussian one it is not.
        const sigmaOneDay = Math.max(sigma, this.tailSigma);
        const zUpOne = (obs - expUp) / sigmaOneDay;
        const zDownOne = (obs - expDown) / sigmaOneDay;

        if (isValid) {
          upStreak = zUp >= o.zPersist ? upStreak + 1 : 0;
          downStreak = zDown <= -o.zPersist ? downStreak + 1 : 0;
          zeroRun = 0;
        } else {
          upStreak = 0;
          zeroRun++;
          // Zero days only count as drops in dense series, and a week of zeros is the new norm.
          downStreak = this.zeroFraction < INTERMITTENT_ZERO_FRACTION ? downStreak + 1 : 0;
        }
        if (judge) {
          const hint = monthHint[p] as number;
          const up =
            isValid &&
            (zUpOne >= o.zSingle || upStreak >= o.persistDays) &&
            (tolUp === 0 || yt - expUp > TOLERANCE_MARGIN * tolUp) &&
            !repeatsHint(yt - expUp, hint);
          const zeroIsDrop = isZero && this.zeroFraction < INTERMITTENT_ZERO_FRACTION && zeroRun < o.confirmDays;
          const down =
            (isValid || zeroIsDrop) &&
            (zDownOne <= -o.zSingle || downStreak >= o.persistDays) &&
            (tolDown === 0 || expDown - obs > TOLERANCE_MARGIN * tolDown) &&
            !repeatsHint(obs - expDown, hint);
          // A series that switches between stable levels is back at one it already held for weeks:
          // that is its normal, not news (the confirm logic below still starts the regime). The
          // match tolerates a third of the jump itself: levels drift with growth in the meantime.
          // Checked only on a day that would be flagged: it reads the half-year level memory.
          const known = isValid && (up || down) && this.atKnownLevel(yt - seasonal, yt - expShort, t, Math.max(o.zConfirm * sigma, KNOWN_JUMP_SHARE * Math.abs(yt - expShort)));
          if (up && !known) {
            this.emitIfMaterial(sink, t, 1, Math.expm1(expUp), cost, zUp);
            held[t] = 1;
          }
          if (down && !known) {
            this.emitIfMaterial(sink, t, -1, Math.expm1(expDown), isValid ? cost : 0, zDown);
            held[t] = 1;
          }
        }
        if (judge) {
          // Confirmed level shift: the run's first day starts a new regime.
          if (isValid) {
            if (zShort >= o.zConfirm) {
              if (confirmUp === 0) runStart = t;
              confirmUp++;
            } else confirmUp = 0;
            if (zShort <= -o.zConfirm) {
              if (confirmDown === 0) runStart = t;
              confirmDown++;
            } else confirmDown = 0;
            // Two days in a row beyond zConfirm (< 1 in 1,000 by chance) open an episode: its days
            // stay out of the level and σ unless it is confirmed as a new regime.
            if (confirmUp >= 2 || confirmDown >= 2) this.hold(runStart, t);
            if (confirmUp >= o.confirmDays || confirmDown >= o.confirmDays) {
              const oldStart = this.regimeStart;
              this.regimeStart = runStart;
              // The run's residuals were measured against the old level: they are the episode,
              // not noise, and would otherwise blind the scale for weeks.
              e.fill(Number.NaN, runStart, t + 1);
              this.release(runStart, t);
              const stable = runStart - oldStart >= KNOWN_MIN_DAYS && !Number.isNaN(level);
              if (stable) this.remember(level, runStart);
              const jump = stable ? this.windowMedian(runStart, t + 1) - level : Number.NaN;
              this.lastJump = Number.isNaN(jump) ? 0 : jump;
              confirmUp = 0;
              confirmDown = 0;
            }
          }
        }

        const code = feedback?.[t] ?? 0;
        if (code !== 0) {
          const dev = obs - expShort;
          if (code === FEEDBACK_UNEXPECTED) {
            tolUp = 0;
            tolDown = 0;
            y[t] = Number.NaN;
            e[t] = Number.NaN;
          } else {
            if (dev > 0) tolUp = Math.max(tolUp, dev);
            else tolDown = Math.max(tolDown, -dev);
            pendingFrom = t;
            pendingDir = Math.sign(dev);
            pendingDev = Math.abs(dev);
          }
        }
      }
      const yFinal = y[t] as number;
      if (!Number.isNaN(yFinal)) {
        valid++;
        // An anomalous day neither moves the level nor widens σ for the days after it (else a
        // multi-day episode blinds the detector for weeks); a confirmed new regime releases it.
        if (held[t] === 1) {
          // Remember a lone anomalous day: if the next billed day is normal, it was a one-day
          // outlier, which is part of a heavy-tailed series' noise and goes back into σ and level.
          loneDay = prevHeld ? -1 : t;
          loneE = e[t] as number;
          loneZ = yFinal - seasonal;
          e[t] = Number.NaN;
          prevHeld = true;
        } else {
          zs[t] = yFinal - seasonal;
          if (loneDay >= 0 && held[loneDay] === 1) {
            held[loneDay] = 0;
            e[loneDay] = loneE;
            zs[loneDay] = loneZ;
            this.window.invalidate();
          }
          loneDay = -1;
          prevHeld = false;
        }
      }
      this.updateCentredResidual(t - 3, t);
    }
  }

  private remember(level: number, endDay: number): void {
    const i = this.knownCount % KNOWN_LEVELS;
    this.knownLevel[i] = level;
    this.knownEnd[i] = endDay;
    this.knownCount++;
  }

  /**
   * True when a day is back at a recent past regime's level: its deseasonalised value is within
   * `tol` of that level (moved along the trend), or its deviation from the current level undoes the
   * shift that started the current regime (a series that switches levels while growing).
   */
  private nearKnownLevel(value: number, dev: number, t: number, tol: number): boolean {
    if (this.lastJump !== 0 && t - this.regimeStart <= KNOWN_MAX_AGE && Math.abs(dev + this.lastJump) <= tol) return true;
    const c = Math.min(this.knownCount, KNOWN_LEVELS);
    for (let i = 0; i < c; i++) {
      const age = t - (this.knownEnd[i] as number);
      if (age <= KNOWN_MAX_AGE && Math.abs(value - (this.knownLevel[i] as number) - this.slope * age) <= tol) return true;
    }
    return false;
  }

  /**
   * True when day t is back at a level the series already held: a recent regime's level or the
   * jump that started the current one (nearKnownLevel), or two consecutive weeks of the last half
   * year (HeldLevels, built from the days before t).
   */
  private atKnownLevel(value: number, dev: number, t: number, tol: number): boolean {
    if (this.nearKnownLevel(value, dev, t, tol)) return true;
    const h = this.heldLevels;
    if (h.builtAt !== t) h.build(this.zs, t);
    return h.holds(value, t, tol);
  }

  /** Keeps day t, and the first day of its run (already counted), out of the level and σ. */
  private hold(runStart: number, t: number): void {
    this.held[t] = 1;
    if (this.held[runStart] !== 1) {
      this.held[runStart] = 1;
      this.zs[runStart] = Number.NaN;
      this.e[runStart] = Number.NaN;
      this.window.invalidate();
    }
  }

  /** Days [from, to] of a confirmed or accepted new regime: their values define its level again. */
  private release(from: number, to: number): void {
    const { y, zs, held, weekday, month, dow, pos } = this;
    for (let s = from; s < to; s++) {
      if (held[s] !== 1) continue;
      held[s] = 0;
      const v = y[s] as number;
      if (!Number.isNaN(v)) zs[s] = v - (weekday[dow[s] as number] as number) - (month[pos[s] as number] as number);
    }
    held[to] = 0;
    this.window.invalidate();
  }

  private emitIfMaterial(sink: FlagSink, t: number, dir: 1 | -1, expected: number, actual: number, z: number): void {
    const o = this.o;
    const impact = Math.abs(actual - expected);
    if (impact < o.minImpact) return;
    if (impact < o.impactThreshold && impact < o.percentThreshold * Math.max(expected, 0)) return;
    sink(t, dir, expected, actual, z);
  }

  private prepare(startDay: number, costs: ArrayLike<number>, n: number): void {
    if (this.y.length < n) {
      const size = Math.max(n, 2 * this.y.length);
      this.y = new Float64Array(size);
      this.zs = new Float64Array(size);
      this.r = new Float64Array(size);
      this.e = new Float64Array(size);
      this.dow = new Uint8Array(size);
      this.pos = new Uint8Array(size);
      this.zero = new Uint8Array(size);
      this.held = new Uint8Array(size);
    }
    const { y, zs, r, e, dow, pos, zero, held } = this;
    held.fill(0, 0, n);
    let { year, month, day } = civilFromDays(startDay);
    let dim = daysInMonth(year, month);
    let wd = weekdayOf(startDay);
    for (let i = 0; i < n; i++) {
      const c = costs[i] as number;
      if (c > 0) {
        y[i] = Math.log1p(c);
        zero[i] = 0;
      } else {
        y[i] = Number.NaN;
        zero[i] = c <= 0 ? 1 : 0;
      }
      zs[i] = Number.NaN;
      r[i] = Number.NaN;
      e[i] = Number.NaN;
      dow[i] = wd;
      pos[i] = dim - day < 3 ? 28 + dim - day : day - 1;
      wd = wd === 6 ? 0 : wd + 1;
      if (++day > dim) {
        day = 1;
        if (++month > 12) {
          month = 1;
          year++;
        }
        dim = daysInMonth(year, month);
      }
    }
    this.weekday.fill(0);
    this.month.fill(0);
    this.weekdaySpread.fill(0);
    this.monthSpread.fill(0);
    this.monthHint.fill(0);
    this.wdCount.fill(0);
    this.moCount.fill(0);
    this.window.reset();
    this.sigma = Number.NaN;
    this.tailSigma = 0;
    this.slope = 0;
    this.longLevel = Number.NaN;
    this.longCenter = 0;
    this.zeroFraction = 0;
    this.regimeStart = 0;
    this.knownCount = 0;
    this.lastJump = 0;
    this.heldLevels.reset();
  }

  /** Level for day t from days < t of the current regime; NaN while warming up. */
  private shortLevel(t: number, valid: number): number {
    if (valid < MIN_SHORT_VALUES) return Number.NaN;
    const w = this.window;
    w.slide(this.zs, Math.max(this.regimeStart, t - SHORT_WINDOW), t);
    if (w.size < (this.regimeStart > 0 ? 1 : MIN_SHORT_VALUES)) return Number.NaN;
    return w.median() + this.slope * (t - w.meanIndex());
  }

  /**
   * Residual of day s against the median of the other valid days in [s−3, s+3] (all ≤ t), pushed
   * into the weekday and month-position rings. The day itself is left out so that sparse series,
   * with few neighbours, do not get residuals of zero.
   */
  private updateCentredResidual(s: number, t: number): void {
    if (s < 0) return;
    const { y, small } = this;
    const ys = y[s] as number;
    if (Number.isNaN(ys)) return;
    let m = 0;
    for (let k = s > 3 ? s - 3 : 0; k <= t; k++) {
      const v = y[k] as number;
      if (k !== s && !Number.isNaN(v)) small[m++] = v;
    }
    if (m < 2) return;
    const rs = ys - smallMedian(small, m);
    this.r[s] = rs;
    const d = this.dow[s] as number;
    const wc = this.wdCount[d] as number;
    this.wdRing[d * WEEKDAY_SAMPLES + (wc % WEEKDAY_SAMPLES)] = rs;
    this.wdCount[d] = wc + 1;
    const p = this.pos[s] as number;
    const mc = this.moCount[p] as number;
    this.moRing[p * MONTH_SAMPLES + (mc % MONTH_SAMPLES)] = rs;
    this.moRingDow[p * MONTH_SAMPLES + (mc % MONTH_SAMPLES)] = d;
    this.moCount[p] = mc + 1;
  }

  /** Fortnightly re-estimation of profiles, scale, trend and the established level from days < t. */
  private recompute(t: number): void {
    const { r, e, y, zs, zero, buf, small, weekday, month, dow, pos, wdRing, wdCount, moRing, moRingDow, moCount } = this;
    let m = this.collectRecent(e, t, SCALE_WINDOW);
    let gate = this.sigma;
    if (m < 14) {
      // Early on, the centred residuals stand in for the one-step residuals.
      const mr = this.collectRecent(r, t, SCALE_WINDOW);
      if (mr < 7) return;
      gate = Math.max(tailAwareScale(buf, mr), SCALE_FLOOR);
      this.sigma = gate;
    } else {
      this.sigma = Math.max(tailAwareScale(buf, m), SCALE_FLOOR);
      if (Number.isNaN(gate)) gate = this.sigma;
    }
    this.tailSigma = t >= TAIL_FROM + TAIL_MIN ? this.upperTailScale(t) : 0;

    let changed = false;
    for (let k = 0; k < 7; k++) {
      const c = Math.min(wdCount[k] as number, WEEKDAY_SAMPLES);
      for (let i = 0; i < c; i++) small[i] = wdRing[k * WEEKDAY_SAMPLES + i] as number;
      this.robustEffect(c, WEEKDAY_GATE * gate);
      if (weekday[k] !== this.effect) changed = true;
      weekday[k] = this.effect;
      this.weekdaySpread[k] = this.spread;
    }
    for (let p = 0; p < MONTH_POSITIONS; p++) {
      const c = Math.min(moCount[p] as number, MONTH_SAMPLES);
      for (let i = 0; i < c; i++) small[i] = (moRing[p * MONTH_SAMPLES + i] as number) - (weekday[moRingDow[p * MONTH_SAMPLES + i] as number] as number);
      const only = small[0] as number;
      this.robustEffect(c, MONTH_GATE * gate);
      if (month[p] !== this.effect) changed = true;
      month[p] = this.effect;
      this.monthSpread[p] = this.spread;
      this.monthHint[p] = c === 1 && Math.abs(only) >= MONTH_GATE * gate ? only : 0;
    }

    // Re-deseasonalise the history the windows below look at, under the new profiles (sparse
    // series look further back to find enough billed days).
    const from = Math.max(0, t - (this.zeroFraction > 0.5 ? 2 * LONG_WINDOW : LONG_WINDOW));
    if (changed) {
      for (let s = from; s < t; s++) {
        const v = y[s] as number;
        zs[s] = !Number.isNaN(v) && this.held[s] !== 1 ? v - (weekday[dow[s] as number] as number) - (month[pos[s] as number] as number) : Number.NaN;
      }
      this.window.invalidate();
    }

    // Trend within the current regime: two half-window medians, kept only when significant. A
    // regime too young to measure keeps the previous trend (growth continues across a level change).
    const half = Math.min(SHORT_WINDOW, Math.floor((t - this.regimeStart) / 2));
    if (half >= 14) {
      this.slope = 0;
      const recent = this.windowMedian(t - half, t);
      const before = this.windowMedian(t - 2 * half, t - half);
      const se = 1.25 * this.sigma * Math.sqrt(2 / half);
      if (!Number.isNaN(recent) && !Number.isNaN(before) && Math.abs(recent - before) >= 2 * se) this.slope = (recent - before) / half;
    }

    // Established level (≥ LONG_WINDOW days, longer for sparse series) and the share of zero days.
    let zeros = 0;
    let sumIdx = 0;
    m = 0;
    for (let s = t - 1; s >= from && (s >= t - LONG_WINDOW || m < 14); s--) {
      if (zero[s] === 1 && s >= t - LONG_WINDOW) zeros++;
      const v = zs[s] as number;
      if (!Number.isNaN(v)) {
        buf[m++] = v;
        sumIdx += s;
      }
    }
    this.zeroFraction = zeros / Math.max(1, zeros + Math.min(m, LONG_WINDOW));
    this.longLevel = m >= 14 ? medianOf(buf, m) : Number.NaN;
    this.longCenter = m > 0 ? sumIdx / m : 0;
  }

  /** Copies the last `count` valid values of arr before t (looking back ≤ 3 × count days) into buf. */
  /**
   * σ implied by the 98th percentile of |one-step residual| over the last TAIL_WINDOW valid days
   * from TAIL_FROM on (2.326 σ for a normal); 0 with fewer than TAIL_MIN. One pass keeping the
   * four largest: the 98th percentile of 91 to 182 values is at most the 4th largest.
   */
  private upperTailScale(t: number): number {
    const e = this.e;
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let m = 0;
    for (let s = t - 1; s >= TAIL_FROM && s >= t - 3 * TAIL_WINDOW && m < TAIL_WINDOW; s--) {
      const v = Math.abs(e[s] as number);
      if (Number.isNaN(v)) continue;
      m++;
      if (v <= d) continue;
      if (v > a) [a, b, c, d] = [v, a, b, c];
      else if (v > b) [b, c, d] = [v, b, c];
      else if (v > c) [c, d] = [v, c];
      else d = v;
    }
    if (m < TAIL_MIN) return 0;
    const fromTop = m - 1 - Math.floor(0.98 * m);
    return (fromTop === 0 ? a : fromTop === 1 ? b : fromTop === 2 ? c : d) / 2.326;
  }

  private collectRecent(arr: Float64Array, t: number, count: number): number {
    const buf = this.buf;
    let m = 0;
    for (let s = t - 1; s >= 0 && s >= t - 3 * count && m < count; s--) {
      const v = arr[s] as number;
      if (!Number.isNaN(v)) buf[m++] = v;
    }
    return m;
  }

  /**
   * A seasonal effect from its c samples in `small`: the median, kept only when it is larger than
   * `gate` and at least two thirds of the samples (and at least two) agree with it in sign and half
   * its size, so one anomaly on a weekday or a date is never learned as a pattern. Also sets
   * `spread`, the samples' robust standard deviation (batch sizes vary month to month).
   */
  private robustEffect(c: number, gate: number): void {
    this.effect = 0;
    this.spread = 0;
    if (c < 2) return;
    const small = this.small;
    // The median is no larger than the largest sample: most positions exit here without sorting.
    let largest = 0;
    for (let i = 0; i < c; i++) largest = Math.max(largest, Math.abs(small[i] as number));
    if (largest < gate) return;
    const med = smallMedian(small, c); // sorts small[0..c)
    if (Math.abs(med) < gate) return;
    let agree = 0;
    for (let i = 0; i < c; i++) {
      const v = small[i] as number;
      if (Math.sign(v) === Math.sign(med) && Math.abs(v) >= 0.5 * Math.abs(med)) agree++;
    }
    if (3 * agree < 2 * c) return;
    this.effect = med;
    for (let i = 0; i < c; i++) small[i] = Math.abs((small[i] as number) - med);
    this.spread = MAD_TO_SIGMA * smallMedian(small, c);
  }

  /** Median deseasonalised value over [from, to), NaN when fewer than a third are valid. */
  private windowMedian(from: number, to: number): number {
    const { buf, zs } = this;
    let m = 0;
    for (let s = Math.max(0, from); s < to; s++) {
      const v = zs[s] as number;
      if (!Number.isNaN(v)) buf[m++] = v;
    }
    return 3 * m >= to - from ? medianOf(buf, m) : Number.NaN;
  }
}

/**
 * True when a deviation repeats the one earlier occurrence seen at the same month position (same
 * sign, between half and twice its size on the log scale): the second sighting of a monthly fee or
 * batch in a young series is a pattern forming, not an anomaly.
 */
function repeatsHint(dev: number, hint: number): boolean {
  if (hint === 0 || Math.sign(dev) !== Math.sign(hint)) return false;
  const ratio = dev / hint;
  return ratio >= 0.5 && ratio <= 2;
}
