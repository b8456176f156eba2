import { type Recommendation, RecommendationSchema } from "#domain/recommendations/recommendation.js";

/**
 * A GCP machine-type recommendation ($10 a month, medium effort and risk, etag `"e1"`), parsed by
 * the real schema, with what a test names overriding it.
 */
export function recommendation(over: Partial<Recommendation> & Pick<Recommendation, "providerId" | "resource">): Recommendation {
  return RecommendationSchema.parse({
    provider: "gcp",
    etag: '"e1"',
    recommender: "google.compute.instance.MachineTypeRecommender",
    accountId: "p1",
    category: "rightsizing",
    action: "resize",
    description: "",
    monthlySavings: { amount: "10", currency: "USD" },
    effort: "medium",
    risk: "medium",
    confidence: "high",
    ...over,
  });
}
