import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import Big from "big.js";
import { z } from "zod";
import { AwsCredentialSecretSchema } from "#adapters/billing/aws-cost-explorer-client.js";
import { AzureCredentialSecretSchema } from "#adapters/billing/azure-cost-management-client.js";
import { GcpCredentialSecretSchema } from "#adapters/billing/bigquery-billing-client.js";
import { OpenCostSecretSchema } from "#adapters/billing/opencost-client.js";
import { VultrSecretSchema } from "#adapters/billing/vultr-client.js";
import { LocaleSchema } from "#domain/alerts/tenant-locale.js";
import { parseTenantDetectionSettings } from "#domain/analysis/anomaly/index.js";
import { connectCloudAccount, disconnectCloudAccount } from "#domain/api/cloud-accounts.js";
import { CloudAccountDocSchema, toAccountRef } from "#domain/billing/cloud-account.js";
import { accountCollectionWindow } from "#domain/nightly/window-rules.js";
import { ACCOUNT_TEMPLATES, type AccountTemplate, findTemplate, validateTemplateScope } from "#domain/onboarding/account-templates.js";
import { addDays } from "#kernel/days.js";
import { paths } from "#kernel/document-paths.js";
import { tenantCurrencyOf } from "#foundation/config/tenant-currency.js";
import { InputError } from "#kernel/errors.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { formatCount } from "../format.js";
import { writeOutput } from "../output.js";
import { type ProbeResult, probeNeeds, runProbe } from "../onboard/dry-run-probe.js";
import { UsageError } from "../usage-error.js";

/**
 * `costmon tenant init` and `costmon account add`: onboarding into the local stores through the
 * account template registry (domain/onboarding/account-templates.ts), the same validation the
 * connectCloudAccount callable applies.
 */

interface StoreOptions {
  dataDir: string;
  configDir?: string;
}

function useStores(opts: StoreOptions): void {
  configureDeps({ env: { COSTMON_DATA_DIR: resolve(opts.dataDir) }, ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}), logSink: () => {} });
}

const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "not an IANA time zone such as Europe/Paris");

export interface TenantInitOptions extends StoreOptions {
  tenant: string;
  name: string;
  timezone: string;
  /** Smallest anomaly impact worth flagging, a decimal in the tenant's reporting currency (default 20). */
  minImpact?: string;
  /** Deprecated (`--min-impact-usd`): the same floor, in US dollars. */
  minImpactUsd?: number;
  minChangePct: number;
  /** BCP 47 locale of the tenant's alerts and summaries (default en-US). */
  locale?: string;
}

/** The floor `tenant init` writes when given none, in the tenant's reporting currency. */
const DEFAULT_MIN_IMPACT = "20";

/**
 * Creates (or updates) the tenant document the nightly and the analysis read. The impact floor is
 * written under its currency (`analysis.thresholds.{CUR}.minImpact`, thresholds.ts): the reporting
 * currency for `--min-impact`, USD for the deprecated `--min-impact-usd`.
 */
export async function runTenantInit(opts: TenantInitOptions): Promise<number> {
  const tz = TimeZone.safeParse(opts.timezone);
  if (!tz.success) throw new UsageError(`option '--timezone': ${tz.error.issues[0]?.message}`);
  if (opts.name.trim() === "" || opts.name.length > 200) throw new UsageError("option '--name': 1 to 200 characters");
  if (opts.minImpact !== undefined && opts.minImpactUsd !== undefined) throw new UsageError("give --min-impact (in the tenant's currency) or the deprecated --min-impact-usd, not both");
  let locale: string | undefined;
  if (opts.locale !== undefined) {
    const l = LocaleSchema.safeParse(opts.locale);
    if (!l.success) throw new UsageError(`option '--locale': ${l.error.issues[0]?.message}`);
    locale = l.data;
  }
  useStores(opts);
  try {
    const { documents, config } = await getDeps();
    const currency = opts.minImpactUsd !== undefined ? "USD" : tenantCurrencyOf(config.currency, opts.tenant).reporting;
    const minImpact = opts.minImpactUsd !== undefined ? new Big(opts.minImpactUsd).toFixed() : (opts.minImpact ?? DEFAULT_MIN_IMPACT);
    const analysis = { thresholds: { [currency]: { minImpact } }, minChangePct: opts.minChangePct };
    // The same check the analysis applies when it reads the document.
    try {
      parseTenantDetectionSettings(analysis);
    } catch (err) {
      throw new UsageError(`option '--min-impact': ${(err as Error).message}`);
    }
    const path = paths.tenant(opts.tenant);
    const existed = (await documents.get(path)) !== null;
    const doc = { name: opts.name, timezone: opts.timezone, ...(locale ? { locale } : {}), analysis };
    await documents.set(path, doc, { merge: true });
    process.stdout.write(`${JSON.stringify({ tenant: opts.tenant, ...doc, created: !existed }, null, 2)}\n`);
    return 0;
  } finally {
    await closeDeps();
  }
}

export interface AccountAddOptions extends StoreOptions {
  tenant: string;
  template: string;
  account: string;
  scope?: string[];
  environment: "prod" | "nonprod";
  credentials?: string;
  date?: string;
  dryRun?: boolean;
  /** After connecting, read one day through the provider's API with the new credentials; undo the connection if that fails. */
  check?: boolean;
  format: "table" | "json";
  output?: string;
}

/** `KEY=VALUE` pairs into a scope; a list field takes comma-separated values. */
export function scopeFromPairs(template: AccountTemplate, pairs: readonly string[]): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new UsageError(`option '--scope': expected KEY=VALUE, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const field = template.fields.find((x) => x.name === key);
    if (field?.list) scope[key] = [...((scope[key] as string[] | undefined) ?? []), ...value.split(",").map((v) => v.trim()).filter(Boolean)];
    else if (key in scope) throw new UsageError(`option '--scope': ${key} is given twice`);
    else scope[key] = value;
  }
  return scope;
}

const CREDENTIAL_SCHEMAS = { aws: AwsCredentialSecretSchema, azure: AzureCredentialSecretSchema, gcp: GcpCredentialSecretSchema } as const;
/** Templates whose secret is not their provider's: sources of their own. */
const TEMPLATE_CREDENTIAL_SCHEMAS: Record<string, z.ZodType> = { opencost: OpenCostSecretSchema, vultr: VultrSecretSchema };

function credentialSchemaOf(template: AccountTemplate): z.ZodType | undefined {
  return TEMPLATE_CREDENTIAL_SCHEMAS[template.name] ?? (template.provider in CREDENTIAL_SCHEMAS ? CREDENTIAL_SCHEMAS[template.provider as keyof typeof CREDENTIAL_SCHEMAS] : undefined);
}

function readCredentials(template: AccountTemplate, file: string | undefined): Record<string, string> | undefined {
  if (file === undefined) {
    if (template.credentials.required) throw new UsageError(`template ${template.name} needs --credentials FILE: ${template.credentials.note}`);
    return undefined;
  }
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`option '--credentials': no such file: ${path}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UsageError(`option '--credentials': ${path} is not valid JSON (${(err as Error).message})`);
  }
  const schema = credentialSchemaOf(template);
  if (!schema) throw new UsageError(`option '--credentials': template ${template.name} takes no credentials (${template.credentials.note})`);
  const r = schema.safeParse(json);
  // Only field names and reasons: the values are secrets.
  if (!r.success) throw new UsageError(`option '--credentials': ${path} is not ${template.credentials.note} (${r.error.issues.map((i) => i.path.join(".") || i.message).join(", ")})`);
  if (typeof json !== "object" || json === null || !Object.values(json).every((v) => typeof v === "string")) {
    throw new UsageError(`option '--credentials': ${path} must be a JSON object of strings`);
  }
  return json as Record<string, string>;
}

/**
 * Validates the scope against the template; with --dry-run, lists the calls the first nightly
 * makes for the account (its whole backfill window) and writes nothing. Without it, connects the
 * account (credentials to the credential store, the document with the validated scope).
 */
export async function runAccountAdd(opts: AccountAddOptions): Promise<number> {
  const template = findTemplate(opts.template);
  if (!template) throw new UsageError(`option '--template': unknown template ${opts.template}`);
  const given = scopeFromPairs(template, opts.scope ?? []);
  let scope: Record<string, unknown>;
  try {
    scope = validateTemplateScope(template, given);
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(err.message);
    throw err;
  }
  useStores(opts);
  try {
    const deps = await getDeps();
    const runDate = opts.date ?? deps.clock.now().toISOString().slice(0, 10);
    const { trailing_days: trailingDays, history_months: historyMonths } = deps.config.collection;
    // The window rule of the account's source (a Vultr account's is whole invoice months).
    const window = accountCollectionWindow({ template: template.name, lastCollectedThrough: null }, runDate, { trailingDays, historyMonths });
    if (opts.dryRun && opts.check) throw new UsageError("--check reads through the provider with the stored credentials, so it cannot go with --dry-run");
    if (opts.dryRun) {
      const plan = window ? template.plan(scope, window) : { calls: [], minimumCalls: 0, estimate: "nothing to collect" };
      // Sources without a request builder make one cheap read instead: a folder listed, a cluster or key asked.
      const needs = probeNeeds(template);
      // Checked for shape when given (a template that takes none refuses them); only a probe uses them.
      const credentials = needs !== null && opts.credentials !== undefined ? readCredentials(template, opts.credentials) : undefined;
      const probe =
        needs === "none" || credentials !== undefined
          ? await runProbe({
              template,
              scope,
              credentials,
              runDate,
              retry: { maxAttempts: deps.config.selfops.retry_max_attempts, baseDelayMs: deps.config.selfops.retry_base, maxDelayMs: deps.config.selfops.retry_max },
              vultrEndpoint: deps.config.providers.vultr.api_endpoint,
              tenantId: opts.tenant,
              accountId: opts.account,
            })
          : null;
      const result = { dryRun: true, tenant: opts.tenant, account: opts.account, template: template.name, provider: template.provider, scope, runDate, window, ...plan, ...(probe ? { probe } : {}) };
      await writeOutput(opts.output, opts.format === "json" ? `${JSON.stringify(result, null, 2)}\n` : planTable(result));
      if (probe && !probe.ok) {
        process.stderr.write(`error: the dry run's read through ${template.name} failed: ${probe.reason}\n`);
        return 1;
      }
      return 0;
    }
    const credentials = readCredentials(template, opts.credentials);
    if ((await deps.documents.get(paths.tenant(opts.tenant))) === null) {
      throw new UsageError(`tenant ${opts.tenant} does not exist in ${resolve(opts.dataDir)}: run costmon tenant init first`);
    }
    const account = await connectCloudAccount(
      deps.documents,
      deps.credentials,
      opts.tenant,
      {
        accountId: opts.account,
        provider: template.provider,
        displayName: opts.account,
        // Sources without a billing account id of their own (a cluster, a Vultr key, a folder) use theirs or the account's id.
        billingAccountId: String(scope.billingAccountId ?? scope.payerAccountId ?? scope.clusterId ?? opts.account),
        subAccountId: String(scope.subscriptionId ?? firstOf(scope.projectIds) ?? firstOf(scope.linkedAccountIds) ?? scope.payerAccountId ?? scope.clusterId ?? opts.account),
        environment: opts.environment,
        template: template.name,
        scope: scope as Record<string, string | string[]>,
        ...(credentials ? { credentials } : {}),
      },
      "cli",
      deps.clock.now(),
      { operator: true },
    );
    let check: { ok: true; day: string; records: number; calls: number } | undefined;
    if (opts.check) {
      const day = addDays(runDate, -1);
      try {
        const doc = CloudAccountDocSchema.parse(await deps.documents.get(paths.cloudAccount(opts.tenant, opts.account)));
        const ref = toAccountRef(opts.tenant, opts.account, doc);
        // The nightly's own path: the same source, client and credential store.
        const r = await deps.sourceFor(ref, doc).collect({ account: ref, window: { start: day, end: day }, runDate });
        check = { ok: true, day, records: r.records.length, calls: r.calls };
      } catch (err) {
        await disconnectCloudAccount(deps.documents, deps.credentials, opts.tenant, opts.account);
        process.stderr.write(`error: the check read of ${day} through ${template.provider} failed, so account ${opts.account} was not kept: ${(err as Error).message}\n`);
        return 1;
      }
    }
    await writeOutput(opts.output, `${JSON.stringify({ ...account, firstWindow: window, ...(check ? { check } : {}) }, null, 2)}\n`);
    return 0;
  } finally {
    await closeDeps();
  }
}

const firstOf = (v: unknown): string | undefined => (Array.isArray(v) ? (v[0] as string | undefined) : undefined);

function planTable(r: {
  tenant: string;
  account: string;
  template: string;
  window: { start: string; end: string } | null;
  calls: { page: { start: string; end: string }; api: string }[];
  estimate: string;
  probe?: ProbeResult;
}): string {
  const lines = [
    `Dry run: account ${r.account} of tenant ${r.tenant} (template ${r.template}); nothing is written`,
    r.window ? `  backfill   ${r.window.start}..${r.window.end}, ${formatCount(new Set(r.calls.map((c) => c.page.start)).size)} monthly pages` : "  backfill   nothing to collect",
    `  calls      ${r.estimate}`,
    ...r.calls.map((c) => `    ${c.page.start}..${c.page.end}  ${c.api}`),
    ...(r.probe ? [`  read now   ${r.probe.ok ? `${r.probe.read}: ok ${JSON.stringify(Object.fromEntries(Object.entries(r.probe).filter(([k]) => k !== "ok" && k !== "read")))}` : `failed: ${r.probe.reason}`}`] : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** `costmon account templates`: each template with its documented fields. */
export async function runListTemplates(opts: { format: "table" | "json"; output?: string }): Promise<number> {
  if (opts.format === "json") {
    const list = ACCOUNT_TEMPLATES.map(({ name, provider, title, fields, credentials, fixed }) => ({ name, provider, title, fields, credentials, fixed }));
    await writeOutput(opts.output, `${JSON.stringify({ templates: list }, null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  for (const t of ACCOUNT_TEMPLATES) {
    lines.push(`${t.name}  (${t.provider}) ${t.title}`);
    for (const x of t.fields) lines.push(`  --scope ${x.name}=${x.example}${x.required ? "" : "  (optional)"}${x.list ? "  (list)" : ""}\n      ${x.description}`);
    lines.push(`  credentials: ${t.credentials.note}`, "");
  }
  await writeOutput(opts.output, `${lines.join("\n")}`);
  return 0;
}
