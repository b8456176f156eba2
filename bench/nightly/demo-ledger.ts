// Builds the demo tenants' ledger and tenant documents in a data dir, without the CLI: the demo
// billing source feeds DuckDbCostWarehouse.replaceWindow page by page, as a first nightly's
// collection does, and the tenant documents are seeded as the local run seeds them.
import { DemoBillingSource } from "#adapters/demo/demo-billing-source.js";
import type { DemoConfig } from "#adapters/demo/demo-config.js";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { DuckDbDocumentStore } from "#adapters/local/duckdb-document-store.js";
import { tenantAnalysisOf } from "#cli/nightly/seed-tenants.js";
import type { Provider } from "#domain/billing/cost-record.js";
import { addDays, monthPages, monthsBefore } from "#kernel/days.js";
import type { DocumentStore } from "#kernel/ports.js";

export interface DemoLedger {
  warehouse: DuckDbCostWarehouse;
  store: DuckDbDocumentStore;
  /** Ledger rows written per tenant. */
  rows: Record<string, number>;
  close(): Promise<void>;
}

/** The tenant and budget documents the analysis reads, as the local run seeds them. */
export async function seedDemoDocuments(store: DocumentStore, cfg: DemoConfig): Promise<void> {
  for (const t of cfg.tenants) {
    await store.set(
      `tenants/${t.id}`,
      { name: t.name, timezone: t.timezone, analysis: tenantAnalysisOf(t) },
      { merge: true },
    );
    for (const b of t.budgets) {
      await store.set(
        `tenants/${t.id}/budgets/${b.id}`,
        { name: b.name, amount: b.amount, currency: "USD", period: b.period, scope: b.scope ?? {} },
        { merge: true },
      );
    }
  }
}

/**
 * Writes `history_months` of every demo account up to the day before `runDate` into a fresh
 * DuckDB warehouse under `dataDir`, one replaceWindow per account and month page, with the
 * lineage collection gives it (`collect:<accountId>`).
 */
export async function buildDemoLedger(cfg: DemoConfig, dataDir: string, runDate: string): Promise<DemoLedger> {
  const warehouse = await DuckDbCostWarehouse.open({ dataDir });
  const store = await DuckDbDocumentStore.open({ dataDir });
  const clock = { now: () => new Date(`${runDate}T03:00:00Z`) };
  const sources = new Map<Provider, DemoBillingSource>();
  const window = { start: monthsBefore(runDate, cfg.history_months), end: addDays(runDate, -1) };
  const rows: Record<string, number> = {};
  for (const t of cfg.tenants) {
    let inserted = 0;
    for (const a of t.accounts) {
      let source = sources.get(a.provider);
      if (!source) {
        source = new DemoBillingSource(a.provider, { config: async () => cfg, dataDir, clock });
        sources.set(a.provider, source);
      }
      const ref = { tenantId: t.id, accountId: a.id, provider: a.provider, scope: {}, environment: a.environment };
      for (const page of monthPages(window)) {
        const pulled = await source.collect({ account: ref, window: page, runDate });
        const scope = { tenantId: t.id, provider: a.provider, subAccountIds: [a.sub_account_id], source: `collect:${a.id}` };
        const records = pulled.records.map((r) => ({ ...r, source: scope.source }));
        inserted += (await warehouse.replaceWindow(scope, page, records)).inserted;
      }
    }
    rows[t.id] = inserted;
  }
  await seedDemoDocuments(store, cfg);
  return {
    warehouse,
    store,
    rows,
    async close() {
      await warehouse.close();
      await store.close();
    },
  };
}
