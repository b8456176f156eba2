import { GetLlmUsageInput, getLlmUsage as get } from "#domain/llm-usage/usage.js";
import { defineCallable } from "../define.js";

export const getLlmUsage = defineCallable({
  name: "getLlmUsage",
  input: GetLlmUsageInput,
  skill: "llm-usage",
  action: "read",
  auth: ["id-token", "api-key"],
  handler: async ({ input, ctx, deps }) => get(await deps.llmLedger(), ctx.tenantId, input),
});
