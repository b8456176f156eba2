import { describe, expect, it } from "vitest";
import { LlmUsageEventSchema } from "#domain/llm-usage/event.js";
import { parseUsagePayload } from "#domain/llm-usage/ingest-message.js";
import { genAiSpansToEvents, OtlpTraceRequest } from "#domain/llm-usage/otel-genai.js";
import { AppError } from "#kernel/errors.js";

/**
 * OTLP/JSON as opentelemetry-proto's examples/trace.json writes it (hex ids, 64-bit integers as
 * numbers or decimal strings, attributes as key and typed value), with GenAI attributes of the
 * semantic conventions (opentelemetry.io/docs/specs/semconv/gen-ai: gen-ai-spans and the
 * attribute registry, gen_ai.usage.cache_read.input_tokens and cache_creation included).
 */
const s = (key: string, stringValue: string) => ({ key, value: { stringValue } });
const i = (key: string, intValue: number | string) => ({ key, value: { intValue } });

function span(traceId: string, spanId: string, attributes: unknown[], startTimeUnixNano: number | string = "1772359200000000000") {
  return { traceId, spanId, parentSpanId: "EEE19B7EC3C1B173", name: "chat", kind: 3, startTimeUnixNano, endTimeUnixNano: "1772359201000000000", attributes };
}

const TRACE = "5B8EFFF798038103D269B633813FC60C";

function exportOf(spans: unknown[], resource: unknown[] = [s("service.name", "support-bot")]) {
  return { resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ scope: { name: "opentelemetry.instrumentation.openai", version: "0.1" }, spans }] }] };
}

describe("OpenTelemetry GenAI spans as usage events", () => {
  it("maps a chat span: provider, response model, tokens with cache parts, tier, time and tags", () => {
    // Prepare
    const req = exportOf([
      span(TRACE, "EEE19B7EC3C1B174", [
        s("gen_ai.operation.name", "chat"),
        s("gen_ai.provider.name", "openai"),
        s("gen_ai.request.model", "gpt-4o"),
        s("gen_ai.response.model", "gpt-4o-2024-08-06"),
        i("gen_ai.usage.input_tokens", "1200"),
        i("gen_ai.usage.output_tokens", 300),
        i("gen_ai.usage.cache_read.input_tokens", 1000),
        s("openai.response.service_tier", "flex"),
        s("user.id", "ann"),
        s("costmon.team", "search"),
        s("costmon.key", "gw-1"),
      ]),
    ]);
    // Act
    const events = genAiSpansToEvents(OtlpTraceRequest.parse(req));
    // Assess
    expect(events).toEqual([
      {
        eventId: "otel:5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174",
        provider: "openai",
        model: "gpt-4o-2024-08-06",
        inputTokens: 1200,
        outputTokens: 300,
        cacheReadTokens: 1000,
        cacheWriteTokens: 0,
        serviceTier: "flex",
        requestedAt: "2026-03-01T10:00:00.000Z",
        tags: { app: "support-bot", team: "search", user: "ann", key: "gw-1" },
      },
    ]);
    expect(LlmUsageEventSchema.safeParse(events[0]).success).toBe(true);
  });

  it("names providers as the price database does, from gen_ai.provider.name or the older gen_ai.system", () => {
    const usage = [i("gen_ai.usage.input_tokens", 10), i("gen_ai.usage.output_tokens", 5), s("gen_ai.request.model", "m")];
    const names = ["aws.bedrock", "azure.ai.openai", "gcp.vertex_ai", "gcp.gemini", "x_ai", "mistral_ai", "anthropic", "deepseek"];
    const spans = names.map((n, k) => span(TRACE, `00000000000000${String(k).padStart(2, "0")}`, [...usage, s("gen_ai.provider.name", n)]));
    spans.push(span(TRACE, "00000000000000ff", [...usage, s("gen_ai.system", "vertex_ai")]));
    const events = genAiSpansToEvents(OtlpTraceRequest.parse(exportOf(spans)));
    expect(events.map((e) => e.provider)).toEqual(["aws", "azure", "google", "google", "x-ai", "mistral", "anthropic", "deepseek", "google"]);
  });

  it("skips spans that are not model calls with usage, and counts cache writes", () => {
    const req = exportOf([
      span(TRACE, "0000000000000001", [s("gen_ai.operation.name", "execute_tool"), s("gen_ai.tool.name", "search")]),
      span(TRACE, "0000000000000002", [s("http.request.method", "POST")]),
      span(TRACE, "0000000000000003", [
        s("gen_ai.provider.name", "anthropic"),
        s("gen_ai.request.model", "claude-sonnet-4-5"),
        i("gen_ai.usage.input_tokens", 5000),
        i("gen_ai.usage.output_tokens", 100),
        i("gen_ai.usage.cache_creation.input_tokens", 4000),
      ]),
    ]);
    const events = genAiSpansToEvents(OtlpTraceRequest.parse(req));
    expect(events.map((e) => [e.eventId.slice(-4), e.cacheWriteTokens, e.serviceTier])).toEqual([["0003", 4000, "standard"]]);
  });

  it("refuses a span without a provider and a service tier the ledger does not price", () => {
    const usage = [i("gen_ai.usage.input_tokens", 10), i("gen_ai.usage.output_tokens", 5), s("gen_ai.request.model", "gpt-4o")];
    const noProvider = exportOf([span(TRACE, "0000000000000001", usage)]);
    expect(() => genAiSpansToEvents(OtlpTraceRequest.parse(noProvider))).toThrow(AppError);
    const scale = exportOf([span(TRACE, "0000000000000001", [...usage, s("gen_ai.provider.name", "openai"), s("openai.response.service_tier", "scale")])]);
    expect(() => genAiSpansToEvents(OtlpTraceRequest.parse(scale))).toThrow(/service tier "scale"/);
  });

  it("takes a payload as a usage batch or an OTLP export, and refuses what is neither", () => {
    const batch = parseUsagePayload(JSON.stringify({ events: [{ eventId: "b1", provider: "openai", model: "gpt-4o", inputTokens: 1, outputTokens: 1, requestedAt: "2026-03-01T10:00:00Z" }] }));
    expect(batch && "events" in batch ? batch.events.map((e) => e.eventId) : null).toEqual(["b1"]);
    const otlp = parseUsagePayload(JSON.stringify(exportOf([span(TRACE, "0000000000000001", [s("gen_ai.provider.name", "openai"), s("gen_ai.request.model", "gpt-4o"), i("gen_ai.usage.input_tokens", 1), i("gen_ai.usage.output_tokens", 2)])])));
    expect(otlp && "events" in otlp ? otlp.events[0]?.outputTokens : null).toBe(2);
    expect(parseUsagePayload(JSON.stringify(exportOf([span(TRACE, "0000000000000001", [])])))).toBeNull();
    expect(() => parseUsagePayload("{not json")).toThrow(/not JSON/);
    expect(() => parseUsagePayload(JSON.stringify({ events: [], tenantId: "x" }))).toThrow(/invalid usage batch/);
    // Negative token counts reach the event schema and are refused there.
    const negative = exportOf([span(TRACE, "0000000000000001", [s("gen_ai.provider.name", "openai"), s("gen_ai.request.model", "gpt-4o"), i("gen_ai.usage.input_tokens", -5), i("gen_ai.usage.output_tokens", 2)])]);
    expect(() => parseUsagePayload(JSON.stringify(negative))).toThrow(/invalid usage batch/);
  });
});
