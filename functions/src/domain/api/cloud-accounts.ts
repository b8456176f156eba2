import { randomUUID } from "node:crypto";
import { z } from "zod";
import { PROVIDERS } from "../billing/cost-record.js";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { InputError, notFound } from "#kernel/errors.js";
import { findTemplate, TemplateNameSchema, validateTemplateScope } from "../onboarding/account-templates.js";
import { cloudCredentialSecretName, isCredentialAccountId } from "#kernel/secret-names.js";
import { Cursor, DocId, listTenantDocs, PageSize } from "./documents.js";
import { paths } from "#kernel/document-paths.js";

/**
 * Cloud accounts at `tenants/{t}/cloud_accounts/{id}` (billing/cloud-account.ts shape). Each
 * account's credentials go to the credential store under its own name,
 * `cloud-creds/{tenant}/{account}` (the document's `secretRef`), and nowhere else: they are never
 * written to the document, returned, or logged. Two accounts of one provider keep their own.
 * With a `template`, the scope must fit it (the same check `costmon account add` makes); a scope
 * the template keeps for operators (a FOCUS folder on the platform's machine) is refused unless
 * `opts.operator` says the caller is one (the CLI), never through the callable.
 */
export interface CredentialWriter {
  put(tenantId: string, accountId: string, creds: Record<string, string>): Promise<void>;
  delete(tenantId: string, accountId: string): Promise<void>;
}

const Name = z.string().min(1).max(256);
export const ConnectCloudAccountInput = z.strictObject({
  // The id names the account's credential secret too, which allows no '~'.
  accountId: DocId.refine(isCredentialAccountId, "invalid id: letters, digits, '_', '-' and '.' only").optional(),
  provider: z.enum(PROVIDERS),
  displayName: z.string().max(200).default(""),
  billingAccountId: Name,
  subAccountId: Name,
  environment: z.enum(["nonprod", "prod"]),
  /** An account template (domain/onboarding): the scope is then checked against it. */
  template: TemplateNameSchema.optional(),
  scope: z
    .record(z.string().min(1).max(64), z.union([Name, z.array(Name).max(100)]))
    .refine((s) => Object.keys(s).length <= 20, "a scope has at most 20 keys")
    .default({}),
  credentials: z
    .record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), z.string().min(1).max(16_384))
    .refine((c) => Object.keys(c).length > 0 && Object.keys(c).length <= 20, "credentials need 1 to 20 fields")
    // Stored as one JSON secret, and a secret holds at most 64 KiB (Secret Manager's limit, which
    // the local stores keep too): refuse what cannot be stored, as invalid input.
    .refine((c) => Buffer.byteLength(JSON.stringify(c), "utf8") <= 64 * 1024, "credentials may hold at most 64 KiB in all")
    // Only a template whose provider can read with the platform's own identity goes without.
    .optional(),
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
  opts: { operator?: boolean } = {},
) {
  const { credentials, accountId = randomUUID(), ...rest } = input;
  const account = { ...rest, ...(rest.template ? { scope: templateScope(rest.template, rest.provider, rest.scope, opts.operator === true) } : {}) };
  if (credentials === undefined && !(rest.template && findTemplate(rest.template)?.credentials.required === false)) {
    throw new InputError("credentials are required for this account", [{ path: "credentials", message: "required" }]);
  }
  const secretRef = credentials ? cloudCredentialSecretName(tenantId, accountId) : undefined;
  if (credentials) await creds.put(tenantId, accountId, credentials);
  const doc = {
    ...account,
    ...(secretRef ? { secretRef } : {}),
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

/** The scope as the template validates and stores it; the template must be of the account's provider. */
function templateScope(name: string, provider: string, scope: Record<string, unknown>, operator: boolean): Record<string, unknown> {
  const template = findTemplate(name);
  if (!template) throw new InputError(`unknown account template ${name}`, [{ path: "template", message: "unknown template" }]);
  if (template.provider !== provider) {
    throw new InputError(`template ${name} is for ${template.provider} accounts, not ${provider}`, [{ path: "provider", message: `template ${name} needs ${template.provider}` }]);
  }
  const stored = validateTemplateScope(template, scope);
  // Deny by default: what reads the platform's own machine is for its operators, not for tenants.
  const operatorOnly = template.operatorOnly?.(stored);
  if (operatorOnly && !operator) throw new InputError(`template ${name}: ${operatorOnly}`, [{ path: "scope", message: "operators only" }]);
  return stored;
}

export async function getCloudAccount(store: DocumentStore, tenantId: string, accountId: string) {
  const doc = await store.get<DocumentData>(paths.cloudAccount(tenantId, accountId));
  if (!doc) throw notFound(`cloud account ${accountId}`);
  return doc;
}

export async function listCloudAccounts(store: DocumentStore, tenantId: string, q: z.output<typeof ListCloudAccountsInput>) {
  return listTenantDocs<DocumentData>(store, paths.cloudAccounts(tenantId), { limit: q.limit, cursor: q.cursor });
}

/**
 * Removes the account and exactly its own credentials: other accounts of the same provider keep
 * theirs. The document goes first, so a failure between the two leaves an unused secret behind,
 * never an account whose credentials are gone.
 */
export async function disconnectCloudAccount(store: DocumentStore, creds: CredentialWriter, tenantId: string, accountId: string) {
  await getCloudAccount(store, tenantId, accountId);
  await store.delete(paths.cloudAccount(tenantId, accountId));
  // An id that cannot name a secret (one with a '~') never had credentials of its own.
  if (isCredentialAccountId(accountId)) await creds.delete(tenantId, accountId);
  return { id: accountId, disconnected: true as const };
}
