import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dump } from "js-yaml";
import type { DayWindow } from "#kernel/days.js";
import { startFakeEntra, type FakeEntra } from "../../adapters/billing/fake-entra.js";
import { repoRoot } from "../shared-data.js";
import { type AwsReplayServer, startAwsCostExplorerReplay } from "./aws-cost-explorer-server.js";
import { type AzureReplayServer, startAzureCostManagementReplay } from "./azure-cost-management-server.js";
import { type BigQueryReplayServer, startBigQueryReplay } from "./bigquery-server.js";
import { awsBaseItems, azureBaseItems, gcpBaseItems, type TruthRow, truthRows } from "./billing-dataset.js";
import { type FaultPlan, noFaults } from "./faults.js";

/**
 * The three real billing APIs as the deployed nightly meets them, set up only through files: the
 * replay servers (BigQuery, Cost Explorer, Cost Management) and a fake Microsoft sign-in, an F7
 * config folder whose `providers.*` endpoints point at them, and a tenants file whose
 * `provider_accounts` (GCP, AWS, Azure, two sub accounts each) carry their credentials by file.
 * Scopes, credentials and endpoint settings mirror test/adapters/billing/billing-sources.test.ts.
 * Used by test/cli/nightly-real-providers.test.ts (the CLI as a child process) and by
 * backfill.ts (the fault figure, in-process).
 */

export type LiveProvider = "gcp" | "aws" | "azure";
export const LIVE_PROVIDERS: readonly LiveProvider[] = ["gcp", "aws", "azure"];

export const GCP_BILLING = "01338E-BE3FD6-363B4C";
export const GCP_PROJECTS = ["voormedia-187708", "analytics-prod-01"];
export const GCP_TABLE = "billing-admin.billing.gcp_billing_export_v1_01338E_BE3FD6_363B4C";
export const AWS_PAYER = "999999999999";
export const AWS_LINKED = ["111111111111", "222222222222"];
export const AZURE_BILLING = "8611537";
export const AZURE_SUBS = ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"];
export const AWS_KEYS = { accessKeyId: "AKIDREPLAY", secretAccessKey: "replay-secret" };
export const AZURE_SP = { tenantId: "aad-tenant", clientId: "app-id", clientSecret: "sp-secret-value" };

/** The account id each provider's `provider_accounts` entry gets. */
export const ACCOUNT_IDS: Record<LiveProvider, string> = { gcp: "gcp-billing", aws: "aws-payer", azure: "azure-ea" };

/**
 * Truth rows of every account in scope for `window` (each server also gets rows of an account
 * outside the scope, which must never reach the ledger). Azure amounts are capped at 10 decimals
 * and carry no credits, as its wire format (JSON floats) requires.
 */
export function scopedTruth(window: DayWindow): Record<LiveProvider, TruthRow[]> {
  return {
    gcp: truthRows(gcpBaseItems(), GCP_PROJECTS, window),
    aws: truthRows(awsBaseItems(), AWS_LINKED, window),
    azure: truthRows(azureBaseItems(), AZURE_SUBS, window, { dp: 10, credits: false }),
  };
}

/** Rows of accounts the tenant did not authorize, served beside the scoped ones. */
export function outOfScopeRows(window: DayWindow): Record<LiveProvider, TruthRow[]> {
  return {
    gcp: truthRows(gcpBaseItems(), ["someone-elses-proj"], window, { salt: 5 }),
    aws: truthRows(awsBaseItems(), ["333333333333"], window, { salt: 5 }),
    azure: truthRows(azureBaseItems(), ["99999999-9999-9999-9999-999999999999"], window, { dp: 10, credits: false, salt: 5 }),
  };
}

export interface ReplayProviders {
  bq: BigQueryReplayServer;
  ce: AwsReplayServer;
  cm: AzureReplayServer;
  entra: FakeEntra;
  /** PEM file trusting both Azure endpoints (Cost Management and sign-in). */
  caFile: string;
  /** Provider calls answered or faulted, and how many were faults. */
  calls(p: LiveProvider): { total: number; faults: number };
  close(): Promise<void>;
}

export interface ReplayProvidersOptions {
  rows: Record<LiveProvider, TruthRow[]>;
  /** Where the CA file is written. */
  dir: string;
  faults?: Partial<Record<LiveProvider, FaultPlan>>;
  /** How long a "timeout" fault holds the request before dropping the connection. */
  hangMs?: number;
}

export async function startReplayProviders(opts: ReplayProvidersOptions): Promise<ReplayProviders> {
  const hangMs = opts.hangMs ?? 300;
  const bq = await startBigQueryReplay({ rows: opts.rows.gcp, billingAccountId: GCP_BILLING, rowsPerPage: 40, hangMs, faults: opts.faults?.gcp ?? noFaults });
  const ce = await startAwsCostExplorerReplay({ rows: opts.rows.aws, daysPerPage: 10, hangMs, faults: opts.faults?.aws ?? noFaults });
  const cm = await startAzureCostManagementReplay({ rows: opts.rows.azure, rowsPerPage: 25, hangMs, retryAfterSeconds: 0, faults: opts.faults?.azure ?? noFaults });
  const entra = await startFakeEntra(AZURE_SP);
  mkdirSync(opts.dir, { recursive: true });
  const caFile = join(opts.dir, "azure-ca.pem");
  writeFileSync(caFile, `${cm.ca}\n${entra.ca}`);
  const callsOf = (calls: { fault: string | null }[]) => ({ total: calls.length, faults: calls.filter((c) => c.fault !== null).length });
  return {
    bq,
    ce,
    cm,
    entra,
    caFile,
    calls: (p) => callsOf(p === "gcp" ? bq.calls : p === "aws" ? ce.calls : cm.calls),
    close: async () => {
      await Promise.all([bq.close(), ce.close(), cm.close(), entra.close()]);
    },
  };
}

export interface ConfigDirOptions {
  providers: ReplayProviders;
  historyMonths: number;
  /** PagerDuty Events API v2 endpoint (a local receiver). */
  pagerDutyEventsUrl?: string;
  /** `selfops` keys to set (retry budget and backoff of the provider SDKs, breaker, bus attempts). */
  selfops?: Record<string, string | number>;
}

/**
 * An F7 config folder: the shipped base.yaml as is, and a dev.yaml that points the providers at
 * the replay servers (and PagerDuty at its receiver) and shortens the collection history.
 */
export function writeConfigDir(dir: string, opts: ConfigDirOptions): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(repoRoot, "config", "base.yaml"), join(dir, "base.yaml"));
  const p = opts.providers;
  const dev = {
    project: { id: "demo-test" },
    logging: { level: "info" },
    collection: { history_months: opts.historyMonths },
    ...(opts.selfops ? { selfops: opts.selfops } : {}),
    providers: {
      gcp: { bigquery_endpoint: p.bq.url },
      aws: { cost_explorer_endpoint: p.ce.url },
      azure: { management_endpoint: p.cm.url, authority_host: p.entra.url, tls_ca_file: p.caFile },
    },
    ...(opts.pagerDutyEventsUrl ? { alerts: { pagerduty_events_url: opts.pagerDutyEventsUrl } } : {}),
  };
  writeFileSync(join(dir, "dev.yaml"), dump(dev));
  return dir;
}

export interface TenantsFileOptions {
  tenantId: string;
  /** The tenants file's `today` (the CLI's default run day). */
  today: string;
  analysis?: { min_impact_usd: number; min_change_pct: number };
  budgets?: Record<string, unknown>[];
  alert_channels?: Record<string, unknown>[];
}

/**
 * A tenants file with one tenant owning a GCP, an AWS and an Azure account (the scopes the replay
 * servers serve), and the AWS keys and Azure service principal in credential files beside it.
 * GCP goes without credentials: the platform's own identity reads a shared export.
 */
export function writeTenantsFile(dir: string, opts: TenantsFileOptions): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "aws-credentials.json"), JSON.stringify(AWS_KEYS));
  writeFileSync(join(dir, "azure-credentials.json"), JSON.stringify(AZURE_SP));
  const tenants = {
    seed: 1,
    today: opts.today,
    // The demo generator's depth; these accounts backfill `collection.history_months` of the config.
    history_months: 1,
    tenants: [
      {
        id: opts.tenantId,
        name: `Tenant ${opts.tenantId}`,
        timezone: "UTC",
        analysis: opts.analysis ?? { min_impact_usd: 1, min_change_pct: 10 },
        provider_accounts: [
          {
            id: ACCOUNT_IDS.gcp,
            provider: "gcp",
            billing_account_id: GCP_BILLING,
            sub_account_id: GCP_PROJECTS[0],
            environment: "prod",
            scope: { projectIds: GCP_PROJECTS, table: GCP_TABLE },
          },
          {
            id: ACCOUNT_IDS.aws,
            provider: "aws",
            billing_account_id: AWS_PAYER,
            sub_account_id: AWS_LINKED[0],
            environment: "prod",
            scope: { payerAccountId: AWS_PAYER, linkedAccountIds: AWS_LINKED },
            credentials: { file: "aws-credentials.json" },
          },
          {
            id: ACCOUNT_IDS.azure,
            provider: "azure",
            billing_account_id: AZURE_BILLING,
            sub_account_id: AZURE_SUBS[0],
            environment: "prod",
            scope: { scopeType: "billingAccount", subscriptionIds: AZURE_SUBS },
            credentials: { file: "azure-credentials.json" },
          },
        ],
        budgets: opts.budgets ?? [],
        alert_channels: opts.alert_channels ?? [],
      },
    ],
  };
  const file = join(dir, "tenants.yaml");
  writeFileSync(file, dump(tenants));
  return file;
}
