import { UpdateRecommendationInput, updateRecommendation as update } from "#domain/recommendations/lifecycle.js";
import { defineCallable } from "../define.js";

/**
 * Claim, dismiss with a reason, or mark done (succeeded / failed); a stale etag is refused with
 * `aborted`. GCP Recommender recommendations are changed at Recommender too, first, with their etag.
 */
export const updateRecommendation = defineCallable({
  name: "updateRecommendation",
  input: UpdateRecommendationInput,
  skill: "recommendations",
  action: "write",
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `recommendations/${input.id}`;
    return update(deps.documents, ctx.tenantId, input, ctx.principal.id, deps.clock.now(), deps.recommendationLifecycles);
  },
});
