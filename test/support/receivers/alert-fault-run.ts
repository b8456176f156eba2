import { createPagerDutyChannel } from "#adapters/pagerduty/pagerduty-channel.js";
import { createSlackWebhookChannel } from "#adapters/slack/slack-webhook-channel.js";
import {
  type AlertEvent,
  anomalyOpened,
  anomalyResolved,
  budgetThresholdCrossed,
  SEVERITIES,
} from "#domain/alerts/alert-event.js";
import type { AlertLog } from "#domain/alerts/channel-port.js";
import { type DispatchReport, mergeReports } from "#domain/alerts/dispatch-report.js";
import { createAlertDispatcher } from "#domain/alerts/dispatcher.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";
import { startPagerDutyReceiver } from "./pagerduty-receiver.js";
import { startSlackReceiver } from "./slack-receiver.js";

/**
 * The fault figure: real Slack and PagerDuty adapters post to local receivers that fail a seeded
 * share of requests transiently; the dispatcher dispatches every alert twice (duplicates), then
 * sweeps the retry queue until it is empty. The counts say whether every alert arrived exactly
 * once and none was lost. Shared by bench/alerts/fault.ts and its test.
 */

export interface FaultRunOptions {
  tenants: number;
  anomaliesPerTenant: number;
  /** Every k-th anomaly is resolved later. */
  resolveEvery: number;
  budgetsPerTenant: number;
  faultRate: number;
  seed: number;
  /** PagerDuty fault mode; Slack faults always strike before processing (webhooks have no idempotency key). */
  pagerDutyFaultMode?: "before" | "mixed";
  maxRounds?: number;
}

export interface FaultRunCounts {
  config: FaultRunOptions;
  expected: { pagerdutyTriggers: number; pagerdutyResolves: number; slackMessages: number; slackResolutions: number };
  delivered: {
    pagerdutyAlerts: number;
    pagerdutyResolvedAlerts: number;
    slackMessagesUnique: number;
    slackResolutionsUnique: number;
  };
  /** Deliveries expected but never received. */
  lost: number;
  /** Slack messages received more than once, and PagerDuty alerts opened for a key nobody sent. */
  duplicates: number;
  /** Raw PagerDuty events beyond one per (dedup_key, action): re-sends after a lost response, absorbed by dedup_key. */
  pagerdutyRedeliveriesAbsorbed: number;
  faultsInjected: { slack: number; pagerduty: number; pagerdutyLostResponses: number };
  retryRounds: number;
  deadLettered: number;
  stillQueued: number;
  report: DispatchReport;
}

const silentLog: AlertLog = { info: () => {}, warn: () => {}, error: () => {} };

export async function runAlertFaultScenario(opts: FaultRunOptions): Promise<FaultRunCounts> {
  const slack = await startSlackReceiver({ faults: { rate: opts.faultRate, seed: opts.seed } });
  const pd = await startPagerDutyReceiver({
    faults: { rate: opts.faultRate, seed: opts.seed + 1, mode: opts.pagerDutyFaultMode ?? "before" },
  });
  try {
    const store = new MemoryDocumentStore();
    const secrets = new MemorySecretStore();
    let t = Date.parse("2026-11-20T06:00:00Z");
    const clock = { now: () => new Date(t) };
    const tenants = Array.from({ length: opts.tenants }, (_, i) => `tenant-${i}`);
    for (const tenant of tenants) {
      await secrets.put(`alerts/${tenant}/slack`, `${slack.baseUrl}/services/${tenant}/B000/hook-secret`);
      await secrets.put(`alerts/${tenant}/pd`, `routing-${tenant}-0000000000000000`);
      await store.set(`tenants/${tenant}/alert_channels/slack`, { kind: "slack", secretRef: `alerts/${tenant}/slack` });
      await store.set(`tenants/${tenant}/alert_channels/pd`, {
        kind: "pagerduty",
        secretRef: `alerts/${tenant}/pd`,
        rules: [{ minSeverity: "high" }],
      });
    }
    const dispatcher = createAlertDispatcher({
      store,
      secrets,
      clock,
      log: silentLog,
      maxAttempts: 10,
      retryBaseMs: 1_000,
      retryMaxMs: 60_000,
      channels: {
        slack: createSlackWebhookChannel({ retries: 1, initialDelayMs: 1, maxDelayMs: 2 }),
        pagerduty: createPagerDutyChannel({ url: pd.url, retries: 1, initialDelayMs: 1, maxDelayMs: 2 }),
      },
    });

    const triggers: AlertEvent[] = [];
    const resolves: AlertEvent[] = [];
    for (const tenant of tenants) {
      for (let a = 0; a < opts.anomaliesPerTenant; a++) {
        const input = {
          tenantId: tenant,
          anomalyId: `an-${a}`,
          severity: SEVERITIES[a % SEVERITIES.length] ?? "low",
          impact: `${100 + a}.25`,
          dashboardUrl: `https://costs.example.com/t/${tenant}/anomalies/an-${a}`,
          occurredAt: "2026-11-20T06:00:00Z",
          where: { provider: "gcp", accountId: `proj-${a % 3}`, service: "Compute Engine", region: "europe-west1" },
          date: "2026-11-19",
          expected: "50",
          actual: `${150 + a}.25`,
          rootCauses: [{ dimension: "sku", value: `N2 cores ${a}`, contribution: `${100 + a}.25` }],
        };
        triggers.push(anomalyOpened(input));
        if (a % opts.resolveEvery === 0) resolves.push(anomalyResolved({ ...input, occurredAt: "2026-11-21T06:00:00Z" }));
      }
      for (let b = 0; b < opts.budgetsPerTenant; b++) {
        triggers.push(
          budgetThresholdCrossed({
            tenantId: tenant,
            severity: "medium",
            impact: "900",
            dashboardUrl: `https://costs.example.com/t/${tenant}/budgets/b-${b}`,
            occurredAt: "2026-11-20T06:00:00Z",
            budgetId: `b-${b}`,
            budgetName: `Budget ${b}`,
            periodKey: "2026-11",
            thresholdPct: 90,
            basis: "actual",
            spent: "9000",
            budget: "10000",
          }),
        );
      }
    }

    let report: DispatchReport = await dispatcher.dispatch(triggers);
    report = mergeReports(report, await dispatcher.dispatch(triggers));
    let rounds = 0;
    const sweep = async () => {
      for (let i = 0; i < (opts.maxRounds ?? 60); i++) {
        const queued = (await store.list("alert_deliveries", { where: [["status", "in", ["pending", "sending", "waiting"]]] })).docs.length;
        if (queued === 0) return;
        t += 60_000;
        rounds++;
        report = mergeReports(report, await dispatcher.retryPending());
      }
    };
    await sweep();
    t += 86_400_000;
    report = mergeReports(report, await dispatcher.dispatch(resolves));
    report = mergeReports(report, await dispatcher.dispatch([...resolves, ...triggers]));
    await sweep();

    const paged = (e: AlertEvent) => e.severity === "critical" || e.severity === "high";
    const expected = {
      pagerdutyTriggers: triggers.filter(paged).length,
      pagerdutyResolves: resolves.filter(paged).length,
      slackMessages: triggers.length,
      slackResolutions: resolves.length,
    };

    // PagerDuty: one alert per dedup_key, in the state it should end in.
    const expectedPd = new Map<string, "triggered" | "resolved">();
    for (const e of triggers.filter(paged)) expectedPd.set(e.id, "triggered");
    for (const e of resolves.filter(paged)) expectedPd.set(e.id, "resolved");
    let lost = 0;
    let duplicates = 0;
    for (const [key, state] of expectedPd) if (pd.alerts.get(key) !== state) lost++;
    for (const key of pd.alerts.keys()) if (!expectedPd.has(key)) duplicates++;
    const perAction = new Map<string, number>();
    for (const ev of pd.events) perAction.set(`${ev.dedup_key}:${ev.event_action}`, (perAction.get(`${ev.dedup_key}:${ev.event_action}`) ?? 0) + 1);
    const redeliveries = [...perAction.values()].reduce((s, n) => s + (n - 1), 0);

    // Slack: each message carries its alert id in the context block.
    const slackSeen = new Map<string, number>();
    for (const m of slack.messages) {
      const json = JSON.stringify(m.payload);
      const id = /alert `([a-z]+-[0-9a-f]{32})`/.exec(json)?.[1];
      const key = `${m.path.split("/")[2]}:${id}:${json.includes("white_check_mark") ? "resolve" : "trigger"}`;
      slackSeen.set(key, (slackSeen.get(key) ?? 0) + 1);
    }
    const expectedSlack = [
      ...triggers.map((e) => `${e.tenantId}:${e.id}:trigger`),
      ...resolves.map((e) => `${e.tenantId}:${e.id}:resolve`),
    ];
    const expectedSlackSet = new Set(expectedSlack);
    for (const k of expectedSlackSet) if (!slackSeen.has(k)) lost++;
    for (const [k, n] of slackSeen) duplicates += expectedSlackSet.has(k) ? n - 1 : n;

    const all = (await store.list("alert_deliveries")).docs.map((d) => d.data.status);
    return {
      config: opts,
      expected,
      delivered: {
        pagerdutyAlerts: pd.alerts.size,
        pagerdutyResolvedAlerts: [...pd.alerts.values()].filter((s) => s === "resolved").length,
        slackMessagesUnique: [...slackSeen.keys()].filter((k) => k.endsWith(":trigger")).length,
        slackResolutionsUnique: [...slackSeen.keys()].filter((k) => k.endsWith(":resolve")).length,
      },
      lost,
      duplicates,
      pagerdutyRedeliveriesAbsorbed: redeliveries,
      faultsInjected: { slack: slack.faults(), pagerduty: pd.faults(), pagerdutyLostResponses: pd.lostResponses() },
      retryRounds: rounds,
      deadLettered: all.filter((s) => s === "dead_letter").length,
      stillQueued: all.filter((s) => s === "pending" || s === "sending" || s === "waiting").length,
      report,
    };
  } finally {
    await slack.close();
    await pd.close();
  }
}
