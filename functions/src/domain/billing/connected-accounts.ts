import { paths } from "#kernel/document-paths.js";
import type { DocumentStore } from "#kernel/ports.js";
import { CloudAccountDocSchema } from "./cloud-account.js";

const PAGE = 300;

/**
 * The (tenant, provider) pairs of connected accounts that collect through their provider (demo
 * accounts need no credentials), at most `limit`: what an instance prefetches credentials for at
 * cold start.
 */
export async function listConnectedAccounts(store: DocumentStore, opts: { limit: number }): Promise<{ tenantId: string; provider: string }[]> {
  const out = new Map<string, { tenantId: string; provider: string }>();
  let tenantsAfter: string | undefined;
  do {
    const tenants = await store.list(paths.tenants(), { limit: PAGE, ...(tenantsAfter ? { startAfter: tenantsAfter } : {}) });
    for (const t of tenants.docs) {
      let accountsAfter: string | undefined;
      do {
        const accounts = await store.list(paths.cloudAccounts(t.id), { limit: PAGE, ...(accountsAfter ? { startAfter: accountsAfter } : {}) });
        for (const a of accounts.docs) {
          const doc = CloudAccountDocSchema.safeParse(a.data);
          if (!doc.success || doc.data.status === "disconnected" || doc.data.collector !== "provider") continue;
          out.set(`${t.id}\u0000${doc.data.provider}`, { tenantId: t.id, provider: doc.data.provider });
          if (out.size >= opts.limit) return [...out.values()];
        }
        accountsAfter = accounts.next;
      } while (accountsAfter);
    }
    tenantsAfter = tenants.next;
  } while (tenantsAfter);
  return [...out.values()];
}
