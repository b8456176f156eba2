import { paths } from "#kernel/document-paths.js";
import type { Clock, Doc, DocumentStore, EventBus } from "#kernel/ports.js";
import { CloudAccountDocSchema } from "../billing/cloud-account.js";
import { accountCollectionWindow } from "./window-rules.js";
import { type CollectAccountMessage, type CostsCollectedMessage, type NightlyCollectMessage, pageKey, TOPICS } from "./messages.js";
import { monthPages } from "#kernel/days.js";
import { newRun } from "./run-state.js";

export interface FanOutDeps {
  store: DocumentStore;
  bus: EventBus;
  clock: Clock;
  trailingDays: number;
  historyMonths: number;
}

export interface FanOutResult {
  runDate: string;
  tenants: number;
  messages: number;
}

const PAGE = 300;

/** Every document of a collection, page by page. */
async function listAll(store: DocumentStore, collection: string): Promise<Doc[]> {
  const out: Doc[] = [];
  let startAfter: string | undefined;
  do {
    const page = await store.list(collection, { limit: PAGE, ...(startAfter ? { startAfter } : {}) });
    out.push(...page.docs);
    startAfter = page.next;
  } while (startAfter);
  return out;
}

/**
 * Starts a nightly run: one collect-account message per (tenant, account, month page), and the
 * pages pending in the tenant's run document so that the last collector starts the analysis. A
 * tenant with nothing to collect goes straight to analysis. The run day is the message's, or the
 * UTC day it was published (Cloud Scheduler publishes `{}`).
 */
export async function fanOutCollection(deps: FanOutDeps, msg: NightlyCollectMessage, publishedAt: string): Promise<FanOutResult> {
  const runDate = msg.runDate ?? publishedAt.slice(0, 10);
  const tenants = (await listAll(deps.store, paths.tenants())).filter((t) => !msg.tenantIds || msg.tenantIds.includes(t.id));
  let messages = 0;
  for (const tenant of tenants) {
    const batch: CollectAccountMessage[] = [];
    for (const acc of await listAll(deps.store, paths.cloudAccounts(tenant.id))) {
      const doc = CloudAccountDocSchema.parse(acc.data);
      if (doc.status === "disconnected") continue;
      const window = accountCollectionWindow(doc, runDate, deps);
      if (!window) continue;
      for (const page of monthPages(window)) {
        batch.push({ tenantId: tenant.id, accountId: acc.id, provider: doc.provider, runDate, page });
      }
    }
    await deps.store.set(paths.run(tenant.id, runDate), newRun(runDate, batch.map(pageKey), deps.clock.now().toISOString()));
    if (batch.length === 0) {
      const done: CostsCollectedMessage = { tenantId: tenant.id, runDate, accounts: [], failedAccounts: [] };
      await deps.bus.publish(TOPICS.costsCollected, done);
    }
    for (const m of batch) await deps.bus.publish(TOPICS.collectAccount, m);
    messages += batch.length;
  }
  return { runDate, tenants: tenants.length, messages };
}
