import { randomUUID } from "node:crypto";
import { z } from "zod";
import { PROVIDERS } from "../billing/cost-record.js";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { notFound } from "#kernel/errors.js";
import { Cursor, DocId, listTenantDocs, PageSize } from "./documents.js";
import { paths } from "#kernel/document-paths.js";

/**
 * Cloud accounts at `tenants/{t}/cloud_accounts/{id}` (billing/cloud-account.ts shape). The
 * credentials go to the credential store (`cloud-creds/{tenant}/{provider}`) only: they are never
 * written to the document, returned, or logged.
 */
export interface CredentialWriter {
  put(tenantId: string, provider: string, creds: Record<string, string>): Promise<void>;
  delete(tenantId: string, provider: string): Promise<void>;
}

const Name = z.string().min(1).max(256);
export const ConnectCloudAccountInput = z.strictObject({
  accountId: DocId.optional(),
  provider: z.enum(PROVIDERS),
  displayName: z.string().max(200).default(""),
  billingAccountId: Name,
  subAccountId: Name,
  environment: z.enum(["nonprod", "prod"]),
  scope: z.record(z.string().max(64), z.union([Name, z.array(Name).max(100)])).default({}),
  credentials: z
    .record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), z.string().min(1).max(16_384))
    .refine((c) => Object.keys(c).length > 0 && Object.keys(c).length <= 20, "credentials need 1 to 20 fields"),
});
export const ListCloudAccountsInput = z.strictObject({ limit: PageSize, cursor: Cursor });
export const DisconnectCloudAccountInput = z.strictObject({ accountId: DocId });

export async function connectCloudAccount(
  store: DocumentStore,
  creds: CredentialWriter,
  tenantId: string,
  input: z.output<typeof ConnectCloudAccountInput>,
  by: string,
  now: Date,
) {
  const { credentials, accountId = randomUUID(), ...account } = input;
  await creds.put(tenantId, input.provider, credentials);
  const doc = {
    ...account,
    secretRef: `cloud-creds/${tenantId}/${input.provider}`,
    status: "active",
    lastCollectedThrough: null,
    lastCollectedAt: null,
    lastError: null,
    incompleteDays: [],
    connectedAt: now.toISOString(),
    connectedBy: by,
  };
  await store.set(paths.cloudAccount(tenantId, accountId), doc);
  return { ...doc, id: accountId };
}

export async function getCloudAccount(store: DocumentStore, tenantId: string, accountId: string) {
  const doc = await store.get<DocumentData>(paths.cloudAccount(tenantId, accountId));
  if (!doc) throw notFound(`cloud account ${accountId}`);
  return doc;
}

export async function listCloudAccounts(store: DocumentStore, tenantId: string, q: z.output<typeof ListCloudAccountsInput>) {
  return listTenantDocs<DocumentData>(store, paths.cloudAccounts(tenantId), { limit: q.limit, cursor: q.cursor });
}

/** Removes the account; the provider's credentials go too when no other account uses them. */
export async function disconnectCloudAccount(store: DocumentStore, creds: CredentialWriter, tenantId: string, accountId: string) {
  const doc = await getCloudAccount(store, tenantId, accountId);
  await store.delete(paths.cloudAccount(tenantId, accountId));
  const others = await store.list(paths.cloudAccounts(tenantId), { where: [["provider", "==", doc.provider]], limit: 1 });
  if (others.docs.length === 0) await creds.delete(tenantId, String(doc.provider));
  return { id: accountId, disconnected: true as const };
}
