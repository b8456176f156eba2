import { ListRecommendationsInput, listRecommendations as list } from "#domain/recommendations/lifecycle.js";
import { defineCallable } from "../define.js";

/** The tenant's recommendations, highest score first, filtered by provider, category, state and minimum savings. */
export const listRecommendations = defineCallable({
  name: "listRecommendations",
  input: ListRecommendationsInput,
  skill: "recommendations",
  action: "read",
  auth: ["id-token", "api-key"],
  handler: async ({ input, ctx, deps }) => list(deps.documents, ctx.tenantId, input),
});
