import { readFile } from "node:fs/promises";
import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import { z } from "zod";
import { LocaleSchema } from "#domain/alerts/tenant-locale.js";
import { PROVIDERS } from "#domain/billing/cost-record.js";
import { MoneyString } from "#domain/billing/money.js";
import { IsoDate } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";

const ServiceSpec = z
  .object({
    name: z.string().min(1),
    category: z.string().min(1),
    region: z.string().min(1),
    daily_usd: MoneyString,
    weekday_factor: z.number().positive().default(1),
    growth_per_month: z.number().default(0),
    month_end_batch: z.number().positive().optional(),
    day1_fee_usd: MoneyString.optional(),
    sparse: z.number().min(0).max(1).optional(),
  })
  .strict();

const AccountId = z.string().regex(/^[a-z0-9-]{1,64}$/, "lower-case letters, digits and '-'");

/** Where a secret's value comes from: a file (relative to the tenants file) or an environment variable. Never inline. */
export const SecretSourceSpec = z.union([
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name") }).strict(),
]);
export type SecretSourceSpec = z.infer<typeof SecretSourceSpec>;

/** A demo account: its history is generated from `services` (collector `demo`). */
const AccountSpec = z
  .object({
    id: AccountId,
    provider: z.enum(PROVIDERS),
    billing_account_id: z.string().min(1),
    sub_account_id: z.string().min(1),
    environment: z.enum(["nonprod", "prod"]),
    services: z.array(ServiceSpec).min(1),
  })
  .strict();

/** A real account: collected from its provider's billing API with the tenant's credentials (collector `provider`). */
const ProviderAccountSpec = z
  .object({
    id: AccountId,
    /** `other` goes with a template whose source is its own (focus, opencost, vultr). */
    provider: z.enum(["gcp", "aws", "azure", "other"]),
    /** An account template (`costmon account templates`): the scope is checked against it, and focus, opencost and vultr pick their source by it. */
    template: z.string().max(64).optional(),
    billing_account_id: z.string().min(1),
    sub_account_id: z.string().min(1),
    environment: z.enum(["nonprod", "prod"]),
    /** Provider-native scope, as connectCloudAccount takes it (GCP export table and projects, AWS payer and linked accounts, Azure scope). */
    scope: z.record(z.string().max(64), z.union([z.string().max(256), z.array(z.string().max(256)).max(100)])),
    /** The account's credential JSON (stored at `cloud-creds/{tenant}/{account id}`); GCP may go without (the platform's identity). */
    credentials: SecretSourceSpec.optional(),
  })
  .strict();

const AlertChannelSpec = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
    kind: z.enum(["slack", "pagerduty", "console"]),
    name: z.string().min(1).max(200).optional(),
    /** Slack webhook URL or PagerDuty routing key. */
    secret: SecretSourceSpec.optional(),
    /** Routing rules as the alert channel document takes them (minSeverity, minImpactUsd, providers, eventTypes). */
    rules: z.array(z.record(z.string(), z.unknown())).max(20).default([]),
  })
  .strict()
  .refine((c) => c.kind === "console" || c.secret !== undefined, { message: "slack and pagerduty channels need a secret", path: ["secret"] });

const BudgetSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    period: z.enum(["monthly", "quarterly", "annual"]),
    amount: MoneyString,
    scope: z
      .object({
        provider: z.array(z.string()).optional(),
        sub_account_id: z.array(z.string()).optional(),
        service_name: z.array(z.string()).optional(),
        tags: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const AnomalySpec = z
  .object({
    account: z.string(),
    service: z.string(),
    kind: z.enum(["spike", "level_shift", "drop"]),
    /** Days relative to the simulated today (-1 = yesterday). */
    start_offset: z.number().int().max(-1),
    days: z.number().int().positive(),
    magnitude: z.number().positive(),
  })
  .strict();

const TenantSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    timezone: z.string().min(1),
    /** BCP 47 locale of the tenant's alerts and summaries (en-US when absent). */
    locale: LocaleSchema.optional(),
    analysis: z
      .object({
        /**
         * Smallest anomaly impact worth flagging, per currency: `{ USD: "50" }`. A series in a
         * currency not listed takes the reporting currency's, converted (thresholds.ts).
         */
        min_impact: z.record(z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD or EUR"), MoneyString).optional(),
        /** Deprecated: the floor in US dollars, as `min_impact: { USD: ... }`. */
        min_impact_usd: z.number().nonnegative().optional(),
        min_change_pct: z.number().nonnegative(),
      })
      .strict(),
    accounts: z.array(AccountSpec).default([]),
    provider_accounts: z.array(ProviderAccountSpec).default([]),
    budgets: z.array(BudgetSpec).default([]),
    anomalies: z.array(AnomalySpec).default([]),
    /** The tenant's alert channels; none means one console channel. */
    alert_channels: z.array(AlertChannelSpec).default([]),
  })
  .strict()
  .refine((t) => t.accounts.length + t.provider_accounts.length > 0, { message: "a tenant needs at least one account", path: ["accounts"] });

export const DemoConfigSchema = z
  .object({
    seed: z.number().int(),
    /** The simulated run day: `costmon nightly` runs it unless --date says otherwise. */
    today: IsoDate,
    /** How far back the generated demo history reaches, in months. */
    history_months: z.number().int().min(1).max(36),
    tenants: z.array(TenantSpec).min(1),
  })
  .strict();

export type DemoConfig = z.infer<typeof DemoConfigSchema>;
export type DemoTenant = DemoConfig["tenants"][number];
export type DemoAccount = DemoTenant["accounts"][number];
export type DemoService = DemoAccount["services"][number];
export type DemoBudget = DemoTenant["budgets"][number];
export type ProviderAccountSpec = DemoTenant["provider_accounts"][number];
export type AlertChannelSpec = DemoTenant["alert_channels"][number];
export type DemoAnomaly = DemoTenant["anomalies"][number];

/**
 * The tenants file of the local runtime (config/demo/tenants.yaml): demo tenants whose history is
 * generated, and optionally real accounts and alert channels with their secrets given by file or
 * environment variable. Loads and validates it; errors name the path and the offending key.
 */
export async function loadDemoConfig(path: string): Promise<DemoConfig> {
  const raw = loadYaml(await readFile(path, "utf8"), { schema: CORE_SCHEMA, filename: path }) as unknown;
  const parsed = DemoConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    throw new AppError("failed-precondition", `invalid demo config ${path}:\n${issues}`);
  }
  for (const t of parsed.data.tenants) {
    for (const a of t.anomalies) {
      const acc = t.accounts.find((x) => x.id === a.account);
      if (!acc?.services.some((s) => s.name === a.service)) {
        throw new AppError("failed-precondition", `invalid demo config ${path}: tenant ${t.id} anomaly names unknown ${a.account}/${a.service}`);
      }
    }
  }
  return parsed.data;
}
