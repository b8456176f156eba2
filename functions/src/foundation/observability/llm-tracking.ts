import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";

export interface LlmTokens {
  input: number;
  output: number;
  cached?: number;
  reasoning?: number;
}

/**
 * F3 `trackLlmCall(model, tokens, latency, cost)`: counts calls and tokens per model, observes
 * latency, and logs one `llm.call` event with the cost as an exact decimal string.
 *
 * @example
 *   trackLlmCall(metrics, "gpt-4o", { input: 1200, output: 300 }, 850, "0.006", log);
 */
export function trackLlmCall(metrics: Metrics, model: string, tokens: LlmTokens, latencyMs: number, costUsd: string, log?: Logger): void {
  const labels = { model };
  metrics.increment("llm_calls", labels);
  metrics.increment("llm_tokens_input", labels, tokens.input);
  metrics.increment("llm_tokens_output", labels, tokens.output);
  if (tokens.cached) metrics.increment("llm_tokens_cached", labels, tokens.cached);
  if (tokens.reasoning) metrics.increment("llm_tokens_reasoning", labels, tokens.reasoning);
  metrics.observe("llm_latency_ms", latencyMs, labels);
  log?.event("llm.call", { model, tokens, latencyMs, costUsd });
}
