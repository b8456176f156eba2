import { z } from "zod";
import { daysBetween, IsoDate, isCalendarDay } from "#kernel/days.js";
import { type LlmTags, LlmModel, LlmProvider, LlmTagsSchema } from "./event.js";
import type { LlmLedger, UsageDimension, UsageRow, UsageTotals } from "./ledger-port.js";

/** Longest window one usage query reads: a year and a month, as the cost callables allow. */
const MAX_WINDOW_DAYS = 400;

const TagFilter = z.string().regex(/^[^\p{Cc}]{1,128}$/u);

export const GetLlmUsageInput = z
  .strictObject({
    start: IsoDate,
    end: IsoDate,
    provider: LlmProvider.optional(),
    model: LlmModel.optional(),
    app: TagFilter.optional(),
    team: TagFilter.optional(),
    user: TagFilter.optional(),
    key: TagFilter.optional(),
    /** Rows per breakdown, largest cost first. */
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .refine((q) => q.start <= q.end, { message: "start must not be after end", path: ["start"] })
  // Refinements also run on input whose fields failed: measure only real days.
  .refine((q) => !isCalendarDay(q.start) || !isCalendarDay(q.end) || daysBetween(q.start, q.end) < MAX_WINDOW_DAYS, { message: `a window is at most ${MAX_WINDOW_DAYS} days`, path: ["end"] });

/** The breakdowns `getLlmUsage` returns, each a separate grouping of the same filtered events. */
const BREAKDOWNS = { byDay: "day", byProvider: "provider", byModel: "model", byApp: "app", byTeam: "team", byUser: "user", byKey: "key" } as const satisfies Record<string, UsageDimension>;

type Breakdown = { [K in keyof typeof BREAKDOWNS]: (UsageTotals & { value: string | null })[] };

/**
 * Tokens and exact cost over a window, in total and broken down by day, provider, model, app,
 * team, user and key (a missing tag shows as null). Filters narrow every breakdown alike.
 */
export async function getLlmUsage(ledger: LlmLedger, tenantId: string, q: z.output<typeof GetLlmUsageInput>): Promise<{ totals: UsageTotals; currency: "USD" } & Breakdown> {
  const filter: Partial<Record<UsageDimension, string>> = {};
  for (const d of ["provider", "model", "app", "team", "user", "key"] as const) if (q[d] !== undefined) filter[d] = q[d] as string;
  const window = { start: q.start, end: q.end };
  const entries = await Promise.all(
    Object.entries(BREAKDOWNS).map(async ([name, dim]) => {
      const { rows, totals } = await ledger.usage(tenantId, { window, groupBy: [dim], filter, limit: dim === "day" ? MAX_WINDOW_DAYS : q.limit });
      const list = rows.map((r: UsageRow) => {
        const { keys, ...t } = r;
        return { value: keys[dim] ?? null, ...t };
      });
      if (dim === "day") list.sort((a, b) => String(a.value).localeCompare(String(b.value)));
      return [name, list, totals] as const;
    }),
  );
  const out = { currency: "USD" as const, totals: entries[0]?.[2] as UsageTotals } as { totals: UsageTotals; currency: "USD" } & Breakdown;
  for (const [name, list] of entries) (out as unknown as Record<string, unknown>)[name] = list;
  return out;
}

export const CheckLlmBudgetInput = z.strictObject({
  provider: LlmProvider,
  model: LlmModel,
  tags: LlmTagsSchema.default({}),
});
export type CheckLlmBudgetRequest = { provider: string; model: string; tags: LlmTags };
