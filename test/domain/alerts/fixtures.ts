import {
  anomalyOpened,
  anomalyResolved,
  budgetThresholdCrossed,
  collectionFailing,
  forecastBreachAhead,
  llmBudgetCrossed,
  type RootCause,
} from "#domain/alerts/alert-event.js";
import type { AlertChannel, AlertLog, ChannelMessage, SendContext, SendResult } from "#domain/alerts/channel-port.js";
import type { ChannelKind } from "#domain/alerts/channel-config.js";
import type { Clock } from "#kernel/ports.js";

/** Shared builders for alert tests: realistic events, a settable clock, a capturing log. */

export const DASH = "https://costs.example.com/t/acme/anomalies/an-1";

export function anomalyInput(over: Partial<Parameters<typeof anomalyOpened>[0]> = {}) {
  return {
    tenantId: "acme",
    anomalyId: "an-1",
    severity: "high" as const,
    impact: "1840.25",
    dashboardUrl: DASH,
    occurredAt: "2026-11-20T06:00:00Z",
    where: { provider: "aws", accountId: "123456789012", service: "AmazonEC2", region: "us-east-1" },
    date: "2026-11-19",
    expected: "410.00",
    actual: "2250.25",
    rootCauses: [
      { dimension: "usage_type", value: "BoxUsage:p4d.24xlarge", contribution: "1700.10" },
      { dimension: "resource_id", value: "i-0abc", contribution: "140.15" },
    ],
    forecast: { projected: "52000", budget: "45000", periodEnd: "2026-11-30" },
    ...over,
  };
}

export const opened = (over: Parameters<typeof anomalyInput>[0] = {}) => anomalyOpened(anomalyInput(over));
export const resolved = (over: Parameters<typeof anomalyInput>[0] = {}) => anomalyResolved(anomalyInput(over));

export function causes(n: number): RootCause[] {
  return Array.from({ length: n }, (_, i) => ({
    dimension: "resource_id",
    value: `i-${String(i).padStart(6, "0")}-${"x".repeat(40)}`,
    contribution: `${n - i}.50`,
  }));
}

export function budgetEvent(over: Partial<Parameters<typeof budgetThresholdCrossed>[0]> = {}) {
  return budgetThresholdCrossed({
    tenantId: "acme",
    severity: "medium",
    impact: "4500",
    dashboardUrl: "https://costs.example.com/t/acme/budgets/b-1",
    occurredAt: "2026-11-20T06:00:00Z",
    budgetId: "b-1",
    budgetName: "Platform <prod> & data",
    periodKey: "2026-11",
    thresholdPct: 90,
    basis: "actual",
    spent: "40500",
    budget: "45000",
    ...over,
  });
}

export function otherEvents() {
  return [
    budgetEvent(),
    budgetEvent({ basis: "forecast", thresholdPct: 100, spent: "52000" }),
    forecastBreachAhead({
      tenantId: "acme",
      severity: "high",
      impact: "7000",
      dashboardUrl: "https://costs.example.com/t/acme/budgets/b-1",
      occurredAt: "2026-11-20T06:00:00Z",
      budgetId: "b-1",
      budgetName: "Platform",
      periodKey: "2026-11",
      daysUntilBreach: 6,
      breachDate: "2026-11-26",
      forecast: { projected: "52000", budget: "45000" },
    }),
    collectionFailing({
      tenantId: "acme",
      severity: "medium",
      impact: "0",
      dashboardUrl: "https://costs.example.com/t/acme/accounts/aws-1",
      occurredAt: "2026-11-20T06:00:00Z",
      where: { provider: "aws", accountId: "123456789012" },
      accountId: "aws-1",
      since: "2026-11-18",
      consecutiveFailures: 3,
      lastError: "AccessDeniedException: not authorized to perform ce:GetCostAndUsage",
    }),
    llmBudgetCrossed({
      tenantId: "acme",
      severity: "low",
      impact: "120",
      dashboardUrl: "https://costs.example.com/t/acme/llm",
      occurredAt: "2026-11-20T06:00:00Z",
      budgetId: "llm-1",
      budgetName: "Assistants",
      periodKey: "2026-11",
      thresholdPct: 75,
      spent: "750",
      budget: "1000",
      model: "gpt-4o",
    }),
  ];
}

export function fixedClock(iso: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    set: (s) => {
      t = Date.parse(s);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface CapturedLine {
  level: "info" | "warn" | "error";
  message: string;
  fields?: Record<string, unknown>;
}

export function captureLog(): AlertLog & { lines: CapturedLine[]; text(): string } {
  const lines: CapturedLine[] = [];
  const push = (level: CapturedLine["level"]) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, info: push("info"), warn: push("warn"), error: push("error"), text: () => lines.map((l) => JSON.stringify(l)).join("\n") };
}

/** A channel that records what it was asked to send and answers from a script (default: ok). */
export function recordingChannel(kind: ChannelKind, script: SendResult[] = []) {
  const sent: { message: ChannelMessage; ctx: SendContext }[] = [];
  const channel: AlertChannel & { sent: typeof sent } = {
    kind,
    sent,
    supports: (m) => !(kind === "pagerduty" && m.kind === "digest") && !(kind === "slack" && m.kind === "alert" && m.transition === "acknowledge"),
    async send(message, ctx) {
      sent.push({ message, ctx });
      return script.shift() ?? { ok: true, status: 200 };
    },
  };
  return channel;
}
