import { z } from "zod";
import { AppError } from "#kernel/errors.js";
import { RecordLlmUsageInput, type RecordLlmUsageRequest } from "./event.js";
import { genAiSpansToEvents, OtlpTraceRequest } from "./otel-genai.js";

/** The topic gateways publish usage to (DESIGN.md §2 naming: the unprefixed name). */
export const LLM_USAGE_TOPIC = "llm-usage";

/**
 * The payload's largest size in characters: one message of the topic arrives as a Pub/Sub push of
 * at most 1 MiB (BODY_LIMITS.event), base64 and the JSON escaping of the payload text included.
 */
export const MAX_PAYLOAD_CHARS = 600_000;

/**
 * One message on the topic. The tenant is not in it: `keyPrefix` names an API key and
 * `signature` is the HMAC-SHA256 of `payload` under that key (foundation/iam/api-key-signature.ts),
 * so the tenant is the key's. `payload` is JSON text, signed exactly as sent: either a batch in
 * recordLlmUsage's shape (`{"events": [...]}` or one event) or an OTLP/JSON trace export whose
 * GenAI spans become events (otel-genai.ts).
 */
export const LlmUsageMessage = z.strictObject({
  keyPrefix: z.string().regex(/^cm_[A-Za-z0-9]{8}$/, "keyPrefix is the API key's cm_XXXXXXXX"),
  signature: z.string().regex(/^[0-9a-f]{64}$/, "signature is 64 lowercase hex digits"),
  payload: z.string().min(2).max(MAX_PAYLOAD_CHARS),
});
export type LlmUsageMessage = z.infer<typeof LlmUsageMessage>;

/**
 * The events of a verified payload, validated as recordLlmUsage validates its input; null for a
 * trace export without a GenAI span (nothing to bill).
 */
export function parseUsagePayload(payload: string): RecordLlmUsageRequest | null {
  let data: unknown;
  try {
    data = JSON.parse(payload);
  } catch {
    throw new AppError("invalid-argument", "payload is not JSON");
  }
  const otlp = data !== null && typeof data === "object" && "resourceSpans" in data;
  if (!otlp) return parseOr(RecordLlmUsageInput, data, "usage batch");
  const events = genAiSpansToEvents(parseOr(OtlpTraceRequest, data, "OTLP/JSON trace export"));
  return events.length ? parseOr(RecordLlmUsageInput, { events }, "usage batch") : null;
}

function parseOr<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new AppError("invalid-argument", `invalid ${what}: ${z.prettifyError(r.error).slice(0, 1000)}`);
  return r.data;
}
