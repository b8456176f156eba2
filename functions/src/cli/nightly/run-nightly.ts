import { DemoBillingSource } from "#adapters/demo/demo-billing-source.js";
import type { DemoConfig } from "#adapters/demo/demo-config.js";
import type { AlertDispatcher } from "#domain/alerts/dispatcher.js";
import { type DispatchReport, mergeReports, emptyReport } from "#domain/alerts/dispatch-report.js";
import { collectionFailing, type AlertEvent } from "#domain/alerts/alert-event.js";
import { analyzeTenant, type TenantAnalysis } from "#domain/analysis/analyze-tenant.js";
import { collectAccount, collectAccountFailed } from "#domain/billing/collection/collect-account.js";
import { fanOutCollection } from "#domain/billing/collection/fan-out.js";
import {
  CollectAccountMessage,
  CostsCollectedMessage,
  NightlyCollectMessage,
  TOPICS,
} from "#domain/billing/collection/messages.js";
import type { Provider } from "#domain/billing/cost-record.js";
import type { BillingSource, CostWarehouse } from "#domain/billing/ports.js";
import type { DocumentStore, EventBus } from "#kernel/ports.js";
import type { Progress } from "../progress.js";

export interface NightlyRuntime {
  store: DocumentStore;
  warehouse: CostWarehouse;
  bus: EventBus;
  dispatcher: AlertDispatcher;
  clock: { now(): Date };
}

export interface TenantRunSummary {
  tenantId: string;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  deleted: number;
  failedPages: number;
  analysis: TenantAnalysis | null;
  alerts: DispatchReport;
}

export interface NightlyResult {
  runDate: string;
  tenants: TenantRunSummary[];
}

/**
 * Runs one nightly pass as the deployed system does, but in-process: the same stages subscribed
 * to the same topics (nightly-collect → collect-account → costs-collected → alerts), each message
 * validated, retried by the bus on failure and dead-lettered after its attempts.
 */
export async function runNightly(rt: NightlyRuntime, cfg: DemoConfig, opts: { runDate: string; dataDir: string; progress: Progress }): Promise<NightlyResult> {
  const { progress } = opts;
  const sources = new Map<Provider, BillingSource>();
  const sourceFor = (p: Provider): BillingSource => {
    let s = sources.get(p);
    if (!s) {
      s = new DemoBillingSource(p, { config: cfg, dataDir: opts.dataDir, runDate: opts.runDate, clock: rt.clock });
      sources.set(p, s);
    }
    return s;
  };
  const summaries = new Map<string, TenantRunSummary>();
  const summaryOf = (tenantId: string): TenantRunSummary => {
    let s = summaries.get(tenantId);
    if (!s) {
      s = { tenantId, pages: 0, records: 0, inserted: 0, updated: 0, deleted: 0, failedPages: 0, analysis: null, alerts: emptyReport() };
      summaries.set(tenantId, s);
    }
    return s;
  };
  let pagesTotal = 0;
  let pagesDone = 0;
  const collectDeps = { store: rt.store, bus: rt.bus, warehouse: rt.warehouse, sourceFor, clock: rt.clock };

  rt.bus.subscribe(TOPICS.nightlyCollect, async (m) => {
    const r = await fanOutCollection({ store: rt.store, bus: rt.bus, trailingDays: cfg.trailing_days, historyMonths: cfg.history_months }, NightlyCollectMessage.parse(m.data));
    pagesTotal = r.messages;
    progress.info(`fan-out: ${r.tenants} tenants, ${r.messages} account pages to collect`);
  });

  rt.bus.subscribe(TOPICS.collectAccount, async (m) => {
    const msg = CollectAccountMessage.parse(m.data);
    const out = await collectAccount(collectDeps, msg);
    const s = summaryOf(msg.tenantId);
    s.pages++;
    s.records += out.records;
    s.inserted += out.stats.inserted;
    s.updated += out.stats.updated;
    s.deleted += out.stats.deleted;
    progress.tick("collect", ++pagesDone, pagesTotal);
  });

  rt.bus.subscribe(`${TOPICS.collectAccount}.dead-letter`, async (m) => {
    const msg = CollectAccountMessage.parse(m.data);
    const error = m.attributes.deadLetterError ?? "collection failed";
    await collectAccountFailed(collectDeps, msg, error);
    summaryOf(msg.tenantId).failedPages++;
    progress.tick("collect", ++pagesDone, pagesTotal);
    const event: AlertEvent = collectionFailing({
      tenantId: msg.tenantId,
      severity: "high",
      impactUsd: "0",
      dashboardUrl: `${cfg.dashboard_url}/tenants/${msg.tenantId}/accounts/${msg.accountId}`,
      occurredAt: rt.clock.now().toISOString(),
      where: { provider: msg.provider, accountId: msg.accountId },
      accountId: msg.accountId,
      since: msg.runDate,
      consecutiveFailures: 1,
      lastError: error,
    });
    await rt.bus.publish(TOPICS.alerts, { tenantId: msg.tenantId, runDate: msg.runDate, events: [event] });
  });

  rt.bus.subscribe(TOPICS.costsCollected, async (m) => {
    const msg = CostsCollectedMessage.parse(m.data);
    progress.info(`analyze ${msg.tenantId}`);
    summaryOf(msg.tenantId).analysis = await analyzeTenant(
      { warehouse: rt.warehouse, store: rt.store, bus: rt.bus, dashboardUrl: cfg.dashboard_url, clock: rt.clock },
      msg,
    );
  });

  rt.bus.subscribe(TOPICS.alerts, async (m) => {
    const data = m.data as { tenantId: string; events: unknown[] };
    const report = await rt.dispatcher.dispatch(data.events);
    const s = summaryOf(data.tenantId);
    s.alerts = mergeReports(s.alerts, report);
  });

  progress.step(`nightly run for ${opts.runDate}`);
  await rt.bus.publish(TOPICS.nightlyCollect, { runDate: opts.runDate });
  await rt.bus.drain();
  progress.done(`nightly run for ${opts.runDate}`);
  return { runDate: opts.runDate, tenants: [...summaries.values()].sort((a, b) => a.tenantId.localeCompare(b.tenantId)) };
}
