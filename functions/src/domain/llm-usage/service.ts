import { addDays } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";
import type { Clock, DocumentStore } from "#kernel/ports.js";
import type { AlertEvent } from "../alerts/alert-event.js";
import { crossedThresholds } from "./budget-alerts.js";
import { type BudgetStanding, budgetIncrements, currentKeys, type HardLimitBudget, loadHardLimitBudgets, requestInScope, standings } from "./budgets.js";
import { eventsOf, type LlmTags, type RecordLlmUsageRequest } from "./event.js";
import type { BudgetIncrement, BudgetTotal, LlmLedger, PricedLlmEvent, ReconcileCause } from "./ledger-port.js";
import type { Pricer } from "./price-catalog.js";
import { priceEvents } from "./price-events.js";
import { picoToDecimal } from "./rates.js";

export interface LlmUsageServiceOptions {
  ledger: () => Promise<LlmLedger>;
  /** The pricer, loaded on first use (the price database is large). */
  pricer: () => Promise<Pricer>;
  documents: DocumentStore;
  clock: Clock;
  /** How long a tenant's hard-limited budgets are reused before they are read again. */
  budgetCacheTtlMs: number;
  /** Oldest request day accepted, counted back from today (late gateway batches). */
  maxAgeDays: number;
  /** The dashboard that threshold alerts link to. */
  dashboardUrl: string;
}

export interface RecordOptions {
  /**
   * Answer resource-exhausted past a hard limit (the default, for a gateway waiting on the answer).
   * False for a channel nobody waits on (the Pub/Sub topic): the spent budgets are then returned.
   */
  enforce?: boolean;
  /**
   * Where the `llm_budget.crossed` events go when this call moves a hard-limited budget's running
   * total across one of its thresholds (the callers publish them to the alerts topic). A failure
   * is reported in the result, not thrown: the events are stored by then.
   */
  publishAlerts?: (events: AlertEvent[]) => Promise<unknown>;
}

export interface RecordResult {
  accepted: number;
  duplicates: string[];
  /** Our cost of the events stored by this call. */
  costUsd: string;
  events: { eventId: string; costUsd: string; priceSource: string; priceVersion: string; flag: ReconcileCause | null }[];
  /** With `enforce: false`: the hard-limited budgets in scope that are spent. */
  exhausted?: BudgetStanding[];
  /** Threshold alerts this call raised, and whether they reached the alerts topic (the events are stored either way). */
  alerts?: { raised: number; published: boolean };
}

/**
 * What the LLM-usage callables do: price, store once, keep budget running totals, and refuse
 * with resource-exhausted past a hard limit.
 */
export function createLlmUsageService(o: LlmUsageServiceOptions) {
  const cache = new Map<string, { at: number; budgets: HardLimitBudget[] }>();

  async function budgetsOf(tenantId: string): Promise<HardLimitBudget[]> {
    const now = o.clock.now().getTime();
    const hit = cache.get(tenantId);
    if (hit && now - hit.at < o.budgetCacheTtlMs) return hit.budgets;
    const budgets = await loadHardLimitBudgets(o.documents, tenantId);
    if (cache.size > 10_000) cache.clear();
    cache.set(tenantId, { at: now, budgets });
    return budgets;
  }

  /** Standings of the budgets, current period, with totals read where `known` lacks them. */
  async function current(ledger: LlmLedger, tenantId: string, budgets: readonly HardLimitBudget[], known: readonly BudgetTotal[]): Promise<BudgetStanding[]> {
    const today = o.clock.now().toISOString().slice(0, 10);
    const keys = currentKeys(budgets, today);
    const have = new Set(known.map((t) => `${t.budgetId}\u0000${t.periodKey}`));
    const missing = keys.filter((k) => !have.has(`${k.budgetId}\u0000${k.periodKey}`));
    const read = missing.length ? await ledger.budgetTotals(tenantId, missing) : [];
    return standings(budgets, [...known, ...read], today);
  }

  function exhausted(list: BudgetStanding[], extra: Record<string, unknown>): AppError {
    const names = list.map((b) => `${b.name} (${b.spentUsd} of ${b.amountUsd} USD, ${b.periodKey})`).join(", ");
    return new AppError("resource-exhausted", `LLM budget exhausted: ${names}`, { details: { ...extra, budgets: list } });
  }

  /** The request days accepted today: back `maxAgeDays`, forward one day of clock skew. */
  function acceptedDays() {
    const today = o.clock.now().toISOString().slice(0, 10);
    return { earliest: addDays(today, -o.maxAgeDays), latest: addDays(today, 1) };
  }

  return {
    /**
     * Records one event or a batch. The spend happened whatever a budget says, so the events are
     * always stored; past a hard limit the call then answers resource-exhausted, with what was
     * recorded in the details, so the gateway stops sending traffic. A retry of the same events
     * stores nothing and answers the same.
     */
    async record(tenantId: string, input: RecordLlmUsageRequest, opts: RecordOptions = {}): Promise<RecordResult> {
      const priced = priceEvents(tenantId, eventsOf(input), await o.pricer(), acceptedDays());
      const [ledger, budgets] = await Promise.all([o.ledger(), budgetsOf(tenantId)]);
      // The ledger may call this again if its group commit falls back to one call at a time: the last call's are the ones stored.
      let increments: BudgetIncrement[] = [];
      const result = await ledger.ingest(tenantId, priced, (inserted) => {
        increments = budgetIncrements(budgets, inserted);
        return increments;
      });
      let pico = 0n;
      for (const e of result.inserted) pico += e.costPico;
      const out: RecordResult = {
        accepted: result.inserted.length,
        duplicates: result.duplicates,
        costUsd: picoToDecimal(pico),
        events: result.inserted.map((e: PricedLlmEvent) => ({ eventId: e.eventId, costUsd: e.costUsd, priceSource: e.priceSource, priceVersion: e.priceVersion, flag: e.flag })),
      };
      if (opts.publishAlerts && result.totals.length) {
        const events = crossedThresholds(budgets, result.totals, increments, { tenantId, now: o.clock.now(), dashboardUrl: o.dashboardUrl });
        if (events.length) {
          const published = await opts.publishAlerts(events).then(
            () => true,
            () => false,
          );
          out.alerts = { raised: events.length, published };
        }
      }
      const touched = budgets.filter(({ budget, filter }) => filter && priced.some((e) => requestInScope(budget, e.provider, e.model, e.tags)));
      if (touched.length) {
        const over = (await current(ledger, tenantId, touched, result.totals)).filter((b) => b.exhausted);
        if (over.length && opts.enforce !== false) throw exhausted(over, { accepted: out.accepted, duplicates: out.duplicates.length, costUsd: out.costUsd });
        if (opts.enforce === false) out.exhausted = over;
      }
      return out;
    },

    /** What a gateway asks before a request: resource-exhausted when a hard-limited budget in scope is spent. */
    async check(tenantId: string, req: { provider: string; model: string; tags: LlmTags }): Promise<{ allowed: true; budgets: BudgetStanding[] }> {
      const budgets = (await budgetsOf(tenantId)).filter(({ budget, filter }) => filter && requestInScope(budget, req.provider, req.model, req.tags));
      if (!budgets.length) return { allowed: true, budgets: [] };
      const list = await current(await o.ledger(), tenantId, budgets, []);
      const over = list.filter((b) => b.exhausted);
      if (over.length) throw exhausted(over, {});
      return { allowed: true, budgets: list };
    },

    /** Forgets cached budgets of a tenant (after an upsert in this instance). */
    forgetBudgets(tenantId: string): void {
      cache.delete(tenantId);
    },
  };
}
export type LlmUsageService = ReturnType<typeof createLlmUsageService>;
