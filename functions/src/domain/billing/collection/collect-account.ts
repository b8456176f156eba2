import type { DocumentStore, EventBus } from "#kernel/ports.js";
import { CloudAccountDocSchema, cloudAccountPath, toAccountRef } from "../cloud-account.js";
import type { BillingSource, CostWarehouse, UpsertStats } from "../ports.js";
import { runPath } from "./fan-out.js";
import { type CollectAccountMessage, pageKey, TOPICS } from "./messages.js";

export interface CollectDeps {
  store: DocumentStore;
  bus: EventBus;
  warehouse: CostWarehouse;
  sourceFor(provider: CollectAccountMessage["provider"]): BillingSource;
  clock: { now(): Date };
}

export interface CollectOutcome {
  stats: UpsertStats;
  records: number;
  incompleteDays: string[];
}

interface RunDoc extends Record<string, unknown> {
  pending: string[];
  collected: string[];
  failed: string[];
}

/**
 * Pulls one page of one account and replaces that window in the warehouse (idempotent upsert by
 * record_key; rows the provider no longer reports for those days are removed). Lineage is set
 * here so that a re-pull always owns exactly the rows the previous pull wrote.
 */
export async function collectAccount(deps: CollectDeps, msg: CollectAccountMessage): Promise<CollectOutcome> {
  const raw = await deps.store.get(cloudAccountPath(msg.tenantId, msg.accountId));
  if (!raw) throw new Error(`collect: account ${msg.tenantId}/${msg.accountId} does not exist`);
  const account = CloudAccountDocSchema.parse(raw);
  const source = `collect:${msg.accountId}`;
  const result = await deps.sourceFor(msg.provider).collect({ account: toAccountRef(msg.tenantId, msg.accountId, account), window: msg.page });
  const records = result.records.map((r) => ({ ...r, source }));
  const stats = await deps.warehouse.replaceWindow(
    { tenantId: msg.tenantId, provider: msg.provider, subAccountIds: [account.subAccountId], source },
    msg.page,
    records,
  );
  await deps.store.update(cloudAccountPath(msg.tenantId, msg.accountId), (cur) => {
    if (!cur) return null;
    const prev = typeof cur.lastCollectedThrough === "string" ? cur.lastCollectedThrough : "";
    return {
      ...cur,
      status: "active",
      lastError: null,
      lastCollectedAt: deps.clock.now().toISOString(),
      lastCollectedThrough: prev > msg.page.end ? prev : msg.page.end,
      incompleteDays: result.incompleteDays,
    };
  });
  await finishPage(deps, msg, "collected");
  return { stats, records: records.length, incompleteDays: result.incompleteDays };
}

/** Records a page as given up after its retries: the account is marked failing, analysis still runs. */
export async function collectAccountFailed(deps: CollectDeps, msg: CollectAccountMessage, error: string): Promise<void> {
  await deps.store.update(cloudAccountPath(msg.tenantId, msg.accountId), (cur) =>
    cur ? { ...cur, status: "failing", lastError: error.slice(0, 500) } : null,
  );
  await finishPage(deps, msg, "failed");
}

/** Removes the page from the run's pending set; whoever empties it starts the tenant's analysis. */
async function finishPage(deps: CollectDeps, msg: CollectAccountMessage, outcome: "collected" | "failed"): Promise<void> {
  const key = pageKey(msg);
  let emptiedNow = false;
  const run = await deps.store.update<RunDoc>(runPath(msg.tenantId, msg.runDate), (cur) => {
    emptiedNow = false;
    if (!cur || !cur.pending.includes(key)) return cur;
    const pending = cur.pending.filter((k) => k !== key);
    emptiedNow = pending.length === 0;
    return { ...cur, pending, [outcome]: [...cur[outcome], key] };
  });
  if (emptiedNow && run) {
    const accountsOf = (keys: string[]) => [...new Set(keys.map((k) => k.split(":")[0] ?? k))].sort();
    await deps.bus.publish(TOPICS.costsCollected, {
      tenantId: msg.tenantId,
      runDate: msg.runDate,
      accounts: accountsOf(run.collected),
      failedAccounts: accountsOf(run.failed),
    });
  }
}
