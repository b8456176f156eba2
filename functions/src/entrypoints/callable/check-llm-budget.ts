import { CheckLlmBudgetInput } from "#domain/llm-usage/usage.js";
import { defineCallable } from "../define.js";

/**
 * What a gateway calls before it sends a request to a model: resource-exhausted when a budget
 * with a hard limit covering the request is spent, otherwise the standing of those budgets.
 */
export const checkLlmBudget = defineCallable({
  name: "checkLlmBudget",
  input: CheckLlmBudgetInput,
  skill: "llm-usage",
  action: "read",
  auth: ["api-key", "id-token"],
  handler: async ({ input, ctx, deps }) => deps.llmUsage.check(ctx.tenantId, input),
});
