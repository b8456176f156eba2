import { z } from "zod";
import { compareDecimals, MoneyString } from "../billing/money.js";

/**
 * One LLM call as a gateway or SDK reports it. The tenant is never part of the event: it comes
 * from the caller's verified credentials. Token counts follow the providers' usage objects and
 * OpenTelemetry's `gen_ai.usage.*`: `inputTokens` is every prompt token, cache reads, cache
 * writes and audio included; `outputTokens` is every completion token, reasoning and audio
 * included. The parts are therefore bounded by their totals.
 */
const Tokens = z.number().int().min(0).max(1e9);

/** At most this many events in one `recordLlmUsage` call. */
export const MAX_EVENTS_PER_CALL = 1000;

/** The most one call may cost: far above any real call, and it keeps every sum of events far inside the money columns. */
export const MAX_EVENT_COST_USD = "1000000000";

export const SERVICE_TIERS = ["standard", "batch", "flex", "priority"] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/** The caller's id of one call; a retried event carries the same id and counts once. */
export const EventId = z.string().regex(/^[A-Za-z0-9._:@/+=-]{1,128}$/, "an event id is 1-128 characters of A-Z a-z 0-9 . _ : @ / + = -");
/** A price-database provider id: openai, anthropic, google, aws (Bedrock), azure, x-ai, mistral... */
export const LlmProvider = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, "a provider is a lowercase id such as openai, anthropic, google, aws or azure"));
/** Model ids keep their vendor spelling: "gpt-4o-mini", "anthropic.claude-3-5-sonnet-20240620-v1:0", "google/gemini-2.5-pro". */
export const LlmModel = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/, "invalid model name");
/** A tag value: printable text without control characters, as dashboards show it. */
// The C0 and C1 control characters are exactly Unicode's Cc category.
const TagValue = z.string().regex(/^\P{Cc}{1,128}$/u, "a tag value is 1-128 printable characters");

export const LlmTagsSchema = z.strictObject({
  app: TagValue.optional(),
  team: TagValue.optional(),
  user: TagValue.optional(),
  /** The caller's name for the credential that made the call (never the secret itself). */
  key: TagValue.optional(),
});
export type LlmTags = z.infer<typeof LlmTagsSchema>;
export const LLM_TAG_KEYS = ["app", "team", "user", "key"] as const;
export type LlmTagKey = (typeof LLM_TAG_KEYS)[number];

export const LlmUsageEventSchema = z
  .strictObject({
    eventId: EventId,
    provider: LlmProvider,
    model: LlmModel,
    inputTokens: Tokens,
    outputTokens: Tokens,
    cacheReadTokens: Tokens.default(0),
    cacheWriteTokens: Tokens.default(0),
    reasoningTokens: Tokens.default(0),
    audioInputTokens: Tokens.default(0),
    audioOutputTokens: Tokens.default(0),
    serviceTier: z.enum(SERVICE_TIERS).default("standard"),
    /** When the request was made: prices in force at that moment apply, and its UTC day is the ledger day. */
    requestedAt: z.iso.datetime({ offset: true }),
    /** What the caller computed, in USD, kept beside ours for reconciliation. */
    clientCostUsd: MoneyString.refine((v) => compareDecimals(v, "0") >= 0 && compareDecimals(v, MAX_EVENT_COST_USD) <= 0, `clientCostUsd must be between 0 and ${MAX_EVENT_COST_USD}`).optional(),
    latencyMs: z.number().min(0).max(3_600_000).optional(),
    tags: LlmTagsSchema.default({}),
  })
  .superRefine((e, ctx) => {
    // Prompt parts partition the prompt; a count past its total is a caller bug that would price
    // tokens twice.
    if (e.cacheReadTokens + e.cacheWriteTokens + e.audioInputTokens > e.inputTokens) {
      ctx.addIssue({ code: "custom", path: ["inputTokens"], message: "cacheReadTokens + cacheWriteTokens + audioInputTokens must not exceed inputTokens" });
    }
    if (e.reasoningTokens + e.audioOutputTokens > e.outputTokens) {
      ctx.addIssue({ code: "custom", path: ["outputTokens"], message: "reasoningTokens + audioOutputTokens must not exceed outputTokens" });
    }
  });
export type LlmUsageEvent = z.output<typeof LlmUsageEventSchema>;

/** One event, or a batch of up to {@link MAX_EVENTS_PER_CALL}. */
export const RecordLlmUsageInput = z.union([
  LlmUsageEventSchema,
  z.strictObject({ events: z.array(LlmUsageEventSchema).min(1).max(MAX_EVENTS_PER_CALL) }),
]);
export type RecordLlmUsageRequest = z.output<typeof RecordLlmUsageInput>;

export function eventsOf(input: RecordLlmUsageRequest): LlmUsageEvent[] {
  return "events" in input ? input.events : [input];
}
