import { paths } from "#kernel/document-paths.js";
import type { DocumentStore } from "#kernel/ports.js";
import { CloudAccountDocSchema } from "./cloud-account.js";

const PAGE = 300;

/** One connected account whose credentials an instance may prefetch. */
export interface ConnectedAccountRef {
  tenantId: string;
  accountId: string;
}

/**
 * The connected accounts that collect through their provider (demo accounts need no credentials),
 * at most `limit`, as (tenant, account) pairs: credentials are stored per account
 * (`cloud-creds/{tenant}/{account}`), so this is what an instance prefetches at cold start.
 */
export async function listConnectedAccounts(store: DocumentStore, opts: { limit: number }): Promise<ConnectedAccountRef[]> {
  const out: ConnectedAccountRef[] = [];
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
          out.push({ tenantId: t.id, accountId: a.id });
          if (out.length >= opts.limit) return out;
        }
        accountsAfter = accounts.next;
      } while (accountsAfter);
    }
    tenantsAfter = tenants.next;
  } while (tenantsAfter);
  return out;
}
