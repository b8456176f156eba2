import { z } from "zod";
import { MoneyString, add, compareDecimals } from "../billing/money.js";

/**
 * One provider recommendation, normalized across GCP Recommender, AWS Cost Explorer and Azure
 * Advisor. Savings are the provider's own monthly estimate as an exact decimal in its currency;
 * nothing here converts currencies, so amounts are only ever compared or summed per currency.
 */

export const RECOMMENDATION_PROVIDERS = ["gcp", "aws", "azure"] as const;
export type RecommendationProvider = (typeof RECOMMENDATION_PROVIDERS)[number];

export const RECOMMENDATION_CATEGORIES = ["rightsizing", "idle", "commitment", "storage"] as const;
export type RecommendationCategory = (typeof RECOMMENDATION_CATEGORIES)[number];

/**
 * What the recommendation would do to its resource. Two recommendations for one resource with
 * different actions cannot both be applied (a VM cannot be resized and deleted), which is what
 * de-duplication reports as a conflict.
 */
export const RECOMMENDATION_ACTIONS = ["resize", "stop", "delete", "purchase", "change_storage_class", "other"] as const;
export type RecommendationAction = (typeof RECOMMENDATION_ACTIONS)[number];

export const LEVELS = ["low", "medium", "high"] as const;
export type Level = (typeof LEVELS)[number];

/** Lifecycle in the tenant store; `active` is where every synced recommendation starts. */
export const RECOMMENDATION_STATES = ["active", "claimed", "succeeded", "failed", "dismissed"] as const;
export type RecommendationState = (typeof RECOMMENDATION_STATES)[number];

const Currency = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code");

export const SavingsSchema = z
  .object({
    /** Positive means money saved per month; a recommendation that costs more is negative. */
    amount: MoneyString,
    currency: Currency,
  })
  .strict();
export type Savings = z.infer<typeof SavingsSchema>;

export const RecommendationSchema = z
  .object({
    provider: z.enum(RECOMMENDATION_PROVIDERS),
    /** The provider's own identifier (GCP recommendation name, AWS/Azure ids), used to mirror lifecycle back. */
    providerId: z.string().min(1).max(1024),
    /** Optimistic-concurrency token the provider wants back on state changes; null where it has none. */
    etag: z.string().max(256).nullable(),
    /** Which recommender produced it (e.g. google.compute.instance.IdleResourceRecommender), for per-recommender statistics. */
    recommender: z.string().min(1).max(256),
    /** Cloud account (project, AWS account, subscription) it belongs to. */
    accountId: z.string().max(256),
    /** The resource acted on, as the provider names it; commitments name their scope (project/region, account). */
    resource: z.string().min(1).max(1024),
    category: z.enum(RECOMMENDATION_CATEGORIES),
    action: z.enum(RECOMMENDATION_ACTIONS),
    description: z.string().max(2000),
    monthlySavings: SavingsSchema,
    effort: z.enum(LEVELS),
    risk: z.enum(LEVELS),
    confidence: z.enum(LEVELS),
    /**
     * The ledger's service_name the saving shows up under in this account (realized.ts compares
     * its spend before and after); absent when the saving spans services (a commitment).
     */
    ledgerService: z.string().min(1).max(256).optional(),
  })
  .strict();
export type Recommendation = z.infer<typeof RecommendationSchema>;

/**
 * The key one action per resource is chosen by. Provider spellings of one resource differ: GCP
 * full resource names carry a service prefix, Azure resource ids are case-insensitive, AWS EC2
 * rightsizing names the instance id while other sources give its ARN.
 */
export function resourceKey(rec: Pick<Recommendation, "provider" | "resource">): string {
  let r = rec.resource.trim();
  if (rec.provider === "gcp") r = r.replace(/^\/\/[a-z0-9.-]+\.googleapis\.com\//, "");
  if (rec.provider === "azure") r = r.toLowerCase();
  if (rec.provider === "aws") {
    const arn = /^arn:aws[a-z-]*:ec2:[^:]*:[^:]*:instance\/(i-[0-9a-f]+)$/.exec(r);
    if (arn?.[1]) r = arn[1];
  }
  return `${rec.provider}:${r}`;
}

/** Monthly savings per currency; never adds amounts of different currencies. */
export function savingsByCurrency(recs: readonly Pick<Recommendation, "monthlySavings">[]): Record<string, string> {
  const totals: Record<string, string> = {};
  for (const r of recs) {
    const { amount, currency } = r.monthlySavings;
    const prev = totals[currency];
    totals[currency] = prev === undefined ? amount : add(prev, amount);
  }
  return totals;
}

/** Orders two savings; null when their currencies differ and so cannot be compared. */
export function compareSavings(a: Savings, b: Savings): -1 | 0 | 1 | null {
  if (a.currency !== b.currency) return null;
  return compareDecimals(a.amount, b.amount);
}
