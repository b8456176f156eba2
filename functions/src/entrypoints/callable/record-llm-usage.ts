import { RecordLlmUsageInput } from "#domain/llm-usage/event.js";
import { defineCallable } from "../define.js";

/**
 * Called by tenants' gateways and services with an API key scoped to `llm-usage`: one event or a
 * batch, each with its own event id, so a retried call counts once.
 */
export const recordLlmUsage = defineCallable({
  name: "recordLlmUsage",
  input: RecordLlmUsageInput,
  skill: "llm-usage",
  action: "write",
  auth: ["api-key", "id-token"],
  handler: async ({ input, ctx, deps }) => {
    const r = await deps.llmUsage.record(ctx.tenantId, input);
    deps.metrics.increment("llm_events_recorded", {}, r.accepted);
    if (r.duplicates.length) deps.metrics.increment("llm_events_duplicate", {}, r.duplicates.length);
    return r;
  },
});
