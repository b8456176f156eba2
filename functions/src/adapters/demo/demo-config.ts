import { readFile } from "node:fs/promises";
import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import { z } from "zod";
import { PROVIDERS } from "#domain/billing/cost-record.js";
import { isDecimal } from "#domain/billing/money.js";
import { IsoDate } from "#kernel/days.js";

const decimal = z.string().refine(isDecimal, "expected a decimal string such as \"12.50\"");
const ServiceSpec = z
  .object({
    name: z.string().min(1),
    category: z.string().min(1),
    region: z.string().min(1),
    daily_usd: decimal,
    weekday_factor: z.number().positive().default(1),
    growth_per_month: z.number().default(0),
    month_end_batch: z.number().positive().optional(),
    day1_fee_usd: decimal.optional(),
    sparse: z.number().min(0).max(1).optional(),
  })
  .strict();

const AccountSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    provider: z.enum(PROVIDERS),
    billing_account_id: z.string().min(1),
    sub_account_id: z.string().min(1),
    environment: z.enum(["nonprod", "prod"]),
    services: z.array(ServiceSpec).min(1),
  })
  .strict();

const BudgetSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    period: z.enum(["monthly", "quarterly", "annual"]),
    amount: decimal,
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
    analysis: z
      .object({ min_impact_usd: z.number().nonnegative(), min_change_pct: z.number().nonnegative() })
      .strict(),
    accounts: z.array(AccountSpec).min(1),
    budgets: z.array(BudgetSpec).default([]),
    anomalies: z.array(AnomalySpec).default([]),
  })
  .strict();

export const DemoConfigSchema = z
  .object({
    seed: z.number().int(),
    today: IsoDate,
    history_months: z.number().int().min(1).max(36),
    trailing_days: z.number().int().min(1).max(31),
    dashboard_url: z.string().url(),
    tenants: z.array(TenantSpec).min(1),
  })
  .strict();

export type DemoConfig = z.infer<typeof DemoConfigSchema>;
export type DemoTenant = DemoConfig["tenants"][number];
export type DemoAccount = DemoTenant["accounts"][number];
export type DemoService = DemoAccount["services"][number];
export type DemoBudget = DemoTenant["budgets"][number];
export type DemoAnomaly = DemoTenant["anomalies"][number];

/** Loads and validates the demo tenants file; errors name the path and the offending key. */
export async function loadDemoConfig(path: string): Promise<DemoConfig> {
  const raw = loadYaml(await readFile(path, "utf8"), { schema: CORE_SCHEMA, filename: path }) as unknown;
  const parsed = DemoConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    throw new Error(`invalid demo config ${path}:\n${issues}`);
  }
  for (const t of parsed.data.tenants) {
    for (const a of t.anomalies) {
      const acc = t.accounts.find((x) => x.id === a.account);
      if (!acc?.services.some((s) => s.name === a.service)) {
        throw new Error(`invalid demo config ${path}: tenant ${t.id} anomaly names unknown ${a.account}/${a.service}`);
      }
    }
  }
  return parsed.data;
}
