import type { DocumentData } from "#kernel/ports.js";
import type { App } from "./app-harness.js";

const COLLECTIONS = ["anomalies", "forecasts", "budgets", "cloud_accounts", "alert_channels", "workspaces", "api_keys", "llm_usage_daily", "sessions", "memory"];

/**
 * Everything a callable could have written for tenant `t`: its documents (not the audit log,
 * which records refused calls by design), its secrets and its ledger, as one comparable string.
 * Credentials are per account: the secrets of the seeded account, of the account the callables'
 * valid inputs connect (`own-acct`), and of every account document's `secretRef`.
 */
export async function tenantSnapshot(app: App, t: string, secretNames: string[] = []): Promise<string> {
  const docs: Record<string, DocumentData | null> = { [`tenants/${t}`]: await app.documents.get(`tenants/${t}`) };
  for (const c of COLLECTIONS) {
    for (const d of (await app.documents.list(`tenants/${t}/${c}`, { limit: 10_000 })).docs) docs[d.path] = d.data;
  }
  const keyIndex = (await app.documents.list("api_key_index", { limit: 10_000 })).docs.filter((d) => d.data.tenantId === t).map((d) => d.data);
  const refs = Object.values(docs).flatMap((d) => (typeof d?.secretRef === "string" ? [d.secretRef] : []));
  const names = [...new Set([`cloud-creds/${t}/acct-${t}`, `cloud-creds/${t}/own-acct`, ...refs, ...secretNames])].sort();
  const secrets = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await app.secrets.get(n)] as const)));
  return JSON.stringify({ docs, keyIndex, secrets, totals: await app.warehouse.totals(t), days: await app.warehouse.days(t) });
}
