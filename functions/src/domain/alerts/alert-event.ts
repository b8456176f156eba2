import { createHash } from "node:crypto";
import { z } from "zod";
import { IsoDate } from "#kernel/days.js";
import { MoneyString as BoundedMoney, compareDecimals, toDecimal } from "../billing/money.js";
import { LocaleSchema } from "./tenant-locale.js";

/** Event amounts: bounded like every amount, and written without trailing zeros. */
const MoneyString = BoundedMoney.transform(toDecimal);

/**
 * Alert events: what the nightly pipeline (and the acknowledge callable) hand to the alert
 * dispatcher. Every event carries a stable `id` derived from its natural key, so the same
 * anomaly or the same budget threshold in the same period always yields the same id. That id is
 * PagerDuty's `dedup_key` and the key of the outbox records (see dispatcher.ts, docs/alerts.md).
 */

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

const IsoDateTime = z.iso.datetime({ offset: true });
const NonEmpty = z.string().trim().min(1).max(512);

export const AlertWhereSchema = z
  .object({
    provider: NonEmpty.optional(),
    accountId: NonEmpty.optional(),
    service: NonEmpty.optional(),
    region: NonEmpty.optional(),
  })
  .strict();
export type AlertWhere = z.infer<typeof AlertWhereSchema>;

export const RootCauseSchema = z
  .object({ dimension: NonEmpty, value: NonEmpty, contribution: MoneyString })
  .strict();
export type RootCause = z.infer<typeof RootCauseSchema>;

export const ForecastVsBudgetSchema = z
  .object({ projected: MoneyString, budget: MoneyString, periodEnd: IsoDate.optional() })
  .strict();
export type ForecastVsBudget = z.infer<typeof ForecastVsBudgetSchema>;

/** ISO 4217 code of every amount in an event (impact, expected, actual, contributions, budget figures). */
export const CurrencyCodeSchema = z.string().regex(/^[A-Z]{3}$/, "a currency is an ISO 4217 code such as USD or EUR");

const common = {
  id: z.string().regex(/^[a-z]+-[0-9a-f]{32}$/, "ids come from the helper constructors"),
  tenantId: NonEmpty,
  severity: SeveritySchema,
  impact: MoneyString,
  /** Events queued before amounts carried a code were all in US dollars. */
  currency: CurrencyCodeSchema.default("USD"),
  dashboardUrl: z.url({ protocol: /^https?$/ }),
  occurredAt: IsoDateTime,
  /** The tenant's BCP 47 locale the amounts are written in; the dispatcher sets it from the tenant document. */
  locale: LocaleSchema.optional(),
};

export const DIRECTIONS = ["increase", "decrease"] as const;
export const DirectionSchema = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof DirectionSchema>;

const anomalyBody = {
  ...common,
  anomalyId: NonEmpty,
  where: AlertWhereSchema,
  /** The last anomalous day (UTC). */
  date: IsoDate,
  /**
   * The first anomalous day, when the anomaly spans several days (`start..date`). Optional so that
   * events queued before it existed still parse.
   */
  start: IsoDate.optional(),
  /**
   * Whether spend went up or down. The constructors always set it; an event queued before it
   * existed reads it from actual against expected (directionOf).
   */
  direction: DirectionSchema.optional(),
  expected: MoneyString,
  actual: MoneyString,
  rootCauses: z.array(RootCauseSchema).max(1000).default([]),
  forecast: ForecastVsBudgetSchema.optional(),
};

const AnomalyOpened = z.object({ type: z.literal("anomaly.opened"), ...anomalyBody }).strict();
const AnomalyUpdated = z.object({ type: z.literal("anomaly.updated"), ...anomalyBody }).strict();
const AnomalyResolved = z.object({ type: z.literal("anomaly.resolved"), ...anomalyBody }).strict();
const AnomalyAcknowledged = z
  .object({ type: z.literal("anomaly.acknowledged"), ...anomalyBody, acknowledgedBy: NonEmpty })
  .strict();

const BudgetBasis = z.enum(["actual", "forecast"]);

/**
 * What a scoped budget covers, in words ("provider gcp; service Vertex AI"): `where` holds only
 * single values, so a budget over two services would otherwise read as covering everything.
 * Absent for a budget over all costs.
 */
const BudgetScopeText = NonEmpty.optional();

const BudgetThresholdCrossed = z
  .object({
    type: z.literal("budget.threshold_crossed"),
    ...common,
    budgetId: NonEmpty,
    budgetName: NonEmpty,
    /** Stable label of the budget period, e.g. "2026-11" or "2026-Q4". */
    periodKey: NonEmpty,
    thresholdPct: z.number().positive().max(1000),
    basis: BudgetBasis,
    /** Actual spend to date, or the period-end forecast when basis is "forecast". */
    spent: MoneyString,
    budget: MoneyString,
    where: AlertWhereSchema.default({}),
    scope: BudgetScopeText,
    forecast: ForecastVsBudgetSchema.optional(),
  })
  .strict();

const ForecastBreachAhead = z
  .object({
    type: z.literal("forecast.breach_ahead"),
    ...common,
    budgetId: NonEmpty,
    budgetName: NonEmpty,
    periodKey: NonEmpty,
    daysUntilBreach: z.number().int().min(0).max(3660),
    breachDate: IsoDate,
    forecast: ForecastVsBudgetSchema,
    where: AlertWhereSchema.default({}),
    scope: BudgetScopeText,
  })
  .strict();

const CollectionFailing = z
  .object({
    type: z.literal("collection.failing"),
    ...common,
    where: AlertWhereSchema,
    accountId: NonEmpty,
    /** First day collection failed; a new failure streak is a new alert. */
    since: IsoDate,
    consecutiveFailures: z.number().int().positive(),
    lastError: z.string().max(2000),
  })
  .strict();

const LlmBudgetCrossed = z
  .object({
    type: z.literal("llm_budget.crossed"),
    ...common,
    budgetId: NonEmpty,
    budgetName: NonEmpty,
    periodKey: NonEmpty,
    thresholdPct: z.number().positive().max(1000),
    spent: MoneyString,
    budget: MoneyString,
    model: NonEmpty.optional(),
    where: AlertWhereSchema.default({}),
  })
  .strict();

/** Today's event shapes, exactly; {@link AlertEventSchema} also reads events queued before a rename. */
const CurrentAlertEventSchema = z.discriminatedUnion("type", [
  AnomalyOpened,
  AnomalyUpdated,
  AnomalyResolved,
  AnomalyAcknowledged,
  BudgetThresholdCrossed,
  ForecastBreachAhead,
  CollectionFailing,
  LlmBudgetCrossed,
]);
export type AlertEvent = z.infer<typeof CurrentAlertEventSchema>;
export type AlertEventType = AlertEvent["type"];
export const ALERT_EVENT_TYPES = [
  "anomaly.opened",
  "anomaly.updated",
  "anomaly.resolved",
  "anomaly.acknowledged",
  "budget.threshold_crossed",
  "forecast.breach_ahead",
  "collection.failing",
  "llm_budget.crossed",
] as const satisfies readonly AlertEventType[];

export type AnomalyEvent = Extract<AlertEvent, { type: `anomaly.${string}` }>;

/**
 * What a channel is asked to do with an event, in PagerDuty's vocabulary (Events API v2
 * `event_action`): open/update an alert, acknowledge it, or resolve it.
 */
export type Transition = "trigger" | "acknowledge" | "resolve";

export function transitionOf(event: AlertEvent): Transition {
  if (event.type === "anomaly.resolved") return "resolve";
  if (event.type === "anomaly.acknowledged") return "acknowledge";
  return "trigger";
}

/** Field names events had while every amount was named in dollars, and what they are now. */
const LEGACY_NAMES: Record<string, string> = {
  impactUsd: "impact",
  expectedUsd: "expected",
  actualUsd: "actual",
  spentUsd: "spent",
  budgetUsd: "budget",
};

/**
 * An event queued (outbox, Pub/Sub) before the amounts were renamed, with today's names: the
 * `…Usd` fields of the event, its root causes and its forecast. Those events were in USD, which
 * the schema's default currency says.
 */
function upgradeLegacy(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const o = input as Record<string, unknown>;
  if (!Object.keys(LEGACY_NAMES).some((k) => k in o)) return input;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[LEGACY_NAMES[k] ?? k] = v;
  if (Array.isArray(o.rootCauses)) {
    out.rootCauses = o.rootCauses.map((c: unknown) => {
      if (typeof c !== "object" || c === null || !("contributionUsd" in c)) return c;
      const { contributionUsd, ...rest } = c as Record<string, unknown>;
      return { ...rest, contribution: contributionUsd };
    });
  }
  if (typeof o.forecast === "object" && o.forecast !== null && "forecastUsd" in o.forecast) {
    const { forecastUsd, budgetUsd, ...rest } = o.forecast as Record<string, unknown>;
    out.forecast = { ...rest, projected: forecastUsd, budget: budgetUsd };
  }
  return out;
}

/**
 * An alert event as any reader takes it: today's shape, or one queued or stored (Pub/Sub message,
 * outbox record) while the amounts were named in dollars, upgraded first. Every schema that holds an
 * event (the alerts message, the outbox's channel message) uses this one, so no queued event becomes
 * unreadable across the rename.
 *
 * @example
 * AlertEventSchema.parse({ ...legacy, impactUsd: "12.5" }).impact; // "12.5" (currency USD)
 */
export const AlertEventSchema = z.preprocess(upgradeLegacy, CurrentAlertEventSchema);

/** Parses untrusted input (today's shape, or a legacy `…Usd` one); throws a readable error. */
export function parseAlertEvent(input: unknown): AlertEvent {
  const r = AlertEventSchema.safeParse(input);
  if (!r.success) throw new TypeError(`invalid alert event: ${z.prettifyError(r.error)}`);
  return r.data;
}

/**
 * Deterministic id from a natural key: a short prefix plus 128 bits of SHA-256. Parts are joined
 * with NUL so that ("a:b","c") and ("a","b:c") never collide. The result is a valid Firestore
 * document id and well under PagerDuty's 255-character dedup_key limit.
 */
export function stableAlertId(prefix: string, ...parts: (string | number)[]): string {
  const h = createHash("sha256").update(parts.map(String).join("\u0000")).digest("hex");
  return `${prefix}-${h.slice(0, 32)}`;
}

export const anomalyAlertId = (tenantId: string, anomalyId: string): string =>
  stableAlertId("anomaly", tenantId, anomalyId);

// ---- Constructors the nightly pipeline calls. Input is validated; the id is computed. ----

type Input<T extends AlertEventType> = Omit<Extract<z.input<typeof CurrentAlertEventSchema>, { type: T }>, "id" | "type">;

function build<T extends AlertEventType>(type: T, id: string, input: object): Extract<AlertEvent, { type: T }> {
  return parseAlertEvent({ ...input, type, id }) as Extract<AlertEvent, { type: T }>;
}

export function anomalyOpened(input: Input<"anomaly.opened">) {
  return build("anomaly.opened", anomalyAlertId(input.tenantId, input.anomalyId), input);
}
export function anomalyUpdated(input: Input<"anomaly.updated">) {
  return build("anomaly.updated", anomalyAlertId(input.tenantId, input.anomalyId), input);
}
export function anomalyResolved(input: Input<"anomaly.resolved">) {
  return build("anomaly.resolved", anomalyAlertId(input.tenantId, input.anomalyId), input);
}
export function anomalyAcknowledged(input: Input<"anomaly.acknowledged">) {
  return build("anomaly.acknowledged", anomalyAlertId(input.tenantId, input.anomalyId), input);
}

/** One id per (budget, period, threshold, basis): each threshold alerts once per period (DESIGN §7). */
export function budgetThresholdCrossed(input: Input<"budget.threshold_crossed">) {
  const id = stableAlertId("budget", input.tenantId, input.budgetId, input.periodKey, input.thresholdPct, input.basis);
  return build("budget.threshold_crossed", id, input);
}

/** One id per (budget, period): the breach warning is sent once a period, not every night. */
export function forecastBreachAhead(input: Input<"forecast.breach_ahead">) {
  return build("forecast.breach_ahead", stableAlertId("breach", input.tenantId, input.budgetId, input.periodKey), input);
}

/** One id per failure streak of an account (keyed by its first failing day). */
export function collectionFailing(input: Input<"collection.failing">) {
  return build("collection.failing", stableAlertId("collection", input.tenantId, input.accountId, input.since), input);
}

export function llmBudgetCrossed(input: Input<"llm_budget.crossed">) {
  const id = stableAlertId("llm", input.tenantId, input.budgetId, input.periodKey, input.thresholdPct);
  return build("llm_budget.crossed", id, input);
}

/**
 * The direction of an anomaly event (spend above or below what was expected); undefined for the
 * other events, which routing rules on direction then let through.
 */
export function directionOf(event: AlertEvent): Direction | undefined {
  switch (event.type) {
    case "anomaly.opened":
    case "anomaly.updated":
    case "anomaly.resolved":
    case "anomaly.acknowledged":
      return event.direction ?? (compareDecimals(event.actual, event.expected) < 0 ? "decrease" : "increase");
    default:
      return undefined;
  }
}

/** Severity rank, 0 = critical. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
