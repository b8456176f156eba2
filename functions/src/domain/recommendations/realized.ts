import Big from "big.js";
import { addDays, type DayWindow } from "#kernel/days.js";
import { paths } from "#kernel/document-paths.js";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import type { CostWarehouse } from "../billing/ports.js";
import type { StoredRecommendation } from "./lifecycle.js";

/**
 * Realized savings: after a recommendation is marked succeeded, the ledger's effective cost of
 * what it acted on over the `windowDays` days after the day it was marked, against the same
 * number of days before, scaled to a 30-day month, next to the provider's estimate.
 *
 * What it acted on is the recommendation's account (`accountId`, the ledger's sub_account_id) and,
 * where the recommendation names one, its ledger service (`ledgerService`: Compute Engine,
 * Amazon Elastic Compute Cloud - Compute, Virtual Machines); a commitment, whose saving spans
 * services, is measured on the whole account. The ledger holds daily rows per service, not per
 * resource, so the measure is the service's change over the window: whatever else changed on that
 * service in those weeks counts too. Two succeeded recommendations whose measures read the same
 * rows (one account, and the same service or one of them the whole account) over overlapping
 * windows cannot be told apart; both are marked `overlapping` and left out of the per-recommender
 * ratio.
 *
 * Amounts are exact decimals in the recommendation's currency (only ledger rows in that currency
 * are read); the month is 30 days, as for the estimates (GCP projections are scaled to 30 days).
 *
 * @example
 *   const m = await measureRealized(warehouse, "acme", rec, { windowDays: 28, lastDay: "2026-12-04" });
 *   // m?.realizedMonthly === "118.2", m?.ratio === "0.9809" (of an estimate of 120.5)
 */

export const DEFAULT_WINDOW_DAYS = 28;

export interface RealizedMeasure {
  /** The UTC day the recommendation was marked succeeded; excluded from both windows (the change lands mid-day). */
  readonly appliedOn: string;
  readonly before: DayWindow;
  readonly after: DayWindow;
  /** Effective cost over each window, exact. */
  readonly spendBefore: string;
  readonly spendAfter: string;
  /** (spendBefore − spendAfter) × 30 / windowDays, rounded half-even at the sixth place. */
  readonly realizedMonthly: string;
  readonly estimatedMonthly: string;
  readonly currency: string;
  /** realizedMonthly / estimatedMonthly to four places; null when the estimate is not positive. */
  readonly ratio: string | null;
  /** What was measured: the account and, when named, the service. */
  readonly scope: { provider: string; subAccountId: string; service: string | null };
  /** Provider ids of other succeeded recommendations measured on the same scope over overlapping windows. */
  readonly overlapping: readonly string[];
}

export type LedgerReader = Pick<CostWarehouse, "queryDaily">;

type Measurable = Pick<StoredRecommendation, "provider" | "providerId" | "accountId" | "monthlySavings" | "updatedAt" | "ledgerService">;

function windowsOf(appliedOn: string, n: number): { before: DayWindow; after: DayWindow } {
  return { before: { start: addDays(appliedOn, -n), end: addDays(appliedOn, -1) }, after: { start: addDays(appliedOn, 1), end: addDays(appliedOn, n) } };
}

/**
 * Measures one succeeded recommendation, or null while its after-window is not complete
 * (`lastDay` is the newest day the ledger is complete for).
 */
export async function measureRealized(
  ledger: LedgerReader,
  tenantId: string,
  rec: Measurable,
  opts: { windowDays?: number; lastDay: string },
): Promise<Omit<RealizedMeasure, "overlapping"> | null> {
  const n = opts.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!Number.isInteger(n) || n < 1 || n > 366) throw new RangeError(`windowDays must be an integer in 1..366: ${n}`);
  const appliedOn = rec.updatedAt.slice(0, 10);
  const { before, after } = windowsOf(appliedOn, n);
  if (after.end > opts.lastDay) return null;
  const { currency, amount: estimated } = rec.monthlySavings;
  const rows = await ledger.queryDaily(tenantId, {
    window: { start: before.start, end: after.end },
    groupBy: ["billing_currency"],
    filter: {
      provider: [rec.provider],
      sub_account_id: [rec.accountId],
      billing_currency: [currency],
      ...(rec.ledgerService ? { service_name: [rec.ledgerService] } : {}),
    },
  });
  let spendBefore = new Big(0);
  let spendAfter = new Big(0);
  for (const r of rows) {
    if (r.date >= before.start && r.date <= before.end) spendBefore = spendBefore.plus(r.effective_cost);
    else if (r.date >= after.start && r.date <= after.end) spendAfter = spendAfter.plus(r.effective_cost);
  }
  const realized = spendBefore.minus(spendAfter).times(30).div(n).round(6, Big.roundHalfEven);
  const est = new Big(estimated);
  return {
    appliedOn,
    before,
    after,
    spendBefore: spendBefore.toFixed(),
    spendAfter: spendAfter.toFixed(),
    realizedMonthly: realized.toFixed(),
    estimatedMonthly: est.toFixed(),
    currency,
    ratio: est.gt(0) ? realized.div(est).round(4, Big.roundHalfEven).toFixed(4) : null,
    scope: { provider: rec.provider, subAccountId: rec.accountId, service: rec.ledgerService ?? null },
  };
}

/** Realized against estimated for one recommender and currency, over its measured, non-overlapping recommendations. */
export interface RecommenderRealized {
  readonly recommender: string;
  readonly currency: string;
  readonly measured: number;
  /** Measured but left out: another succeeded recommendation shared the scope and window. */
  readonly overlapping: number;
  readonly estimatedMonthly: string;
  readonly realizedMonthly: string;
  /** Sum realized / sum estimated, four places; null when the estimates sum to zero. */
  readonly ratio: string | null;
}

export interface RealizedReport {
  /** Succeeded recommendations whose after-window is not complete yet. */
  readonly pending: number;
  /** Measures written by this run. */
  readonly newlyMeasured: number;
  readonly byRecommender: readonly RecommenderRealized[];
}

type Stored = StoredRecommendation & { realized?: RealizedMeasure };

/**
 * Whether two measures read some of the same ledger rows: one account and currency, and the same
 * service or one of them the whole account (a commitment's measure includes every service's change).
 */
function sharesRows(a: Measurable, b: Measurable): boolean {
  if (a.provider !== b.provider || a.accountId !== b.accountId || a.monthlySavings.currency !== b.monthlySavings.currency) return false;
  return a.ledgerService === undefined || b.ledgerService === undefined || a.ledgerService === b.ledgerService;
}

/**
 * Measures every succeeded recommendation of the tenant whose window has completed and that has
 * no measure yet, stores the measure on the recommendation (`realized`), and reports realized
 * against estimated per recommender over everything measured so far. A measure is written once;
 * a later run does not move it.
 */
export async function checkRealizedSavings(
  store: DocumentStore,
  ledger: LedgerReader,
  tenantId: string,
  opts: { windowDays?: number; lastDay: string },
): Promise<RealizedReport> {
  const n = opts.windowDays ?? DEFAULT_WINDOW_DAYS;
  const succeeded: { id: string; rec: Stored }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list<DocumentData>(paths.recommendations(tenantId), { limit: 500, where: [["state", "==", "succeeded"]], ...(cursor ? { startAfter: cursor } : {}) });
    for (const d of page.docs) succeeded.push({ id: d.id, rec: d.data as unknown as Stored });
    cursor = page.next ?? undefined;
  } while (cursor);

  const overlapsOf = (me: Stored): string[] => {
    const day = me.updatedAt.slice(0, 10);
    return succeeded
      .filter(({ rec }) => rec.providerId !== me.providerId && sharesRows(rec, me))
      .filter(({ rec }) => {
        const other = rec.updatedAt.slice(0, 10);
        return addDays(other, -n) <= addDays(day, n) && addDays(day, -n) <= addDays(other, n);
      })
      .map(({ rec }) => rec.providerId)
      .sort();
  };

  let pending = 0;
  let newlyMeasured = 0;
  const measures: { rec: Stored; m: RealizedMeasure }[] = [];
  for (const { id, rec } of succeeded) {
    if (rec.realized) {
      measures.push({ rec, m: rec.realized });
      continue;
    }
    const m = await measureRealized(ledger, tenantId, rec, { windowDays: n, lastDay: opts.lastDay });
    if (!m) {
      pending++;
      continue;
    }
    const full: RealizedMeasure = { ...m, overlapping: overlapsOf(rec) };
    await store.update<DocumentData>(paths.recommendation(tenantId, id), (cur) => (cur ? { ...cur, realized: full as unknown as DocumentData } : null));
    newlyMeasured++;
    measures.push({ rec, m: full });
  }

  const groups = new Map<string, { recommender: string; currency: string; measured: number; overlapping: number; est: Big; real: Big }>();
  for (const { rec, m } of measures) {
    const key = `${rec.recommender}\n${m.currency}`;
    const g = groups.get(key) ?? { recommender: rec.recommender, currency: m.currency, measured: 0, overlapping: 0, est: new Big(0), real: new Big(0) };
    g.measured++;
    if (m.overlapping.length > 0) g.overlapping++;
    else {
      g.est = g.est.plus(m.estimatedMonthly);
      g.real = g.real.plus(m.realizedMonthly);
    }
    groups.set(key, g);
  }
  const byRecommender = [...groups.values()]
    .map((g) => ({
      recommender: g.recommender,
      currency: g.currency,
      measured: g.measured,
      overlapping: g.overlapping,
      estimatedMonthly: g.est.toFixed(),
      realizedMonthly: g.real.toFixed(),
      ratio: g.est.gt(0) ? g.real.div(g.est).round(4, Big.roundHalfEven).toFixed(4) : null,
    }))
    .sort((a, b) => (a.recommender === b.recommender ? (a.currency < b.currency ? -1 : 1) : a.recommender < b.recommender ? -1 : 1));
  return { pending, newlyMeasured, byRecommender };
}
