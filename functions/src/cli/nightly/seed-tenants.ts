import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import Big from "big.js";
import type { AlertChannelSpec, DemoConfig, DemoTenant, ProviderAccountSpec, SecretSourceSpec } from "#adapters/demo/demo-config.js";
import { RoutingRuleSchema } from "#domain/alerts/channel-config.js";
import { parseTenantDetectionSettings } from "#domain/analysis/anomaly/index.js";
import { upsertAlertChannel } from "#domain/api/alert-channels.js";
import { findTemplate, validateTemplateScope } from "#domain/onboarding/account-templates.js";
import { paths } from "#kernel/document-paths.js";
import { InputError } from "#kernel/errors.js";
import { cloudCredentialSecretName } from "#kernel/secret-names.js";
import type { DocumentStore, SecretStore } from "#kernel/ports.js";
import type { CredentialStore } from "#foundation/infrastructure/credential-store.js";

/** What onboarding from the tenants file writes to. */
export interface SeedTargets {
  documents: DocumentStore;
  secrets: SecretStore;
  credentials: CredentialStore;
}

/** Reads a secret named by the tenants file; the value never appears in an error. */
async function readSecret(source: SecretSourceSpec, baseDir: string, what: string): Promise<string> {
  if ("env" in source) {
    const v = process.env[source.env];
    if (!v) throw new InputError(`${what}: environment variable ${source.env} is not set`, [{ path: what, message: "secret not set" }]);
    return v.trim();
  }
  const file = resolve(baseDir, source.file);
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (err) {
    throw new InputError(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`, [{ path: what, message: "secret file unreadable" }]);
  }
}

function credentialObject(text: string, what: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`${what}: the credentials are not JSON`, [{ path: what, message: "not JSON" }]);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json) || !Object.values(json).every((v) => typeof v === "string")) {
    throw new InputError(`${what}: the credentials must be a JSON object of strings`, [{ path: what, message: "not an object of strings" }]);
  }
  return json as Record<string, string>;
}

/** Keeps an account's collection state (last collected day, status) across re-seeds. */
async function seedAccount(t: SeedTargets, tenantId: string, id: string, fields: Record<string, unknown>): Promise<void> {
  const path = paths.cloudAccount(tenantId, id);
  const existing = await t.documents.get(path);
  await t.documents.set(path, { ...fields, ...(existing ? {} : { status: "active", lastCollectedThrough: null }) }, { merge: true });
}

/**
 * The scope as its template validates it (the tenants file is the operator's, so a FOCUS folder is
 * allowed); without a template, only the cloud providers, whose collectors read the scope as is.
 */
function templatedScope(tenantId: string, a: ProviderAccountSpec): ProviderAccountSpec["scope"] {
  const where = `tenants.${tenantId}.provider_accounts.${a.id}`;
  if (a.template === undefined) {
    if (a.provider === "other") throw new InputError(`${where}: provider other needs a template (focus, opencost or vultr)`, [{ path: `${where}.template`, message: "required" }]);
    return a.scope;
  }
  const template = findTemplate(a.template);
  if (!template) throw new InputError(`${where}.template: unknown template ${a.template}`, [{ path: `${where}.template`, message: "unknown template" }]);
  if (template.provider !== a.provider) throw new InputError(`${where}: template ${a.template} is for ${template.provider} accounts, not ${a.provider}`, [{ path: `${where}.provider`, message: `needs ${template.provider}` }]);
  try {
    return validateTemplateScope(template, a.scope) as ProviderAccountSpec["scope"];
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${where}: ${err.message}`, err.issues);
    throw err;
  }
}

async function seedProviderAccount(t: SeedTargets, tenantId: string, a: ProviderAccountSpec, baseDir: string): Promise<void> {
  const scope = templatedScope(tenantId, a);
  const where = `tenants.${tenantId}.provider_accounts.${a.id}.credentials`;
  if (a.credentials) {
    await t.credentials.put(tenantId, a.id, credentialObject(await readSecret(a.credentials, baseDir, where), where));
  }
  await seedAccount(t, tenantId, a.id, {
    provider: a.provider,
    collector: "provider",
    displayName: a.id,
    billingAccountId: a.billing_account_id,
    subAccountId: a.sub_account_id,
    environment: a.environment,
    scope,
    ...(a.template ? { template: a.template } : {}),
    ...(a.credentials ? { secretRef: cloudCredentialSecretName(tenantId, a.id) } : {}),
  });
}

async function seedChannel(t: SeedTargets, tenantId: string, c: AlertChannelSpec, baseDir: string): Promise<void> {
  const where = `tenants.${tenantId}.alert_channels.${c.id}`;
  const rules = c.rules.map((r, i) => {
    const parsed = RoutingRuleSchema.safeParse(r);
    if (!parsed.success) throw new InputError(`${where}.rules.${i}: ${parsed.error.issues[0]?.message ?? "invalid"}`, [{ path: `${where}.rules.${i}`, message: "invalid rule" }]);
    return parsed.data;
  });
  const secret = c.secret ? await readSecret(c.secret, baseDir, `${where}.secret`) : undefined;
  await upsertAlertChannel(t.documents, t.secrets, tenantId, { id: c.id, kind: c.kind, enabled: true, rules, ...(c.name ? { name: c.name } : {}), ...(secret ? { secret } : {}) });
}

/**
 * The tenant document's `analysis` map: each currency's floor under `thresholds` (the deprecated
 * `min_impact_usd` as the USD one, `min_impact` winning), checked as the analysis will read it.
 */
export function tenantAnalysisOf(tenant: DemoTenant): Record<string, unknown> {
  const floors: Record<string, string> = {
    ...(tenant.analysis.min_impact_usd !== undefined ? { USD: new Big(tenant.analysis.min_impact_usd).toFixed() } : {}),
    ...tenant.analysis.min_impact,
  };
  const analysis = { thresholds: Object.fromEntries(Object.entries(floors).map(([c, minImpact]) => [c, { minImpact }])), minChangePct: tenant.analysis.min_change_pct };
  try {
    parseTenantDetectionSettings(analysis);
  } catch (err) {
    throw new InputError(`tenants.${tenant.id}.analysis: ${(err as Error).message}`, [{ path: `tenants.${tenant.id}.analysis`, message: "invalid thresholds" }]);
  }
  return analysis;
}

async function seedTenant(t: SeedTargets, tenant: DemoTenant, baseDir: string): Promise<void> {
  await t.documents.set(
    paths.tenant(tenant.id),
    { name: tenant.name, timezone: tenant.timezone, ...(tenant.locale ? { locale: tenant.locale } : {}), analysis: tenantAnalysisOf(tenant) },
    { merge: true },
  );
  for (const a of tenant.accounts) {
    await seedAccount(t, tenant.id, a.id, {
      provider: a.provider,
      collector: "demo",
      displayName: a.id,
      billingAccountId: a.billing_account_id,
      subAccountId: a.sub_account_id,
      environment: a.environment,
      scope: {},
    });
  }
  for (const a of tenant.provider_accounts) await seedProviderAccount(t, tenant.id, a, baseDir);
  for (const b of tenant.budgets) {
    await t.documents.set(
      paths.budget(tenant.id, b.id),
      { name: b.name, amount: b.amount, currency: "USD", period: b.period, scope: b.scope ?? {} },
      { merge: true },
    );
  }
  const channels: AlertChannelSpec[] = tenant.alert_channels.length > 0 ? tenant.alert_channels : [{ id: "console", kind: "console", name: "Console", rules: [] }];
  for (const c of channels) await seedChannel(t, tenant.id, c, baseDir);
}

/**
 * Onboards the tenants of the tenants file into the local stores: tenant documents, demo and real
 * cloud accounts (each account's credentials to the credential store under its own name),
 * budgets, and alert channels (secrets to the secret store, the document keeps a reference).
 * Definitions are merged, so collection state, budget threshold state and anomaly feedback from
 * earlier runs survive a re-seed.
 */
export async function seedTenants(t: SeedTargets, cfg: DemoConfig, tenantsFile: string): Promise<void> {
  const baseDir = dirname(tenantsFile);
  for (const tenant of cfg.tenants) await seedTenant(t, tenant, baseDir);
}
