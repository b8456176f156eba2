import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import type { DemoAccount, DemoConfig, DemoTenant } from "./demo-config.js";
import { addDays } from "#kernel/days.js";
import { type DemoLine, generateAccountLines } from "./history-generator.js";

/** FOCUS 1.2 ProviderName values the generator writes, as real exports spell them. */
const PROVIDER_NAME: Record<string, string> = { gcp: "Google Cloud", aws: "AWS", azure: "Microsoft", oci: "Oracle" };

export const FOCUS_DEMO_COLUMNS = [
  "BillingAccountId",
  "BillingCurrency",
  "BillingPeriodStart",
  "BillingPeriodEnd",
  "ChargeCategory",
  "ChargeClass",
  "ChargeDescription",
  "ChargePeriodStart",
  "ChargePeriodEnd",
  "BilledCost",
  "EffectiveCost",
  "ListCost",
  "ContractedCost",
  "PricingQuantity",
  "PricingUnit",
  "ProviderName",
  "PublisherName",
  "InvoiceIssuerName",
  "RegionId",
  "ResourceId",
  "ServiceCategory",
  "ServiceName",
  "SubAccountId",
  "Tags",
] as const;

function monthOf(date: string): { start: string; end: string; next: string } {
  const start = `${date.slice(0, 7)}-01`;
  const d = new Date(`${start}T00:00:00Z`);
  const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  return { start, end: addDays(next, -1), next };
}

function toRow(account: DemoAccount, env: string, line: DemoLine, month: { start: string; next: string }): string[] {
  const provider = PROVIDER_NAME[account.provider] ?? account.provider;
  return [
    account.billing_account_id,
    "USD",
    `${month.start} 00:00:00`,
    `${month.next} 00:00:00`,
    line.chargeCategory,
    "NULL",
    line.chargeCategory === "Credit" ? "Sustained use discount" : `${line.service.name} usage`,
    `${line.date} 00:00:00`,
    `${addDays(line.date, 1)} 00:00:00`,
    line.billedCost,
    line.billedCost,
    line.listCost,
    line.billedCost,
    line.quantity,
    "Hours",
    provider,
    provider,
    provider,
    line.service.region,
    "NULL",
    line.service.category,
    line.service.name,
    account.sub_account_id,
    JSON.stringify({ env, "cost-center": "demo" }),
  ];
}

/** Path of one account-month file under the demo data directory. */
export function demoFilePath(dataDir: string, tenantId: string, accountId: string, month: string): string {
  return join(dataDir, "demo", tenantId, accountId, `${month}.csv`);
}

/**
 * Makes sure a full month of generated FOCUS rows exists on disk for each month the window
 * touches, and returns the file paths. Files are written atomically (temp + rename), so an
 * interrupted run never leaves half a month behind.
 */
export async function ensureDemoFiles(
  cfg: DemoConfig,
  tenant: DemoTenant,
  account: DemoAccount,
  dataDir: string,
  window: { start: string; end: string },
): Promise<string[]> {
  const paths: string[] = [];
  for (let m = monthOf(window.start); m.start <= window.end; m = monthOf(m.next)) {
    const path = demoFilePath(dataDir, tenant.id, account.id, m.start.slice(0, 7));
    paths.push(path);
    if (existsSync(path)) continue;
    const lines = generateAccountLines(cfg, tenant, account, m.start, m.end);
    const rows = lines.map((l) => toRow(account, account.environment, l, m));
    await mkdir(join(dataDir, "demo", tenant.id, account.id), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, stringify(rows, { header: true, columns: [...FOCUS_DEMO_COLUMNS] }));
    await rename(tmp, path);
  }
  return paths;
}
