import { LLM_USAGE_TOPIC, LlmUsageMessage, parseUsagePayload } from "#domain/llm-usage/ingest-message.js";
import { TOPICS } from "#domain/nightly/messages.js";
import { verifyApiKeySignature } from "#foundation/iam/api-key-signature.js";
import { authorize } from "#foundation/iam/authorize.js";
import { AppError } from "#kernel/errors.js";
import { defineEventHandler } from "../define.js";

/**
 * Usage batches a gateway publishes to the `llm-usage` topic (high volume, nobody waiting on an
 * answer): the same path as recordLlmUsage. The tenant is the one of the API key that signed the
 * message, which must be allowed to write `llm-usage` as the callable requires; a message whose
 * signature does not verify is refused and dead-lettered. Past a hard limit the events are still
 * recorded (the spend happened) and the refusal is left to checkLlmBudget, which the gateway asks
 * before each request.
 */
export const ingestLlmUsage = defineEventHandler({
  name: "ingestLlmUsage",
  topic: LLM_USAGE_TOPIC,
  input: LlmUsageMessage,
  handler: async ({ input, ctx, deps }) => {
    const principal = await verifyApiKeySignature(deps.apiKeys, input.keyPrefix, input.payload, input.signature);
    if (!principal?.tenantId) throw new AppError("permission-denied", `signature does not verify with an active key ${input.keyPrefix}`);
    const tenantId = principal.tenantId;
    // As the callable decides for a call naming no zone: allowed in any zone the key holds.
    const decisions = principal.zones.map((zone) => authorize(principal, "write", "llm-usage", { tenantId }, zone));
    if (!decisions.some((d) => d.allowed)) throw new AppError("permission-denied", `key ${input.keyPrefix} may not record LLM usage (${decisions[0]?.reason ?? "zone-not-granted"})`);
    const batch = parseUsagePayload(input.payload);
    if (!batch) {
      ctx.log.info("no GenAI span to record", { key: input.keyPrefix });
      return;
    }
    const r = await deps.llmUsage.record(tenantId, batch, { enforce: false, publishAlerts: (events) => deps.bus.publish(TOPICS.alerts, { tenantId, events }) });
    deps.metrics.increment("llm_events_recorded", {}, r.accepted);
    if (r.duplicates.length) deps.metrics.increment("llm_events_duplicate", {}, r.duplicates.length);
    if (r.alerts && !r.alerts.published) ctx.log.error("LLM budget alerts not published", { tenantId, raised: r.alerts.raised });
    ctx.log.info("llm usage ingested", { tenantId, key: input.keyPrefix, accepted: r.accepted, duplicates: r.duplicates.length, exhaustedBudgets: r.exhausted?.length ?? 0 });
  },
});
