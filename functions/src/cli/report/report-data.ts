import Big from "big.js";
import type { AppDeps } from "../../deps.js";
import { tenantDisplayOf } from "#domain/api/tenant-display.js";
import { tenantCurrencyOf } from "#foundation/config/tenant-currency.js";
import { paths } from "#kernel/document-paths.js";
import { addDays } from "#kernel/days.js";
import { buildCostReport } from "../costs/cost-report.js";
import { listRecommendations } from "#domain/recommendations/lifecycle.js";
import { tenantCurrencyFirst } from "./currency-order.js";
import { gatherBacktests, type ReportBacktest } from "./report-backtest.js";

/**
 * What one tenant's HTML report shows, gathered from the stores the nightly writes: the latest run's
 * analysis (budgets, month-end forecasts), the anomaly documents (root causes, status), and the
 * ledger through the `costs` command's query module, so that the report sums costs the same way.
 */
export interface ReportData {
  tenantId: string;
  tenantName: string;
  currency: string;
  locale: string;
  asOf: string | null;
  /** Each budget's amounts are in its own `currency`. */
  budgets: { name: string; periodKey: string; scope: string; amount: string; actual: string; projected: string; state: string; currency: string }[];
  /** Month-end projections of the total and of each account, per currency, the account's provider named. */
  forecasts: { label: string; provider: string | null; currency: string; actualToDate: string; projected: string; lower80: string; upper80: string; lower95: string; upper95: string }[];
  /**
   * Daily cost per billing currency, one series per provider and service in each: amounts in two
   * currencies are never added, so each currency has its own chart (the tenant's currency first).
   */
  daily: { dates: string[]; byCurrency: { currency: string; series: { provider: string; service: string; values: string[] }[]; totals: string[] }[] };
  anomalies: {
    id: string;
    start: string;
    end: string;
    direction: string;
    impact: string;
    /** The currency of `impact` and the contributions: the anomaly series' own. */
    currency: string;
    severity: string;
    status: string;
    where: string;
    rootCauses: { dimension: string; value: string; contribution: string }[];
  }[];
  /** Month-to-date cost by tag value, per billing currency (the tenant's first). */
  allocation: { tagKey: string; byCurrency: { currency: string; slices: { value: string | null; cost: string }[] }[] };
  llmUsage: { id: string; [k: string]: unknown }[];
  /** Forecast against actual for the last complete month; null without enough history. */
  /** Last complete month replayed, one per billing currency with enough history, the tenant's first. */
  backtests: ReportBacktest[];
  /** Open (active or claimed) recommendations, best score first, and their savings per currency. */
  recommendations: {
    open: number;
    top: { provider: string; category: string; action: string; resource: string; description: string; savings: string; currency: string; effort: string; risk: string; score: number; state: string }[];
    monthlySavings: { currency: string; amount: string }[];
  };
}

/** How many open recommendations the report lists; the rest are counted and summed. */
const TOP_RECOMMENDATIONS = 20;

const DAYS = 90;

export async function gatherReportData(deps: AppDeps, tenantId: string, opts: { tagKey: string }): Promise<ReportData> {
  const { documents, warehouse } = deps;
  const tenant = (await documents.get<Record<string, unknown>>(paths.tenant(tenantId))) ?? {};
  // The tenant's reporting currency (config currency.reporting_by_tenant, else currency.reporting) comes first.
  const { currency, locale } = tenantDisplayOf(tenant, tenantCurrencyOf(deps.config.currency, tenantId).reporting);

  const runs = await documents.list<Record<string, unknown>>(paths.runs(tenantId), { limit: 200 });
  const withAnalysis = runs.docs.filter((d) => d.data.analysis).sort((a, b) => (a.id < b.id ? -1 : 1));
  const analysis = (withAnalysis[withAnalysis.length - 1]?.data.analysis ?? null) as {
    asOf: string;
    budgets: { name: string; periodKey: string; scope: string; amount: string; actual: string; projected: string; state: string; currency?: string }[];
    forecasts: { seriesKey: string; currency?: string; actualToDate: string; projected: string; lower80: string; upper80: string; lower95: string; upper95: string }[];
  } | null;

  const days = await warehouse.days(tenantId);
  const asOf = analysis?.asOf ?? days[days.length - 1] ?? null;
  const data: ReportData = {
    tenantId,
    tenantName: typeof tenant.name === "string" ? tenant.name : tenantId,
    currency,
    locale,
    asOf,
    // Runs recorded before budgets carried a currency were in the tenant's.
    budgets: (analysis?.budgets ?? []).map((b) => ({ name: b.name, periodKey: b.periodKey, scope: b.scope, amount: b.amount, actual: b.actual, projected: b.projected, state: b.state, currency: b.currency ?? currency })),
    forecasts: [],
    daily: { dates: [], byCurrency: [] },
    anomalies: [],
    allocation: { tagKey: opts.tagKey, byCurrency: [] },
    llmUsage: [],
    backtests: [],
    recommendations: { open: 0, top: [], monthlySavings: [] },
  };
  if (!asOf) return data;
  const window = { start: addDays(asOf, -(DAYS - 1)), end: asOf };

  const byService = await buildCostReport(warehouse, { tenant: tenantId, window, groupBy: [{ kind: "dimension", name: "provider" }, { kind: "dimension", name: "service" }], granularity: "daily" });
  const dates: string[] = [];
  for (let d = window.start; d <= window.end; d = addDays(d, 1)) dates.push(d);
  const index = new Map(dates.map((d, i) => [d, i]));
  // Sums stay within one currency: one set of series and totals per billing currency.
  const perCurrency = new Map<string, { series: Map<string, { provider: string; service: string; values: Big[] }>; totals: Big[] }>();
  for (const r of byService.rows) {
    const i = index.get(r.period);
    if (i === undefined) continue;
    let c = perCurrency.get(r.currency);
    if (!c) {
      c = { series: new Map(), totals: dates.map(() => new Big(0)) };
      perCurrency.set(r.currency, c);
    }
    const [provider = "", service = ""] = r.groups.map((g) => g ?? "—");
    const key = `${provider}|${service}`;
    const s = c.series.get(key) ?? { provider, service, values: dates.map(() => new Big(0)) };
    s.values[i] = (s.values[i] ?? new Big(0)).plus(r.billedCost);
    c.totals[i] = (c.totals[i] ?? new Big(0)).plus(r.billedCost);
    c.series.set(key, s);
  }
  data.daily = {
    dates,
    byCurrency: tenantCurrencyFirst([...perCurrency.keys()], currency).map((cur) => {
      const c = perCurrency.get(cur) as { series: Map<string, { provider: string; service: string; values: Big[] }>; totals: Big[] };
      return {
        currency: cur,
        series: [...c.series.values()].sort((a, b) => (a.provider + a.service < b.provider + b.service ? -1 : 1)).map((s) => ({ ...s, values: s.values.map((v) => v.toFixed()) })),
        totals: c.totals.map((t) => t.toFixed()),
      };
    }),
  };

  // Accounts carry their provider in the ledger; the forecast stage keys them by account only.
  const byAccount = await buildCostReport(warehouse, { tenant: tenantId, window, groupBy: [{ kind: "dimension", name: "account" }, { kind: "dimension", name: "provider" }], granularity: "monthly" });
  const providerOf = new Map(byAccount.rows.map((r) => [r.groups[0] ?? "", r.groups[1] ?? null]));
  // A ledger in several currencies has one projection per currency: `total@EUR`, `account:a@USD`.
  const unsuffixed = (key: string) => key.replace(/@[A-Z]{3}$/, "");
  data.forecasts = (analysis?.forecasts ?? [])
    .filter((f) => unsuffixed(f.seriesKey) === "total" || f.seriesKey.startsWith("account:"))
    .map((f) => {
      const key = unsuffixed(f.seriesKey);
      const account = key.startsWith("account:") ? key.slice("account:".length) : null;
      const provider = account ? (providerOf.get(account) ?? null) : null;
      return {
        label: account ? `${provider ?? "?"} · ${account}` : "all costs",
        provider,
        currency: f.currency ?? currency,
        actualToDate: f.actualToDate,
        projected: f.projected,
        lower80: f.lower80,
        upper80: f.upper80,
        lower95: f.lower95,
        upper95: f.upper95,
      };
    });

  const anomalies = await documents.list<Record<string, unknown>>(paths.anomalies(tenantId), { limit: 200 });
  data.anomalies = anomalies.docs
    .map((d) => {
      const a = d.data as Record<string, unknown> & { where?: { provider?: string; accountId?: string; service?: string }; rootCauses?: { dimension: string; value: string; contribution: string }[] };
      return {
        id: d.id,
        start: String(a.start ?? a.end ?? ""),
        end: String(a.end ?? ""),
        direction: String(a.direction ?? ""),
        // Documents from before amounts carried a currency name it impactUsd, in US dollars.
        impact: String(a.impact ?? a.impactUsd ?? "0"),
        currency: typeof a.currency === "string" ? a.currency : "USD",
        severity: String(a.severity ?? ""),
        status: String(a.status ?? ""),
        // An allocation anomaly is the cloud bill's node money again, by workload: the report says so.
        where: `${[a.where?.provider, a.where?.accountId, a.where?.service].filter(Boolean).join(" · ")}${a.view === "kubernetes-allocation" ? " (Kubernetes allocation view)" : ""}`,
        rootCauses: (a.rootCauses ?? []).map((c) => ({ dimension: c.dimension, value: c.value, contribution: String(c.contribution ?? (c as { contributionUsd?: string }).contributionUsd ?? "0") })),
      };
    })
    .sort((a, b) => (a.end < b.end ? 1 : a.end > b.end ? -1 : 0));

  const byTag = await buildCostReport(warehouse, { tenant: tenantId, window: { start: `${asOf.slice(0, 7)}-01`, end: asOf }, groupBy: [{ kind: "tag", key: opts.tagKey }], granularity: "monthly" });
  const slicesBy = new Map<string, Map<string | null, Big>>();
  for (const r of byTag.rows) {
    const slices = slicesBy.get(r.currency) ?? new Map<string | null, Big>();
    slices.set(r.groups[0] ?? null, (slices.get(r.groups[0] ?? null) ?? new Big(0)).plus(r.billedCost));
    slicesBy.set(r.currency, slices);
  }
  data.allocation.byCurrency = tenantCurrencyFirst([...slicesBy.keys()], currency).map((cur) => ({
    currency: cur,
    slices: [...(slicesBy.get(cur) ?? [])].map(([value, cost]) => ({ value, cost: cost.toFixed() })),
  }));

  const llm = await documents.list<Record<string, unknown>>(paths.llmUsageDaily(tenantId), { limit: 200 });
  data.llmUsage = llm.docs.map((d) => ({ ...d.data, id: d.id }));
  data.backtests = await gatherBacktests(warehouse, tenantId, currency, asOf);
  data.recommendations = await gatherRecommendations(deps, tenantId);
  return data;
}

async function gatherRecommendations(deps: AppDeps, tenantId: string): Promise<ReportData["recommendations"]> {
  // Sorted by score; the list reads every document, so the limit only trims what is returned.
  const { items } = await listRecommendations(deps.documents, tenantId, { limit: 200 });
  const open = items.filter((r) => r.state === "active" || r.state === "claimed");
  const sums = new Map<string, Big>();
  for (const r of open) sums.set(r.monthlySavings.currency, (sums.get(r.monthlySavings.currency) ?? new Big(0)).plus(r.monthlySavings.amount));
  return {
    open: open.length,
    top: open.slice(0, TOP_RECOMMENDATIONS).map((r) => ({
      provider: r.provider,
      category: r.category,
      action: r.action,
      resource: r.resource,
      description: r.description,
      savings: r.monthlySavings.amount,
      currency: r.monthlySavings.currency,
      effort: r.effort,
      risk: r.risk,
      score: r.score,
      state: r.state,
    })),
    monthlySavings: [...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, amount]) => ({ currency: c, amount: amount.toFixed() })),
  };
}
