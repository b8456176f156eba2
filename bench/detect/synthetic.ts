/**
 * Seeded synthetic daily cost series for the detection benchmarks. Independent of the shared dev
 * set's generator: its own pattern mix, noise levels, magnitudes and dates, so a score on it says
 * something about generalisation (see generate-heldout.ts).
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { civilFromDays, daysInMonth } from "#kernel/days.js";

export class Rng {
  private readonly g;
  constructor(seed: number) {
    this.g = xoroshiro128plus(seed);
  }
  uniform(a = 0, b = 1): number {
    return a + (b - a) * uniformFloat64(this.g);
  }
  logUniform(a: number, b: number): number {
    return Math.exp(this.uniform(Math.log(a), Math.log(b)));
  }
  int(a: number, b: number): number {
    return Math.floor(this.uniform(a, b + 1));
  }
  chance(p: number): boolean {
    return this.uniform() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.uniform() * items.length)] as T;
  }
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
  /** Student-t with `df` degrees of freedom, scaled to unit variance (heavy-tailed noise). */
  studentT(df: number): number {
    let chi = 0;
    for (let i = 0; i < df; i++) chi += this.normal() ** 2;
    return (this.normal() / Math.sqrt(chi / df)) * Math.sqrt((df - 2) / df);
  }
}

export const KINDS = [
  "steady",
  "workday",
  "weekend_off",
  "weekly_batch",
  "month_end",
  "mid_month",
  "monthly_fee",
  "growing",
  "declining",
  "sparse",
  "tiny",
  "mixed",
  "heavy_tail",
  "past_shift",
] as const;
export type Kind = (typeof KINDS)[number];

export interface SeriesShape {
  kind: Kind;
  base: number;
  sigma: number;
  /** Multiplicative daily profile (patterns, trend, past shift) before noise. */
  profile: Float64Array;
  /** Probability of a zero day (sparse series). */
  zeroProb: number;
  heavy: boolean;
}

/** Draws a regular (anomaly-free) series shape of n days starting on startDay. */
export function drawShape(rng: Rng, kind: Kind, startDay: number, n: number): SeriesShape {
  const tiny = kind === "tiny";
  const base = tiny ? rng.logUniform(0.01, 0.9) : rng.logUniform(0.5, 20_000);
  const sigma = tiny ? rng.uniform(0.03, 0.3) : rng.logUniform(0.02, 0.15);
  const profile = new Float64Array(n).fill(1);
  const weekendFactor = kind === "weekend_off" ? 0 : rng.uniform(0.2, 0.8);
  const batchDay = rng.int(0, 6);
  const batchFactor = rng.uniform(1.8, 6);
  const midDay = rng.pick([5, 10, 15, 20, 25]);
  const feeFactor = rng.uniform(3, 30);
  const monthly = (kind === "declining" ? -1 : 1) * rng.uniform(0.03, kind === "declining" ? 0.15 : 0.25);
  // Past level change: at least 30 days before the 91-day evaluation window, unlabelled.
  const shiftAt = n >= 160 ? rng.int(30, n - 125) : n;
  const shiftFactor = rng.chance(0.5) ? rng.uniform(1.5, 2.5) : rng.uniform(0.4, 0.7);
  for (let i = 0; i < n; i++) {
    const day = startDay + i;
    const dow = (((day + 4) % 7) + 7) % 7;
    const { year, month, day: dom } = civilFromDays(day);
    const last = dom === daysInMonth(year, month);
    let f = 1;
    if ((kind === "workday" || kind === "weekend_off" || kind === "mixed") && (dow === 0 || dow === 6)) f *= weekendFactor;
    if (kind === "weekly_batch" && dow === batchDay) f *= batchFactor;
    if (kind === "month_end" && last) f *= batchFactor;
    if (kind === "mid_month" && dom === midDay) f *= batchFactor;
    if ((kind === "monthly_fee" || kind === "mixed") && dom === 1) f *= feeFactor;
    if (kind === "growing" || kind === "declining" || kind === "mixed") f *= (1 + monthly) ** (i / 30.4);
    if (kind === "past_shift" && i >= shiftAt) f *= shiftFactor;
    profile[i] = f;
  }
  return { kind, base, sigma, profile, zeroProb: kind === "sparse" ? rng.uniform(0.2, 0.7) : 0, heavy: kind === "heavy_tail" };
}

/** Noisy daily costs for a shape, times an optional anomaly multiplier per day. */
export function realise(rng: Rng, shape: SeriesShape, anomaly?: Float64Array): Float64Array {
  const n = shape.profile.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = anomaly?.[i] ?? 1;
    // Anomalous days of a sparse series are billed (as in the dev set); others may be zero.
    if (shape.zeroProb > 0 && a === 1 && rng.chance(shape.zeroProb)) continue;
    const eps = shape.heavy ? rng.studentT(4) : rng.normal();
    out[i] = Math.round(shape.base * (shape.profile[i] as number) * a * Math.exp(shape.sigma * eps) * 1e4) / 1e4;
  }
  return out;
}
