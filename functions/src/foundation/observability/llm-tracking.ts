import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";

export interface LlmTokens {
  input: number;
  output: number;
  cached?: number;
  reasoning?: number;
}

/** One of the platform's own LLM calls, as the usage ledger records it (recordLlmUsage's event shape). */
export interface LlmCallUsage {
  eventId: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  reasoningTokens: number;
  requestedAt: string;
  latencyMs: number;
  /** What the caller computed: kept beside the ledger's own price, for reconciliation. */
  clientCostUsd: string;
  tags: { app: string };
}

/** Where the platform's own calls go: the composition root points it at the usage ledger (AppDeps.platformLlmUsage). */
export type LlmUsageSink = (usage: LlmCallUsage) => Promise<unknown>;

/** What trackLlmCall needs to record a call in the ledger besides what it counts. */
export interface LlmUsageTarget {
  sink: LlmUsageSink;
  /** Price-database provider id: openai, anthropic, google, aws, azure… */
  provider: string;
  /** The call's id, the same on a retry of the same call, so the ledger counts it once. */
  eventId: string;
  /** When the request was made (its prices and its ledger day). */
  at: Date;
  /** The platform component that made the call, kept as the `app` tag. */
  app: string;
}

/**
 * F3 `trackLlmCall(model, tokens, latency, cost)`: counts calls and tokens per model, observes
 * latency, and logs one `llm.call` event with the cost as an exact decimal string. With `usage`,
 * the call also goes to the usage ledger by the same path as a tenant's (priced, budgeted, in the
 * cost ledger each night) under the platform's tenant; the returned promise settles when it is
 * recorded, and a failure to record is logged, never thrown at the caller.
 *
 * @example
 *   trackLlmCall(metrics, "gpt-4o", { input: 1200, output: 300 }, 850, "0.006", log);
 *   await trackLlmCall(metrics, "gpt-4o", tokens, 850, "0.006", log, { sink: deps.platformLlmUsage, provider: "openai", eventId: "help-42", at: new Date(), app: "help" });
 */
export function trackLlmCall(metrics: Metrics, model: string, tokens: LlmTokens, latencyMs: number, costUsd: string, log?: Logger, usage?: LlmUsageTarget): Promise<void> {
  const labels = { model };
  metrics.increment("llm_calls", labels);
  metrics.increment("llm_tokens_input", labels, tokens.input);
  metrics.increment("llm_tokens_output", labels, tokens.output);
  if (tokens.cached) metrics.increment("llm_tokens_cached", labels, tokens.cached);
  if (tokens.reasoning) metrics.increment("llm_tokens_reasoning", labels, tokens.reasoning);
  metrics.observe("llm_latency_ms", latencyMs, labels);
  log?.event("llm.call", { model, tokens, latencyMs, costUsd });
  if (!usage) return Promise.resolve();
  const call: LlmCallUsage = {
    eventId: usage.eventId,
    provider: usage.provider,
    model,
    inputTokens: tokens.input,
    outputTokens: tokens.output,
    cacheReadTokens: tokens.cached ?? 0,
    reasoningTokens: tokens.reasoning ?? 0,
    requestedAt: usage.at.toISOString(),
    latencyMs,
    clientCostUsd: costUsd,
    tags: { app: usage.app },
  };
  return usage.sink(call).then(
    () => undefined,
    (err: unknown) => {
      metrics.increment("llm_usage_record_failures", labels);
      log?.error("platform LLM call not recorded in the usage ledger", { model, eventId: usage.eventId, error: String(err) });
    },
  );
}
