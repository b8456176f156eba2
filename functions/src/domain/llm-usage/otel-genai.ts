import { z } from "zod";
import { AppError } from "#kernel/errors.js";
import type { LlmUsageEventSchema, ServiceTier } from "./event.js";

/**
 * OpenTelemetry GenAI spans as usage events. A gateway or an instrumented app exports its spans
 * as OTLP/JSON (an `ExportTraceServiceRequest`, the JSON encoding of opentelemetry-proto's
 * trace.proto: hex trace and span ids, 64-bit integers as decimal strings or numbers, attributes
 * as `{key, value: {stringValue | intValue | doubleValue | boolValue}}`); every span that carries
 * a model and `gen_ai.usage.*` token counts becomes one event, and any other span is skipped.
 * Attribute names follow the GenAI semantic conventions (opentelemetry.io/docs/specs/semconv/gen-ai);
 * the table of the mapping is in docs/llm-usage.md.
 */

/** Spans one message may carry: the same bound as events in one recordLlmUsage call. */
export const MAX_SPANS = 1000;

const AnyValue = z
  .object({
    stringValue: z.string().max(4096).optional(),
    intValue: z.union([z.string().regex(/^-?\d{1,19}$/), z.number().int()]).optional(),
    doubleValue: z.number().optional(),
    boolValue: z.boolean().optional(),
  })
  // Other value kinds (arrays, maps, bytes) carry no usage: accepted and ignored.
  .passthrough();
const KeyValue = z.object({ key: z.string().min(1).max(256), value: AnyValue.optional() });
const Attributes = z.array(KeyValue).max(256).default([]);

const Span = z.object({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, "traceId is 32 hex digits"),
  spanId: z.string().regex(/^[0-9a-fA-F]{16}$/, "spanId is 16 hex digits"),
  startTimeUnixNano: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().min(0)]),
  attributes: Attributes,
});

/** OTLP/JSON ExportTraceServiceRequest; fields the mapping does not read are ignored. */
export const OtlpTraceRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: Attributes }).optional(),
        scopeSpans: z.array(z.object({ spans: z.array(Span).max(MAX_SPANS) })).max(100),
      }),
    )
    .min(1)
    .max(100),
});
export type OtlpTraceRequest = z.infer<typeof OtlpTraceRequest>;

/** `gen_ai.provider.name` (and the older `gen_ai.system`) values as the price database's provider ids. */
const PROVIDERS: Readonly<Record<string, string>> = {
  openai: "openai",
  anthropic: "anthropic",
  "aws.bedrock": "aws",
  "azure.ai.openai": "azure",
  "azure.ai.inference": "azure",
  "gcp.gemini": "google",
  "gcp.vertex_ai": "google",
  "gcp.gen_ai": "google",
  // gen_ai.system values of semantic conventions 1.36 and before
  vertex_ai: "google",
  gemini: "google",
  az: "azure",
  x_ai: "x-ai",
  xai: "x-ai",
  mistral_ai: "mistral",
  deepseek: "deepseek",
  groq: "groq",
  perplexity: "perplexity",
  cohere: "cohere",
};

/** `openai.response.service_tier` values (what the call was billed at) as service tiers. */
const TIERS: Readonly<Record<string, ServiceTier>> = { default: "standard", auto: "standard", standard: "standard", flex: "flex", priority: "priority", batch: "batch" };

type Value = string | number | boolean;

function flatten(attrs: readonly z.infer<typeof KeyValue>[]): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const { key, value } of attrs) {
    if (!value) continue;
    const v = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue;
    if (v !== undefined) out.set(key, v);
  }
  return out;
}

const str = (a: Map<string, Value>, ...keys: string[]) => {
  for (const k of keys) {
    const v = a.get(k);
    if (typeof v === "string" && v !== "") return v;
  }
  return undefined;
};
const count = (a: Map<string, Value>, key: string) => {
  const v = a.get(key);
  return typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;
};

/**
 * The usage events of an OTLP/JSON trace export, as input of {@link LlmUsageEventSchema} (the
 * caller validates them like any other event). The event id is `otel:<traceId>:<spanId>`, so a
 * span exported twice counts once.
 *
 * @example
 *   genAiSpansToEvents(OtlpTraceRequest.parse(body));
 *   // [{ eventId: "otel:5b8e…:eee1…", provider: "openai", model: "gpt-4o-mini", inputTokens: 1200, … }]
 */
export function genAiSpansToEvents(req: OtlpTraceRequest): z.input<typeof LlmUsageEventSchema>[] {
  const out: z.input<typeof LlmUsageEventSchema>[] = [];
  for (const rs of req.resourceSpans) {
    const resource = flatten(rs.resource?.attributes ?? []);
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const a = flatten(span.attributes);
        const model = str(a, "gen_ai.response.model", "gen_ai.request.model");
        const inputTokens = count(a, "gen_ai.usage.input_tokens");
        const outputTokens = count(a, "gen_ai.usage.output_tokens");
        // Not a model call with usage (a tool call, an agent step, an HTTP span): nothing to bill.
        if (!model || inputTokens === undefined || outputTokens === undefined) continue;
        const id = `otel:${span.traceId.toLowerCase()}:${span.spanId.toLowerCase()}`;
        const system = str(a, "gen_ai.provider.name", "gen_ai.system");
        const provider = system === undefined ? undefined : Object.hasOwn(PROVIDERS, system) ? PROVIDERS[system] : system;
        if (!provider) throw new AppError("invalid-argument", `span ${id} has no gen_ai.provider.name`);
        const tierName = str(a, "openai.response.service_tier", "gen_ai.openai.response.service_tier", "openai.request.service_tier", "gen_ai.openai.request.service_tier");
        if (tierName !== undefined && !Object.hasOwn(TIERS, tierName)) throw new AppError("invalid-argument", `span ${id}: service tier "${tierName}" is not one the ledger prices`);
        const tags: Record<string, string> = {};
        const tag = (name: string, v: string | undefined) => {
          if (v !== undefined) tags[name] = v;
        };
        tag("app", str(a, "costmon.app") ?? str(resource, "costmon.app", "service.name"));
        tag("team", str(a, "costmon.team") ?? str(resource, "costmon.team"));
        tag("user", str(a, "user.id", "costmon.user"));
        tag("key", str(a, "costmon.key"));
        const nanos = BigInt(span.startTimeUnixNano);
        out.push({
          eventId: id,
          provider,
          model,
          inputTokens,
          outputTokens,
          cacheReadTokens: count(a, "gen_ai.usage.cache_read.input_tokens") ?? 0,
          cacheWriteTokens: count(a, "gen_ai.usage.cache_creation.input_tokens") ?? 0,
          serviceTier: tierName === undefined ? "standard" : (TIERS[tierName] as ServiceTier),
          requestedAt: new Date(Number(nanos / 1_000_000n)).toISOString(),
          tags,
        });
      }
    }
  }
  return out;
}
