import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ListAnomaliesInput, listAnomalies } from "#domain/api/anomalies.js";
import { ListBudgetsInput, listBudgets } from "#domain/api/budgets.js";
import type { ListPage } from "#domain/api/documents.js";
import { GetForecastInput, getForecast } from "#domain/api/forecasts.js";
import { LlmModel, LlmProvider } from "#domain/llm-usage/event.js";
import { GetLlmUsageInput, getLlmUsage } from "#domain/llm-usage/usage.js";
import { ListRecommendationsInput, listRecommendations } from "#domain/recommendations/lifecycle.js";
import { RECOMMENDATION_CATEGORIES, RECOMMENDATION_PROVIDERS, RECOMMENDATION_STATES } from "#domain/recommendations/recommendation.js";
import type { DocumentData } from "#kernel/ports.js";
import { invalid } from "./cost-tools.js";
import { argumentHash, decodeCursor, fitTable, fixIt, pageTable, type Table, text } from "./result.js";
import { args, defineTool } from "./tool.js";

/** Strings from stored documents are cut to this length: a row stays small whatever a name holds. */
const MAX_CELL = 256;
const clip = (v: unknown): unknown => (typeof v === "string" && v.length > MAX_CELL ? `${v.slice(0, MAX_CELL)}…` : v);
const row = (...cells: unknown[]) => cells.map(clip);
const queryKey = (a: Record<string, unknown>) => argumentHash({ ...a, cursor: undefined });

/**
 * A page of a stored list, cut to the token cap. When rows had to be cut, the page is read again
 * with exactly as many rows as fit, so the store's own cursor resumes right after the last one shown.
 */
async function storePage(
  head: Record<string, unknown>,
  columns: string[],
  limit: number,
  read: (limit: number) => Promise<ListPage<DocumentData>>,
  toRow: (d: DocumentData & { id: string }) => unknown[],
): Promise<CallToolResult> {
  const fitPage = (page: ListPage<DocumentData>) =>
    fitTable(head, { columns, rows: page.items.map(toRow) } satisfies Table, { more: page.next !== null, cursorAt: () => page.next });
  const first = await read(limit);
  let fitted = fitPage(first);
  if (fitted.kept < first.items.length && fitted.kept > 0) fitted = fitPage(await read(fitted.kept));
  return text(fitted.body);
}

const storeCursor = args.cursor.describe("next_cursor of the previous page, with otherwise identical arguments");
const pageOf50 = z.number().int().min(1).max(50).default(20).describe("rows per page (1-50)");

export const listAnomaliesTool = defineTool({
  name: "list_anomalies",
  title: "List cost anomalies",
  description:
    "Cost anomalies the nightly analysis found, with severity, status, expected and actual cost, impact and the root causes (the dimension values that contributed most). Filter by status and severity.",
  scope: { callable: "listAnomalies", skill: "anomalies", action: "read" },
  input: {
    status: z.enum(["open", "acknowledged", "resolved"]).optional(),
    severity: z.enum(["critical", "high", "medium", "low", "info"]).optional(),
    limit: pageOf50,
    cursor: storeCursor,
  },
  async run(a, tenantId, deps) {
    // view: "billed" (the cloud bill) or "kubernetes-allocation" (a namespace's share of a cluster).
    const columns = ["id", "start", "end", "severity", "status", "direction", "view", "provider", "account", "service", "currency", "expected", "actual", "impact", "rootCauses", "feedback"];
    return storePage({ filter: { status: a.status ?? null, severity: a.severity ?? null } }, columns, a.limit, async (limit) => {
      const parsed = ListAnomaliesInput.parse({ status: a.status, severity: a.severity, limit, cursor: a.cursor });
      return listAnomalies(deps.documents, tenantId, parsed);
    }, (d) => {
      const where = (d.where ?? {}) as { provider?: string; accountId?: string; service?: string };
      // Documents from before amounts carried a currency name them `…Usd` and were in US dollars.
      const causes = Array.isArray(d.rootCauses) ? (d.rootCauses as { dimension: string; value: string; contribution?: string; contributionUsd?: string }[]).slice(0, 5) : [];
      return row(d.id, d.start, d.end, d.severity, d.status, d.direction, d.view ?? "billed", where.provider, where.accountId, where.service, d.currency ?? "USD",
        d.expected ?? d.expectedUsd, d.actual ?? d.actualUsd, d.impact ?? d.impactUsd,
        causes.map((c) => [clip(c.dimension), clip(c.value), c.contribution ?? c.contributionUsd]), d.feedback ?? null);
    });
  },
});

export const getForecastTool = defineTool({
  name: "get_forecast",
  title: "Get cost forecast",
  description:
    "The month-end projection of a series (default total) with 80% and 95% bands, as of the last nightly run, and on view rows its daily forecast. backtest: how far to trust it (month: last complete month's forecast against the bill, beside the seasonal naive's error; rolling: 80%/95% band coverage over the last 84 settled days). trend: week-over-week and 28-day growth with 80% bands, and growingFasterThanForecast. completeness: which recent days are still provisional. Each is null where history is too short.",
  scope: { callable: "getForecast", skill: "forecasts", action: "read" },
  input: {
    // "@" ends the key of a series in one of several currencies ("total@EUR"), as getForecast takes it.
    series_key: z
      .string()
      .regex(/^[A-Za-z0-9_.:=~|,@-]{1,500}$/, "letters, digits and _ . : = ~ | , @ -")
      .default("total")
      .describe("total, or a series such as service:BigQuery; a series in one of several currencies ends in @CUR, e.g. total@EUR"),
    view: args.view,
    limit: args.limit,
    cursor: args.cursor,
  },
  async run(a, tenantId, deps) {
    const parsed = GetForecastInput.safeParse({ seriesKey: a.series_key });
    if (!parsed.success) return invalid(parsed.error, "Use series_key total, or the key of a forecast series.");
    const doc = await getForecast(deps.documents, tenantId, parsed.data);
    const head = {
      seriesKey: clip(doc.seriesKey),
      asOf: doc.asOf ?? null,
      completeness: doc.completeness ?? null,
      monthEnd: doc.monthEnd ?? null,
      backtest: doc.backtest ?? null,
      trend: doc.trend ?? null,
    };
    if (a.view === "summary") return text(head);
    const o = decodeCursor(a.cursor, queryKey(a));
    if (typeof o !== "number") return fixIt(o.error);
    const points = Array.isArray(doc.points) ? (doc.points as Record<string, unknown>[]) : [];
    const rows = points.map((p) => row(p.date, p.mean, p.lower80, p.upper80, p.lower95, p.upper95));
    return pageTable(head, { columns: ["date", "mean", "lower80", "upper80", "lower95", "upper95"], rows }, { offset: o, limit: a.limit, queryKey: queryKey(a) });
  },
});

export const listBudgetsTool = defineTool({
  name: "list_budgets",
  title: "List budgets",
  description: "The tenant's budgets: amount, currency, period, scope and the state the nightly computed (spend, forecast, thresholds crossed).",
  scope: { callable: "listBudgets", skill: "budgets", action: "read" },
  input: { limit: pageOf50, cursor: storeCursor },
  async run(a, tenantId, deps) {
    const columns = ["id", "name", "amount", "currency", "period", "scope", "state"];
    return storePage({}, columns, a.limit, (limit) => listBudgets(deps.documents, tenantId, ListBudgetsInput.parse({ limit, cursor: a.cursor })), (d) =>
      row(d.id, d.name, d.amount, d.currency ?? "USD", d.period, JSON.stringify(d.scope ?? {}).slice(0, MAX_CELL), JSON.stringify(d.state ?? null).slice(0, 1024)),
    );
  },
});

export const listRecommendationsTool = defineTool({
  name: "list_recommendations",
  title: "List savings recommendations",
  description: "Savings recommendations synced from the providers, highest score first, with monthly savings, effort, risk and state. Filter by provider, category, state and minimum savings.",
  scope: { callable: "listRecommendations", skill: "recommendations", action: "read" },
  input: {
    provider: z.enum(RECOMMENDATION_PROVIDERS).optional(),
    category: z.enum(RECOMMENDATION_CATEGORIES).optional(),
    state: z.enum(RECOMMENDATION_STATES).optional(),
    min_savings: z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, "a decimal amount such as 10 or 12.50").optional().describe("minimum monthly savings, compared within currency"),
    currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD").optional(),
    limit: pageOf50,
    cursor: args.cursor,
  },
  async run(a, tenantId, deps) {
    const o = decodeCursor(a.cursor, queryKey(a));
    if (typeof o !== "number") return fixIt(o.error);
    // The service sorts before it limits, so a page is a slice of its first 200.
    const q = { provider: a.provider, category: a.category, state: a.state, minSavings: a.min_savings, currency: a.currency, limit: 200 };
    const parsed = ListRecommendationsInput.safeParse(q);
    if (!parsed.success) return invalid(parsed.error, "Check min_savings and currency.");
    const { items, total } = await listRecommendations(deps.documents, tenantId, parsed.data);
    const rows = items.map((r) => row(r.id, r.provider, r.category, r.action, r.state, r.score, r.monthlySavings.amount, r.monthlySavings.currency, r.effort, r.risk, r.accountId, r.resource, r.description));
    return pageTable({ total }, { columns: ["id", "provider", "category", "action", "state", "score", "monthlySavings", "currency", "effort", "risk", "account", "resource", "description"], rows }, { offset: o, limit: a.limit, queryKey: queryKey(a) });
  },
});

const BREAKDOWNS = { day: "byDay", provider: "byProvider", model: "byModel", app: "byApp", team: "byTeam", user: "byUser", key: "byKey" } as const;

export const getLlmUsageTool = defineTool({
  name: "get_llm_usage",
  title: "Get LLM usage",
  description: "Tokens and exact USD cost of the tenant's LLM calls between two dates, in total and on view rows broken down by day, provider, model, app, team, user or API key.",
  scope: { callable: "getLlmUsage", skill: "llm-usage", action: "read" },
  input: {
    start: args.start,
    end: args.end,
    provider: LlmProvider.optional(),
    model: LlmModel.optional(),
    breakdown: z.enum(["day", "provider", "model", "app", "team", "user", "key"]).default("model"),
    view: args.view,
    limit: args.limit,
    cursor: args.cursor,
  },
  async run(a, tenantId, deps) {
    const parsed = GetLlmUsageInput.safeParse({ start: a.start, end: a.end, provider: a.provider, model: a.model, limit: 1000 });
    if (!parsed.success) return invalid(parsed.error, "Use start <= end, both YYYY-MM-DD, within the ledger's window.");
    const o = decodeCursor(a.cursor, queryKey(a));
    if (typeof o !== "number") return fixIt(o.error);
    const usage = await getLlmUsage(await deps.llmLedger(), tenantId, parsed.data);
    const head = { start: a.start, end: a.end, currency: usage.currency, totals: usage.totals, breakdown: a.breakdown };
    if (a.view === "summary") return text(head);
    const list = usage[BREAKDOWNS[a.breakdown]];
    const rows = list.map((r) => row(r.value, r.events, r.inputTokens, r.outputTokens, r.cacheReadTokens, r.reasoningTokens, r.costUsd));
    return pageTable(head, { columns: [a.breakdown, "events", "inputTokens", "outputTokens", "cacheReadTokens", "reasoningTokens", "costUsd"], rows }, { offset: o, limit: a.limit, queryKey: queryKey(a) });
  },
});

export const STORE_TOOLS = [listAnomaliesTool, getForecastTool, listBudgetsTool, listRecommendationsTool, getLlmUsageTool];
