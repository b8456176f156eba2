import type { DocumentStore, EventBus } from "#kernel/ports.js";
import { CloudAccountDocSchema } from "../cloud-account.js";
import { type CollectAccountMessage, type NightlyCollectMessage, pageKey, TOPICS } from "./messages.js";
import { collectionWindow } from "./windows.js";
import { monthPages } from "#kernel/days.js";

export interface FanOutDeps {
  store: DocumentStore;
  bus: EventBus;
  trailingDays: number;
  historyMonths: number;
}

export interface FanOutResult {
  tenants: number;
  messages: number;
}

/** `tenants/{t}/runs/{runDate}`: the run's fan-in state. */
export const runPath = (tenantId: string, runDate: string): string => `tenants/${tenantId}/runs/${runDate}`;

/**
 * Publishes one collect-account message per (tenant, account, month page) and records the pages
 * pending in the tenant's run document, so that the last collector can start the analysis.
 */
export async function fanOutCollection(deps: FanOutDeps, msg: NightlyCollectMessage): Promise<FanOutResult> {
  const tenants = (await deps.store.list("tenants")).docs.filter((t) => !msg.tenantIds || msg.tenantIds.includes(t.id));
  let messages = 0;
  for (const tenant of tenants) {
    const accounts = (await deps.store.list(`tenants/${tenant.id}/cloud_accounts`)).docs;
    const batch: CollectAccountMessage[] = [];
    for (const acc of accounts) {
      const doc = CloudAccountDocSchema.parse(acc.data);
      if (doc.status === "disconnected") continue;
      const window = collectionWindow(msg.runDate, doc.lastCollectedThrough, deps);
      if (!window) continue;
      for (const page of monthPages(window)) {
        batch.push({ tenantId: tenant.id, accountId: acc.id, provider: doc.provider, runDate: msg.runDate, page });
      }
    }
    await deps.store.set(runPath(tenant.id, msg.runDate), {
      runDate: msg.runDate,
      pending: batch.map(pageKey),
      collected: [],
      failed: [],
      startedAt: new Date().toISOString(),
    });
    if (batch.length === 0) {
      await deps.bus.publish(TOPICS.costsCollected, { tenantId: tenant.id, runDate: msg.runDate, accounts: [], failedAccounts: [] });
    }
    for (const m of batch) await deps.bus.publish(TOPICS.collectAccount, m);
    messages += batch.length;
  }
  return { tenants: tenants.length, messages };
}
