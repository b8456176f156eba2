import { z } from "zod";
import { compareDecimals, MoneyString } from "../../billing/money.js";
import { IsoDate } from "#kernel/days.js";

export const DEFAULT_THRESHOLDS = [50, 75, 90, 100] as const;

export const BudgetScopeSchema = z
  .object({
    provider: z.array(z.string().min(1).max(64)).max(10).optional(),
    sub_account_id: z.array(z.string().min(1).max(256)).max(100).optional(),
    service_name: z.array(z.string().min(1).max(256)).max(100).optional(),
    region_id: z.array(z.string().min(1).max(128)).max(100).optional(),
    // Tag keys and values as the providers bound them (AWS: 128 and 256 characters); a budget
    // scopes on a handful of tags, and the warehouse groups by at most 20 keys.
    tags: z
      .record(z.string().min(1).max(128), z.string().max(256))
      .refine((t) => Object.keys(t).length <= 20, "a budget scopes on at most 20 tags")
      .optional(),
  })
  .strict();

export const ThresholdSchema = z
  .object({
    percent: z.number().positive().max(1000),
    basis: z.enum(["actual", "forecast"]),
  })
  .strict();

export const BudgetSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    name: z.string().min(1).max(200),
    amount: MoneyString.refine((v) => compareDecimals(v, "0") > 0, "amount must be positive"),
    currency: z.string().length(3).default("USD"),
    period: z.enum(["monthly", "quarterly", "annual", "custom"]),
    customStart: IsoDate.optional(),
    customEnd: IsoDate.optional(),
    scope: BudgetScopeSchema.default({}),
    /**
     * Blocks LLM usage: once the period's LLM spend in scope reaches the amount, `checkLlmBudget`
     * and `recordLlmUsage` answer resource-exhausted. The blocking total counts LLM usage events
     * only (kept as a running total at ingest); cloud spend still counts in the nightly evaluation.
     */
    hardLimit: z.boolean().optional(),
    thresholds: z
      .array(ThresholdSchema)
      .min(1)
      .max(20)
      .default(DEFAULT_THRESHOLDS.flatMap((p) => [{ percent: p, basis: "actual" as const }, { percent: p, basis: "forecast" as const }])),
  })
  .strict()
  .refine((b) => b.period !== "custom" || (b.customStart && b.customEnd && b.customStart <= b.customEnd), {
    message: "a custom period needs customStart <= customEnd",
    path: ["customStart"],
  });

/** A spending limit over a period, scoped by provider, account, service, region or tag. */
export type Budget = z.infer<typeof BudgetSchema>;
export type BudgetThreshold = z.infer<typeof ThresholdSchema>;
export type BudgetScope = z.infer<typeof BudgetScopeSchema>;
