import { RecordLlmUsageInput, recordLlmUsage as record } from "#domain/llm-usage/usage.js";
import { trackLlmCall } from "#foundation/observability/llm-tracking.js";
import { defineCallable } from "../define.js";

/** Called by tenants' services with an API key scoped to `llm-usage`. */
export const recordLlmUsage = defineCallable({
  name: "recordLlmUsage",
  input: RecordLlmUsageInput,
  skill: "llm-usage",
  action: "write",
  auth: ["api-key", "id-token"],
  handler: async ({ input, ctx, deps }) => {
    const r = await record(deps.documents, ctx.tenantId, input, deps.clock.now());
    trackLlmCall(deps.metrics, input.model, { input: input.inputTokens, output: input.outputTokens, cached: input.cachedTokens, reasoning: input.reasoningTokens }, input.latencyMs ?? 0, r.costUsd, ctx.log);
    return r;
  },
});
