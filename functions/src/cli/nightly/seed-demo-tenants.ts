import type { DemoConfig } from "#adapters/demo/demo-config.js";
import { cloudAccountPath } from "#domain/billing/cloud-account.js";
import type { DocumentStore } from "#kernel/ports.js";

/**
 * Writes the demo tenants, their accounts, budgets and a console alert channel into the tenant
 * store. Definitions are merged, so collection state, budget threshold state and anomaly
 * feedback from earlier runs survive a re-seed.
 */
export async function seedDemoTenants(store: DocumentStore, cfg: DemoConfig): Promise<void> {
  for (const t of cfg.tenants) {
    await store.set(
      `tenants/${t.id}`,
      {
        name: t.name,
        timezone: t.timezone,
        analysis: { minImpactUsd: t.analysis.min_impact_usd, minChangePct: t.analysis.min_change_pct },
        dashboardUrl: cfg.dashboard_url,
      },
      { merge: true },
    );
    for (const a of t.accounts) {
      const existing = await store.get(cloudAccountPath(t.id, a.id));
      await store.set(
        cloudAccountPath(t.id, a.id),
        {
          provider: a.provider,
          displayName: a.id,
          billingAccountId: a.billing_account_id,
          subAccountId: a.sub_account_id,
          environment: a.environment,
          scope: {},
          ...(existing ? {} : { status: "active", lastCollectedThrough: null }),
        },
        { merge: true },
      );
    }
    for (const b of t.budgets) {
      await store.set(
        `tenants/${t.id}/budgets/${b.id}`,
        { name: b.name, amount: b.amount, currency: "USD", period: b.period, scope: b.scope ?? {} },
        { merge: true },
      );
    }
    await store.set(
      `tenants/${t.id}/alert_channels/console`,
      { id: "console", tenantId: t.id, kind: "console", name: "Console", enabled: true, rules: [] },
      { merge: true },
    );
  }
}
