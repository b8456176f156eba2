import { toNumber } from "../billing/money.js";
import type { Level, Recommendation } from "./recommendation.js";

/**
 * Score 0–100: savings 40, effort 20, risk 20, confidence 20 points.
 *
 * Savings normalization: savings points = 40 × min(1, log10(1 + S) / log10(1 + C)), where S is
 * the monthly savings in the recommendation's own currency and C the saturation amount for that
 * currency (default 9,999 a month, so log10(1 + C) = 4). A logarithm because savings span five
 * orders of magnitude: 99 a month earns 20 points, 9 earns 10, 999 earns 30, and everything from
 * C up earns the full 40, so one huge commitment does not flatten every other score to zero.
 * S ≤ 0 earns 0. No exchange rates: a tenant with several currencies sets C per currency so that
 * the scales agree.
 *
 * Effort and risk: low 20, medium 10, high 0. Confidence: high 20, medium 10, low 0.
 * The sum is rounded to the nearest integer (halves up).
 */
export const SCORE_WEIGHTS = { savings: 40, effort: 20, risk: 20, confidence: 20 } as const;

export const DEFAULT_SATURATION = "9999";

export interface ScoringOptions {
  /** Saturation amount per currency code; currencies not listed use `defaultSaturation`. */
  readonly saturationByCurrency?: Readonly<Record<string, string>>;
  readonly defaultSaturation?: string;
}

export interface ScoreBreakdown {
  readonly savings: number;
  readonly effort: number;
  readonly risk: number;
  readonly confidence: number;
  readonly total: number;
}

const LOW_IS_GOOD: Record<Level, number> = { low: 1, medium: 0.5, high: 0 };
const HIGH_IS_GOOD: Record<Level, number> = { low: 0, medium: 0.5, high: 1 };

/** The savings share in [0, 1] before weighting. */
export function savingsFraction(amount: string, saturation: string): number {
  // Scores are a model output, not money: the float view of the amount is enough here.
  const s = toNumber(amount);
  const c = toNumber(saturation);
  if (!(c > 0)) throw new RangeError(`saturation must be positive: ${saturation}`);
  if (!(s > 0)) return 0;
  return Math.min(1, Math.log10(1 + s) / Math.log10(1 + c));
}

export function scoreBreakdown(
  rec: Pick<Recommendation, "monthlySavings" | "effort" | "risk" | "confidence">,
  options: ScoringOptions = {},
): ScoreBreakdown {
  const saturation =
    options.saturationByCurrency?.[rec.monthlySavings.currency] ?? options.defaultSaturation ?? DEFAULT_SATURATION;
  const savings = SCORE_WEIGHTS.savings * savingsFraction(rec.monthlySavings.amount, saturation);
  const effort = SCORE_WEIGHTS.effort * LOW_IS_GOOD[rec.effort];
  const risk = SCORE_WEIGHTS.risk * LOW_IS_GOOD[rec.risk];
  const confidence = SCORE_WEIGHTS.confidence * HIGH_IS_GOOD[rec.confidence];
  // Round at a 1e-9 grid first so that 29.9999999997 from the logarithm rounds like 30.
  const raw = Math.round((savings + effort + risk + confidence) * 1e9) / 1e9;
  return { savings, effort, risk, confidence, total: Math.min(100, Math.max(0, Math.floor(raw + 0.5))) };
}

export function score(rec: Pick<Recommendation, "monthlySavings" | "effort" | "risk" | "confidence">, options?: ScoringOptions): number {
  return scoreBreakdown(rec, options).total;
}
