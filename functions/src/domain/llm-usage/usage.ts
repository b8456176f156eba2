import Big from "big.js";
import { z } from "zod";
import { addDecimals, compareDecimals, fitsMoneyBounds, MoneyString } from "../billing/money.js";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { priceTableFor } from "./prices.js";
import { IsoDate } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";
import { paths } from "#kernel/document-paths.js";

/**
 * Per-tenant LLM token and cost tracking. Each event adds to a daily aggregate per model at
 * `tenants/{t}/llm_usage_daily/{day}~{model}` (atomic update), which dashboards and budgets read.
 */
const Tokens = z.number().int().min(0).max(1e9);
const Model = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, "invalid model name");

export const RecordLlmUsageInput = z.strictObject({
  model: Model,
  inputTokens: Tokens,
  outputTokens: Tokens,
  cachedTokens: Tokens.default(0),
  reasoningTokens: Tokens.default(0),
  /** Cost in USD as a decimal string, required for models missing from the price table. */
  costUsd: MoneyString.refine((v) => compareDecimals(v, "0") >= 0, "costUsd must be >= 0").optional(),
  latencyMs: z.number().min(0).max(3_600_000).optional(),
  feature: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  /** UTC day of the call; default today. */
  day: IsoDate.optional(),
});
export const GetLlmUsageInput = z
  .strictObject({ start: IsoDate, end: IsoDate, model: Model.optional() })
  .refine((q) => q.start <= q.end, { message: "start must not be after end", path: ["start"] });

export interface LlmUsageDay extends DocumentData {
  day: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  costUsd: string;
  priceVersion: string | null;
}

export function priceUsage(e: z.output<typeof RecordLlmUsageInput>, day: string): { costUsd: string; priceVersion: string | null } {
  if (e.costUsd !== undefined) return { costUsd: new Big(e.costUsd).toFixed(), priceVersion: null };
  const table = priceTableFor(day);
  // Own entries only: a model named "constructor" must not find Object.prototype's.
  const p = table && Object.hasOwn(table.models, e.model) ? table.models[e.model] : undefined;
  if (!table || !p) throw new AppError("invalid-argument", `no price for model ${e.model}; send costUsd`);
  const perToken = (price: string, n: number) => new Big(price).times(n).div(1_000_000);
  const cost = perToken(p.input, e.inputTokens)
    .plus(perToken(p.output, e.outputTokens))
    .plus(perToken(p.cached, e.cachedTokens))
    .plus(perToken(p.reasoning, e.reasoningTokens));
  return { costUsd: cost.toFixed(), priceVersion: table.version };
}

export async function recordLlmUsage(store: DocumentStore, tenantId: string, e: z.output<typeof RecordLlmUsageInput>, now: Date) {
  const day = e.day ?? now.toISOString().slice(0, 10);
  const priced = priceUsage(e, day);
  await store.update<LlmUsageDay>(paths.llmUsageDay(tenantId, `${day}~${e.model}`), (cur) => {
    const costUsd = addDecimals([cur?.costUsd ?? "0", priced.costUsd]);
    // The day's total is stored as a money amount: it must stay one.
    if (!fitsMoneyBounds(costUsd)) throw new AppError("failed-precondition", `the ${day} cost total of model ${e.model} would leave the money bounds`);
    return {
      day,
      model: e.model,
      calls: (cur?.calls ?? 0) + 1,
      inputTokens: (cur?.inputTokens ?? 0) + e.inputTokens,
      outputTokens: (cur?.outputTokens ?? 0) + e.outputTokens,
      cachedTokens: (cur?.cachedTokens ?? 0) + e.cachedTokens,
      reasoningTokens: (cur?.reasoningTokens ?? 0) + e.reasoningTokens,
      costUsd,
      priceVersion: priced.priceVersion ?? cur?.priceVersion ?? null,
    };
  });
  return { day, model: e.model, ...priced };
}

export async function getLlmUsage(store: DocumentStore, tenantId: string, q: z.output<typeof GetLlmUsageInput>) {
  const where: [string, "==" | ">=" | "<=", unknown][] = [
    ["day", ">=", q.start],
    ["day", "<=", q.end],
  ];
  if (q.model) where.push(["model", "==", q.model]);
  const days: LlmUsageDay[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list<LlmUsageDay>(paths.llmUsageDaily(tenantId), {
      where,
      orderBy: [{ field: "day" }],
      limit: 500,
      ...(cursor ? { startAfter: cursor } : {}),
    });
    days.push(...page.docs.map((d) => d.data));
    cursor = page.next;
  } while (cursor && days.length < 20_000);
  return {
    days,
    totals: {
      calls: days.reduce((s, d) => s + d.calls, 0),
      inputTokens: days.reduce((s, d) => s + d.inputTokens, 0),
      outputTokens: days.reduce((s, d) => s + d.outputTokens, 0),
      costUsd: addDecimals(days.map((d) => d.costUsd)),
    },
  };
}
