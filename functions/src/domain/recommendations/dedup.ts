import { compareSavings, resourceKey, type Recommendation } from "./recommendation.js";
import { score, type ScoringOptions } from "./scoring.js";

export interface ScoredRecommendation extends Recommendation {
  readonly score: number;
}

/**
 * What happened to the other recommendations for one resource. `duplicate`: they propose the same
 * action (two recommenders both say "delete"), so dropping them loses nothing. `conflict`: they
 * propose a different action (resize against delete); only one can be applied, and the dashboard
 * shows the alternatives next to the one kept.
 */
export interface Superseded {
  readonly resourceKey: string;
  readonly kind: "duplicate" | "conflict";
  readonly kept: ScoredRecommendation;
  readonly dropped: readonly ScoredRecommendation[];
}

export interface Deduplicated {
  /** One recommendation per resource, sorted by score (then savings, then provider id). */
  readonly kept: readonly ScoredRecommendation[];
  readonly superseded: readonly Superseded[];
}

/**
 * Orders by value: higher score first; on equal score, higher savings when the currencies agree;
 * then provider and provider id, so that the result never depends on input order.
 */
export function byValue(a: ScoredRecommendation, b: ScoredRecommendation): number {
  if (a.score !== b.score) return b.score - a.score;
  const s = compareSavings(a.monthlySavings, b.monthlySavings);
  if (s !== null && s !== 0) return -s;
  if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
  return a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0;
}

/**
 * One action per resource, across recommenders and clouds: the highest-value recommendation is
 * kept. Value is the score rather than raw savings, because a delete usually saves more than a
 * resize but is riskier, and the score already weighs that.
 */
export function deduplicate(recs: readonly Recommendation[], options?: ScoringOptions): Deduplicated {
  const groups = new Map<string, ScoredRecommendation[]>();
  for (const r of recs) {
    const key = resourceKey(r);
    const scored: ScoredRecommendation = { ...r, score: score(r, options) };
    const group = groups.get(key);
    if (group) group.push(scored);
    else groups.set(key, [scored]);
  }
  const kept: ScoredRecommendation[] = [];
  const superseded: Superseded[] = [];
  for (const [key, group] of groups) {
    const sorted = [...group].sort(byValue);
    const best = sorted[0] as ScoredRecommendation;
    kept.push(best);
    const dropped = sorted.slice(1).filter((r) => !(r.provider === best.provider && r.providerId === best.providerId));
    if (dropped.length === 0) continue;
    const kind = dropped.some((r) => r.action !== best.action) ? "conflict" : "duplicate";
    superseded.push({ resourceKey: key, kind, kept: best, dropped });
  }
  kept.sort(byValue);
  superseded.sort((a, b) => (a.resourceKey < b.resourceKey ? -1 : a.resourceKey > b.resourceKey ? 1 : 0));
  return { kept, superseded };
}
