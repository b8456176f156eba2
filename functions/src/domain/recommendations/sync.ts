import { createHash } from "node:crypto";
import { paths } from "#kernel/document-paths.js";
import { redactErrorText } from "#kernel/redact.js";
import type { DocumentStore } from "#kernel/ports.js";
import { type CloudAccountDoc, CloudAccountDocSchema } from "../billing/cloud-account.js";
import { deduplicate, type Deduplicated } from "./dedup.js";
import { storeSynced } from "./lifecycle.js";
import { type Recommendation, RecommendationSchema, savingsByCurrency } from "./recommendation.js";
import type { ScoringOptions } from "./scoring.js";

/** What one account's recommendations source answers: the model plus the provider's lifecycle state. */
export interface SourcedRecommendation {
  readonly recommendation: Recommendation;
  readonly providerState: string;
}

/**
 * The port a provider adapter implements (GCP Recommender, Cost Explorer, Advisor), or the demo
 * source; null when nothing reads recommendations for that account.
 */
export type RecommendationSourceResolver = (
  tenantId: string,
  accountId: string,
  account: CloudAccountDoc,
) => { list(): Promise<SourcedRecommendation[]> } | null;

export interface TenantSyncReport {
  readonly tenantId: string;
  /** Accounts whose source failed; their recommendations stay as the last sync stored them. */
  readonly failedAccounts: readonly { accountId: string; error: string }[];
  readonly found: number;
  readonly kept: number;
  readonly conflicts: number;
  readonly savings: Record<string, string>;
  readonly top: Deduplicated["kept"];
}

/**
 * One tenant's sync: every connected account's recommendations, de-duplicated across recommenders
 * and clouds together (one resource can appear under two recommenders), written to the store.
 */
export async function syncTenantRecommendations(
  store: DocumentStore,
  tenantId: string,
  resolve: RecommendationSourceResolver,
  now: Date,
  options?: ScoringOptions,
): Promise<TenantSyncReport> {
  const found: (SourcedRecommendation & { cloudAccount: string })[] = [];
  const failedAccounts: { accountId: string; error: string }[] = [];
  let after: string | undefined;
  do {
    const page = await store.list(paths.cloudAccounts(tenantId), { limit: 300, ...(after ? { startAfter: after } : {}) });
    for (const a of page.docs) {
      const doc = CloudAccountDocSchema.safeParse(a.data);
      if (!doc.success || doc.data.status === "disconnected") continue;
      const source = resolve(tenantId, a.id, doc.data);
      if (!source) continue;
      // One account's provider failing must not cost the tenant the others' recommendations.
      try {
        for (const r of await source.list()) found.push({ ...r, cloudAccount: a.id });
      } catch (err) {
        failedAccounts.push({ accountId: a.id, error: redactErrorText(err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 300) });
      }
    }
    after = page.next;
  } while (after);
  const dedup = deduplicate(
    found.map((f) => f.recommendation),
    options,
  );
  await storeSynced(
    store,
    tenantId,
    dedup,
    new Map(found.map((f) => [f.recommendation.providerId, f.providerState])),
    now,
    new Map(found.map((f) => [f.recommendation.providerId, f.cloudAccount])),
  );
  return {
    tenantId,
    failedAccounts,
    found: found.length,
    kept: dedup.kept.length,
    conflicts: dedup.superseded.filter((s) => s.kind === "conflict").length,
    savings: savingsByCurrency(dedup.kept),
    top: dedup.kept.slice(0, 5),
  };
}

/**
 * Demo recommendations for a demo account, the same every run for the same account: a resize and
 * an idle stop on one VM (a conflict de-duplication must resolve), an idle disk, and a commitment,
 * in the shapes the real adapters produce. Amounts are exact decimals drawn from the account id.
 */
export function demoRecommendations(tenantId: string, accountId: string, account: CloudAccountDoc): SourcedRecommendation[] {
  const seed = createHash("sha256").update(`${tenantId}/${accountId}`).digest();
  const cents = (i: number, base: number) => `${base + ((seed[i] as number) % 90)}.${String((seed[i + 1] as number) % 100).padStart(2, "0")}`;
  const p = account.provider === "aws" || account.provider === "azure" ? account.provider : "gcp";
  const vm = `${account.subAccountId}/instances/demo-vm-1`;
  // The demo ledger's compute service per provider (config/demo/tenants.yaml), for realized savings.
  const ledgerService = { gcp: "Compute Engine", aws: "Amazon Elastic Compute Cloud", azure: "Virtual Machines" }[p];
  // accountId is the ledger's sub_account_id, as the provider adapters give it (realized.ts reads by it).
  const base = { provider: p, etag: `"demo-${seed.toString("hex", 0, 4)}"`, accountId: account.subAccountId, description: "" } as const;
  const make = (id: string, over: Partial<Recommendation>): SourcedRecommendation => ({
    recommendation: RecommendationSchema.parse({
      ...base,
      // A commitment spans services: it names none (and the key is left out, stores refuse undefined).
      ...(over.category === "commitment" ? {} : { ledgerService }),
      providerId: `demo/${tenantId}/${accountId}/${id}`,
      recommender: `demo.${id}`,
      resource: vm,
      category: "rightsizing",
      action: "resize",
      monthlySavings: { amount: cents(0, 40), currency: "USD" },
      effort: "medium",
      risk: "medium",
      confidence: "high",
      ...over,
    }),
    providerState: "active",
  });
  return [
    make("resize", { description: "Change machine type to a smaller shape." }),
    make("idle-vm", { category: "idle", action: "stop", monthlySavings: { amount: cents(2, 60), currency: "USD" }, effort: "low", risk: "high", confidence: "medium", description: "Stop an idle VM." }),
    make("idle-disk", { resource: `${account.subAccountId}/disks/demo-disk-1`, category: "idle", action: "delete", monthlySavings: { amount: cents(4, 5), currency: "USD" }, effort: "low", risk: "high", confidence: "medium", description: "Snapshot and delete an unattached disk." }),
    make("commitment", { resource: `${account.subAccountId}/commitments`, category: "commitment", action: "purchase", monthlySavings: { amount: cents(6, 200), currency: "USD" }, effort: "low", risk: "medium", confidence: "medium", description: "Buy a 1-year commitment." }),
  ];
}
