import { type Budget, BudgetSchema, inScope, periodFor } from "../analysis/budgets/index.js";
import type { DocumentStore } from "#kernel/ports.js";
import { paths } from "#kernel/document-paths.js";
import { LLM_TAG_KEYS, type LlmTagKey, type LlmTags } from "./event.js";
import { KNOWN_PROVIDERS, ledgerDims, ledgerTags, vendorOf } from "./cost-records.js";
import type { BudgetIncrement, BudgetKey, BudgetTotal, LlmScopeFilter, PricedLlmEvent } from "./ledger-port.js";
import { decimalToPico, picoToDecimal } from "./rates.js";

/** A budget with a hard limit, as the LLM path uses it: the amount in pico-dollars. */
export interface HardLimitBudget {
  budget: Budget;
  amountPico: bigint;
  /** The scope as a filter on the events table, or null when no LLM event can fall in it. */
  filter: LlmScopeFilter | null;
}

/**
 * The budget scope as the events table filters it, following the ledger dimensions LLM rows get
 * (cost-records.ts): provider is the AI vendor, account `llm:<provider>`, service the model,
 * region "global", and only the four LLM tags.
 */
export function scopeFilter(budget: Budget): LlmScopeFilter | null {
  const { scope } = budget;
  const f: LlmScopeFilter = { tags: {} };
  let providers: string[] | null = null;
  const narrow = (list: string[]) => {
    providers = providers === null ? list : providers.filter((p) => list.includes(p));
  };
  if (scope.provider?.length) {
    const known = KNOWN_PROVIDERS.filter((p) => scope.provider?.includes(vendorOf(p)));
    if (scope.provider.includes("other-ai")) {
      if (known.length) return null; // "other-ai" with named vendors: not expressible as one filter; never blocks
      f.excludeProviders = [...KNOWN_PROVIDERS];
    } else narrow(known);
  }
  if (scope.sub_account_id?.length) narrow(scope.sub_account_id.filter((a) => a.startsWith("llm:")).map((a) => a.slice(4)));
  if (providers !== null) {
    if (!(providers as string[]).length) return null;
    f.providers = providers;
  }
  if (scope.region_id?.length && !scope.region_id.includes("global")) return null;
  if (scope.service_name?.length) f.models = [...scope.service_name];
  for (const [k, v] of Object.entries(scope.tags ?? {})) {
    if (!(LLM_TAG_KEYS as readonly string[]).includes(k)) return null;
    f.tags[k as LlmTagKey] = v;
  }
  return f;
}

/**
 * The tenant's hard-limited budgets in USD. The budget documents are the budget engine's own
 * (`upsertBudget`); a budget in another currency never blocks, since LLM costs are USD and are
 * never converted here.
 */
export async function loadHardLimitBudgets(store: DocumentStore, tenantId: string): Promise<HardLimitBudget[]> {
  const page = await store.list(paths.budgets(tenantId), { limit: 500 });
  const out: HardLimitBudget[] = [];
  for (const doc of page.docs) {
    // What the analysis and upsertBudget add beside the user's definition.
    const { state: _state, status: _status, updatedAt: _at, updatedBy: _by, ...definition } = doc.data;
    const parsed = BudgetSchema.safeParse({ ...definition, id: doc.id });
    if (parsed.success && parsed.data.hardLimit && parsed.data.currency === "USD") out.push({ budget: parsed.data, amountPico: decimalToPico(parsed.data.amount), filter: scopeFilter(parsed.data) });
  }
  return out;
}

/** Whether a request of this provider, model and tag set falls in the budget's scope, as its ledger row would. */
export function requestInScope(budget: Budget, provider: string, model: string, tags: LlmTags): boolean {
  return inScope({ dims: ledgerDims(provider, model), tags: ledgerTags(tags) }, budget.scope);
}

/** What each newly stored event adds to the running total of each budget whose scope and period hold it. */
export function budgetIncrements(budgets: readonly HardLimitBudget[], events: readonly PricedLlmEvent[]): BudgetIncrement[] {
  const out = new Map<string, BudgetIncrement>();
  if (!budgets.length) return [];
  // A batch spans few days: each budget's period is worked out once per day.
  const periods = new Map<string, ReturnType<typeof periodFor>>();
  for (const e of events) {
    for (const { budget, filter } of budgets) {
      if (!filter || !requestInScope(budget, e.provider, e.model, e.tags)) continue;
      const pk = `${budget.id}\u0000${e.day}`;
      let period = periods.get(pk);
      if (period === undefined) {
        period = periodFor(budget, e.day);
        periods.set(pk, period);
      }
      if (!period) continue;
      const k = `${budget.id}\u0000${period.key}`;
      const cur = out.get(k);
      if (cur) cur.pico += e.costPico;
      else out.set(k, { budgetId: budget.id, periodKey: period.key, start: period.start, end: period.end, filter, pico: e.costPico });
    }
  }
  return [...out.values()];
}

export interface BudgetStanding {
  budgetId: string;
  name: string;
  periodKey: string;
  amountUsd: string;
  spentUsd: string;
  remainingUsd: string;
  exhausted: boolean;
}

/** Each budget's standing in the period containing `day`, from running totals. */
export function standings(budgets: readonly HardLimitBudget[], totals: readonly BudgetTotal[], day: string): BudgetStanding[] {
  const byKey = new Map(totals.map((t) => [`${t.budgetId}\u0000${t.periodKey}`, t.pico]));
  const out: BudgetStanding[] = [];
  for (const { budget, amountPico } of budgets) {
    const period = periodFor(budget, day);
    if (!period) continue;
    const spent = byKey.get(`${budget.id}\u0000${period.key}`) ?? 0n;
    const remaining = amountPico - spent;
    out.push({
      budgetId: budget.id,
      name: budget.name,
      periodKey: period.key,
      amountUsd: picoToDecimal(amountPico),
      spentUsd: picoToDecimal(spent),
      remainingUsd: picoToDecimal(remaining > 0n ? remaining : 0n),
      exhausted: spent >= amountPico,
    });
  }
  return out;
}

/** The current-period keys of the budgets an LLM event can fall in, for reading their running totals. */
export function currentKeys(budgets: readonly HardLimitBudget[], day: string): BudgetKey[] {
  return budgets.flatMap(({ budget, filter }) => {
    const p = periodFor(budget, day);
    return p && filter ? [{ budgetId: budget.id, periodKey: p.key, start: p.start, end: p.end, filter }] : [];
  });
}
