import { type CostRecord, recordKey } from "#domain/billing/cost-record.js";
import { recommendationDocId } from "#domain/recommendations/lifecycle.js";
import type { DocumentStore } from "#kernel/ports.js";

/** The document id of tenant `t`'s seeded recommendation. */
export const recommendationIdOf = (t: string): string => recommendationDocId("gcp", `projects/proj-${t}/locations/us-east1-b/recommenders/google.compute.instance.MachineTypeRecommender/recommendations/rec-${t}`);

/** A small, valid ledger row for tenant `t` (money as decimal strings). */
export function costRow(t: string, day: string, over: Partial<CostRecord> = {}): CostRecord {
  const base = {
    tenant_id: t,
    provider: "gcp" as const,
    billing_account_id: `ba-${t}`,
    sub_account_id: `proj-${t}`,
    service_name: "Compute Engine",
    service_category: "Compute",
    region_id: "us-central1",
    resource_id: "",
    charge_category: "Usage" as const,
    charge_period_start: day,
    charge_period_end: day,
    billed_cost: "10.5",
    effective_cost: "9.25",
    list_cost: "11",
    billing_currency: "USD",
    pricing_quantity: null,
    pricing_unit: "",
    tags: {},
    source: "test",
    ingested_at: "2026-01-01T00:00:00Z",
    ...over,
  };
  return { ...base, record_key: recordKey(base) } as CostRecord;
}

/** Documents every callable can find for tenant `t`: an anomaly, forecast, budget, account, channel, view. */
export async function seedTenantDocs(store: DocumentStore, t: string): Promise<void> {
  await store.set(`tenants/${t}`, { name: t, status: "active" });
  await store.set(`tenants/${t}/recommendations/${recommendationIdOf(t)}`, {
    provider: "gcp",
    providerId: `projects/proj-${t}/locations/us-east1-b/recommenders/google.compute.instance.MachineTypeRecommender/recommendations/rec-${t}`,
    etag: '"e1"',
    recommender: "google.compute.instance.MachineTypeRecommender",
    accountId: `proj-${t}`,
    resource: `//compute.googleapis.com/projects/proj-${t}/zones/us-east1-b/instances/vm-1`,
    category: "rightsizing",
    action: "resize",
    description: "Save cost by changing machine type from n1-standard-4 to custom-2-5120.",
    monthlySavings: { amount: "73.268972762", currency: "USD" },
    effort: "medium",
    risk: "medium",
    confidence: "high",
    score: 59,
    state: "active",
    providerState: "active",
    reason: null,
    alternatives: [],
    updatedAt: "2026-01-10T00:00:00.000Z",
    updatedBy: null,
  });
  await store.set(`tenants/${t}/anomalies/anom-${t}`, {
    seriesKey: "tenant",
    start: "2026-01-10",
    end: "2026-01-10",
    direction: "increase",
    expected: "10",
    actual: "50",
    impact: "40",
    score: 5,
    severity: "high",
    rootCauses: [],
    status: "open",
    feedback: null,
  });
  await store.set(`tenants/${t}/forecasts/total`, { seriesKey: "total", points: [{ date: "2026-02-01", mean: "10" }] });
  await store.set(`tenants/${t}/budgets/budget-${t}`, { id: `budget-${t}`, name: `Budget ${t}`, amount: "100", currency: "USD", period: "monthly", scope: {}, thresholds: [] });
  await store.set(`tenants/${t}/cloud_accounts/acct-${t}`, { provider: "gcp", displayName: "", billingAccountId: "b", subAccountId: "s", environment: "prod", scope: {}, status: "active", secretRef: `cloud-creds/${t}/acct-${t}` });
  await store.set(`tenants/${t}/alert_channels/chan-${t}`, { id: `chan-${t}`, tenantId: t, kind: "console", enabled: true, rules: [] });
  await store.set(`tenants/${t}/workspaces/ws-${t}`, { id: `ws-${t}`, tenantId: t, ownerId: `owner-${t}`, name: "private view", visibility: "private", sharedWith: [], view: {}, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" });
}
