import { type DayWindow, laterDay } from "#kernel/days.js";
import { paths } from "#kernel/document-paths.js";
import { AppError } from "#kernel/errors.js";
import type { Clock, DocumentStore, EventBus } from "#kernel/ports.js";
import { type AlertsMessageInput, type CollectAccountMessage, type CostsCollectedMessage, pageKey, TOPICS } from "./messages.js";
import { collectionFailing } from "../alerts/alert-event.js";
import { type CloudAccountDoc, CloudAccountDocSchema, toAccountRef } from "../billing/cloud-account.js";
import type { CostRecord, LedgerProvider } from "../billing/cost-record.js";
import type { BillingSource, CloudAccountRef, CostWarehouse, UpsertStats, WindowScope } from "../billing/ports.js";
import { finishPage, markAnalysisRequested, type RunDoc } from "./run-state.js";

/** Picks the billing source of one account: its provider's collector, or the demo generator. */
export type BillingSourceResolver = (account: CloudAccountRef, doc: CloudAccountDoc) => BillingSource;

export interface CollectDeps {
  store: DocumentStore;
  bus: EventBus;
  warehouse: CostWarehouse;
  sourceFor: BillingSourceResolver;
  clock: Clock;
}

export interface CollectOutcome {
  stats: UpsertStats;
  records: number;
  incompleteDays: string[];
}

async function accountDoc(store: DocumentStore, msg: CollectAccountMessage): Promise<CloudAccountDoc> {
  const raw = await store.get(paths.cloudAccount(msg.tenantId, msg.accountId));
  // A disconnected account's pages are not retried: there is nothing to collect any more.
  if (!raw) throw new AppError("not-found", `cloud account ${msg.tenantId}/${msg.accountId} does not exist`);
  return CloudAccountDocSchema.parse(raw);
}

/**
 * Pulls one page of one account and replaces that window in the warehouse (idempotent upsert by
 * record_key; rows the provider no longer reports for those days are removed). Lineage is set
 * here so that a re-pull always owns exactly the rows the previous pull wrote.
 */
export async function collectAccount(deps: CollectDeps, msg: CollectAccountMessage): Promise<CollectOutcome> {
  const account = await accountDoc(deps.store, msg);
  const ref = toAccountRef(msg.tenantId, msg.accountId, account);
  const source = `collect:${msg.accountId}`;
  const result = await deps.sourceFor(ref, account).collect({ account: ref, window: msg.page, runDate: msg.runDate });
  const records = result.records.map((r) => ({ ...r, source }));
  // The lineage alone says which rows this account owns: a real collector reports a row per
  // sub account of its scope (GCP projects, AWS linked accounts, Azure subscriptions), not only
  // for the account's own subAccountId, and a sub account that left the scope must lose its rows.
  const stats = result.keepLedger
    ? { inserted: 0, updated: 0, unchanged: 0, deleted: 0 }
    : await replaceByProvider(deps.warehouse, { tenantId: msg.tenantId, provider: msg.provider, source }, msg.page, records, result.replaces);
  await deps.store.update(paths.cloudAccount(msg.tenantId, msg.accountId), (cur) => {
    if (!cur) return null;
    const prev = typeof cur.lastCollectedThrough === "string" ? cur.lastCollectedThrough : "";
    return {
      ...cur,
      status: "active",
      lastError: null,
      lastCollectedAt: deps.clock.now().toISOString(),
      lastCollectedThrough: laterDay(prev, msg.page.end),
      incompleteDays: result.incompleteDays,
      failingSince: null,
      consecutiveFailures: 0,
    };
  });
  await pageDone(deps, msg, "collected", { records: records.length, ...stats });
  return { stats, records: records.length, incompleteDays: result.incompleteDays };
}

/**
 * One replaceWindow per provider the page replaces (the account's own by default). A row of a
 * provider outside that list goes with the account's own provider, where the warehouse refuses it.
 */
async function replaceByProvider(
  warehouse: CostWarehouse,
  scope: WindowScope,
  page: DayWindow,
  records: CostRecord[],
  replaces: readonly LedgerProvider[] = [scope.provider],
): Promise<UpsertStats> {
  // The account's own provider always takes part, so that no row can fall between the groups.
  const providers = [...new Set([scope.provider, ...replaces])];
  if (providers.length === 1 && providers[0] === scope.provider) return warehouse.replaceWindow(scope, page, records);
  const total: UpsertStats = { inserted: 0, updated: 0, unchanged: 0, deleted: 0 };
  const listed = new Set(providers);
  for (const provider of providers) {
    const mine = records.filter((r) => r.provider === provider || (provider === scope.provider && !listed.has(r.provider)));
    const s = await warehouse.replaceWindow({ ...scope, provider }, page, mine);
    total.inserted += s.inserted;
    total.updated += s.updated;
    total.unchanged += s.unchanged;
    total.deleted += s.deleted;
  }
  return total;
}

/**
 * A page given up after its retries (it reached the dead-letter topic): the account is marked
 * failing, the tenant is alerted once per failure streak, and the run goes on to analysis with
 * what was collected.
 */
export async function collectAccountFailed(
  deps: Pick<CollectDeps, "store" | "bus" | "clock"> & { dashboardUrl: string },
  msg: CollectAccountMessage,
  error: string,
): Promise<void> {
  const reason = error.slice(0, 500);
  let since = msg.runDate;
  let failures = 1;
  await deps.store.update(paths.cloudAccount(msg.tenantId, msg.accountId), (cur) => {
    if (!cur) return null;
    const streak = cur.status === "failing" && typeof cur.failingSince === "string";
    since = streak ? (cur.failingSince as string) : msg.runDate;
    failures = (streak && typeof cur.consecutiveFailures === "number" ? cur.consecutiveFailures : 0) + 1;
    return { ...cur, status: "failing", lastError: reason, failingSince: since, consecutiveFailures: failures };
  });
  await pageDone(deps, msg, "failed");
  const alert: AlertsMessageInput = {
    tenantId: msg.tenantId,
    runDate: msg.runDate,
    events: [
      collectionFailing({
        tenantId: msg.tenantId,
        severity: "high",
        impact: "0",
        dashboardUrl: `${deps.dashboardUrl}/tenants/${msg.tenantId}/accounts/${msg.accountId}`,
        occurredAt: deps.clock.now().toISOString(),
        where: { provider: msg.provider, accountId: msg.accountId },
        accountId: msg.accountId,
        since,
        consecutiveFailures: failures,
        lastError: reason,
      }),
    ],
  };
  await deps.bus.publish(TOPICS.alerts, alert);
}

/** Records the page in the run; whoever empties the pending set starts the tenant's analysis. */
async function pageDone(
  deps: Pick<CollectDeps, "store" | "bus" | "clock">,
  msg: CollectAccountMessage,
  outcome: "collected" | "failed",
  counts: Partial<RunDoc["collection"]> = {},
): Promise<void> {
  const { run, emptiedNow } = await finishPage(deps.store, msg.tenantId, msg.runDate, pageKey(msg), outcome, counts);
  // Whoever empties the pending set starts the analysis; a redelivery of that page, after a crash
  // between the two writes, finds the set empty and the analysis not yet asked for, and asks.
  if (!run || !(emptiedNow || (run.pending.length === 0 && !run.analysisRequestedAt))) return;
  const accountsOf = (keys: string[]) => [...new Set(keys.map((k) => k.split(":")[0] ?? k))].sort();
  const done: CostsCollectedMessage = {
    tenantId: msg.tenantId,
    runDate: msg.runDate,
    accounts: accountsOf(run.collected),
    failedAccounts: accountsOf(run.failed),
  };
  await deps.bus.publish(TOPICS.costsCollected, done);
  await markAnalysisRequested(deps.store, msg.tenantId, msg.runDate, deps.clock.now());
}
