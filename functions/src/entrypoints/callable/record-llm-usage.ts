import { RecordLlmUsageInput } from "#domain/llm-usage/event.js";
import { TOPICS } from "#domain/nightly/messages.js";
import { defineCallable } from "../define.js";

/**
 * Called by tenants' gateways and services with an API key scoped to `llm-usage`: one event or a
 * batch, each with its own event id, so a retried call counts once. A budget threshold the call
 * crosses is alerted at once (`llm_budget.crossed` on the alerts topic).
 */
export const recordLlmUsage = defineCallable({
  name: "recordLlmUsage",
  input: RecordLlmUsageInput,
  skill: "llm-usage",
  action: "write",
  auth: ["api-key", "id-token"],
  handler: async ({ input, ctx, deps }) => {
    const tenantId = ctx.tenantId;
    const r = await deps.llmUsage.record(tenantId, input, { publishAlerts: (events) => deps.bus.publish(TOPICS.alerts, { tenantId, events }) });
    deps.metrics.increment("llm_events_recorded", {}, r.accepted);
    if (r.duplicates.length) deps.metrics.increment("llm_events_duplicate", {}, r.duplicates.length);
    if (r.alerts && !r.alerts.published) ctx.log.error("LLM budget alerts not published", { raised: r.alerts.raised });
    return r;
  },
});
