import { OAuth2Client } from "google-auth-library";
import { createCostExplorerClient } from "#adapters/billing/aws-cost-explorer-client.js";
import { createCostManagementClient } from "#adapters/billing/azure-cost-management-client.js";
import { bigQueryApi, createBillingBigQuery } from "#adapters/billing/bigquery-billing-client.js";
import type { Provider } from "#domain/billing/cost-record.js";
import type { BillingSource, CloudAccountRef } from "#domain/billing/ports.js";
import type { DayWindow } from "#kernel/days.js";
import { AwsCostExplorerSource } from "#domain/billing/providers/aws/source.js";
import { AzureCostManagementSource } from "#domain/billing/providers/azure/source.js";
import { backfillInPages } from "#domain/billing/providers/backfill.js";
import { GcpBillingExportSource } from "#domain/billing/providers/gcp/source.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { startAwsCostExplorerReplay } from "./aws-cost-explorer-server.js";
import { startAzureCostManagementReplay } from "./azure-cost-management-server.js";
import { startBigQueryReplay } from "./bigquery-server.js";
import { awsBaseItems, azureBaseItems, gcpBaseItems, sumOf, truthRows } from "./billing-dataset.js";
import { type Fault, type FaultPlan, noFaults, seededFaults } from "./faults.js";

/**
 * A new account's history backfill (DESIGN.md §2: 13 months, in pages) for the three providers
 * at once, each through its official SDK client against its replay server, optionally with
 * seeded transient faults on a share of the provider calls. Used by bench/providers/fault-backfill.ts
 * (the fault figure) and by a smaller unit test.
 */
export interface BackfillOptions {
  /** Last day of the backfill; the window starts on the first day of the month `months - 1` before. */
  end: string;
  months: number;
  /** Share of provider calls that fail transiently, in percent (0 = the fault-free run). */
  faultRatePercent: number;
  seed: number;
  /** Page length in days (one provider query window). */
  pageDays?: number;
  /** Per-call timeout used by every client, ms. */
  timeoutMs?: number;
}

export interface ProviderFigure {
  records: number;
  billedTotal: string;
  truthTotal: string;
  /** record_key -> billed_cost, to compare runs row by row. */
  ledger: Map<string, string>;
  providerCalls: number;
  faultsInjected: number;
  collectorRetries: number;
  pages: number;
}

export interface BackfillFigure {
  window: DayWindow;
  providers: Record<"gcp" | "aws" | "azure", ProviderFigure>;
  elapsedMs: number;
}

const TRANSIENT: Fault[] = ["throttle", "server-error", "reset", "timeout", "malformed"];

export function backfillWindow(end: string, months: number): DayWindow {
  const d = new Date(`${end}T00:00:00Z`);
  const start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (months - 1), 1));
  return { start: start.toISOString().slice(0, 10), end };
}

function plan(opts: BackfillOptions, salt: number, kinds: Fault[]): FaultPlan {
  return opts.faultRatePercent > 0 ? seededFaults(opts.seed * 31 + salt, opts.faultRatePercent, kinds) : noFaults;
}

export async function runBackfill(opts: BackfillOptions): Promise<BackfillFigure> {
  const started = performance.now();
  const window = backfillWindow(opts.end, opts.months);
  const timeoutMs = opts.timeoutMs ?? 400;
  const hangMs = timeoutMs * 4;

  const projects = ["voormedia-187708", "analytics-prod-01"];
  const linked = ["111111111111", "222222222222"];
  const subs = ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"];
  const truth = {
    gcp: truthRows(gcpBaseItems(), projects, window),
    aws: truthRows(awsBaseItems(), linked, window),
    azure: truthRows(azureBaseItems(), subs, window, { dp: 10, credits: false }),
  };

  const bq = await startBigQueryReplay({
    rows: truth.gcp,
    billingAccountId: "01338E-BE3FD6-363B4C",
    rowsPerPage: 20,
    hangMs,
    faults: plan(opts, 1, [...TRANSIENT, "job-running"]),
  });
  const ce = await startAwsCostExplorerReplay({ rows: truth.aws, daysPerPage: 7, hangMs, faults: plan(opts, 2, TRANSIENT) });
  const cm = await startAzureCostManagementReplay({
    rows: truth.azure,
    rowsPerPage: 25,
    hangMs,
    retryAfterSeconds: 0,
    faults: plan(opts, 3, TRANSIENT),
  });

  try {
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: "bench-token", expiry_date: Date.now() + 3_600_000 });
    const bqApi = bigQueryApi(
      createBillingBigQuery({ projectId: "billing-admin", apiEndpoint: bq.url, authClient, maxRetries: 3, maxRetryDelaySeconds: 0.02 }),
      { timeoutMs, maxDelayMs: 20 },
    );
    const ceClient = createCostExplorerClient({
      endpoint: ce.url,
      credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench-secret" },
      maxAttempts: 4,
      baseDelayMs: 2,
      maxDelayMs: 20,
      requestTimeoutMs: timeoutMs,
    });
    const { api: cmApi } = createCostManagementClient({
      credential: { getToken: async () => ({ token: "bench-token", expiresOnTimestamp: Date.now() + 3_600_000 }) },
      endpoint: cm.url,
      tlsCa: cm.ca,
      maxRetries: 3,
      retryDelayInMs: 2,
      maxRetryDelayInMs: 20,
      requestTimeoutMs: timeoutMs,
      defaultRetryAfterSeconds: 0,
    });

    const runs: { provider: "gcp" | "aws" | "azure"; source: BillingSource; account: CloudAccountRef; sourceName: string; subs: string[] }[] = [
      {
        provider: "gcp",
        source: new GcpBillingExportSource({ clientFor: async () => bqApi, pageSize: 20 }),
        sourceName: "gcp-billing-export",
        subs: projects,
        account: {
          tenantId: "bench-gcp",
          accountId: "gcp-billing",
          provider: "gcp",
          environment: "prod",
          scope: { billingAccountId: "01338E-BE3FD6-363B4C", projectIds: projects, table: "billing-admin.billing.gcp_billing_export_v1_01338E_BE3FD6_363B4C" },
        },
      },
      {
        provider: "aws",
        source: new AwsCostExplorerSource({ clientFor: async () => ceClient }),
        sourceName: "aws-cost-explorer",
        subs: linked,
        account: { tenantId: "bench-aws", accountId: "aws-payer", provider: "aws", environment: "prod", scope: { payerAccountId: "999999999999", linkedAccountIds: linked } },
      },
      {
        provider: "azure",
        source: new AzureCostManagementSource({ clientFor: async () => cmApi }),
        sourceName: "azure-cost-management",
        subs,
        account: {
          tenantId: "bench-azure",
          accountId: "azure-ea",
          provider: "azure",
          environment: "prod",
          scope: { scopeType: "billingAccount", billingAccountId: "8611537", subscriptionIds: subs },
        },
      },
    ];

    const figures = {} as BackfillFigure["providers"];
    await Promise.all(
      runs.map(async (run) => {
        const warehouse = new MemoryCostWarehouse();
        const summary = await backfillInPages({
          source: run.source,
          account: run.account,
          window,
          pageDays: opts.pageDays ?? 31,
          maxPageAttempts: 8,
          initialDelayMs: 5,
          maxDelayMs: 80,
          store: async (page, result) => {
            await warehouse.replaceWindow(
              { tenantId: run.account.tenantId, provider: run.provider as Provider, source: run.sourceName, subAccountIds: run.subs },
              page,
              result.records,
            );
          },
        });
        const ledger = new Map<string, string>();
        const all = await warehouse.queryDaily(run.account.tenantId, { window, groupBy: ["sub_account_id", "service_name", "region_id"] });
        const totals = await warehouse.totals(run.account.tenantId, window);
        for (const r of all) ledger.set(`${r.date}|${r.dims.sub_account_id}|${r.dims.service_name}|${r.dims.region_id}`, r.billed_cost);
        const server = run.provider === "gcp" ? bq : run.provider === "aws" ? ce : cm;
        figures[run.provider] = {
          records: totals.rows,
          billedTotal: totals.billed_cost,
          truthTotal: sumOf(truth[run.provider]),
          ledger,
          providerCalls: server.calls.length,
          faultsInjected: server.calls.filter((c) => c.fault !== null).length,
          collectorRetries: summary.pageRetries,
          pages: summary.pages,
        };
      }),
    );
    return { window, providers: figures, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    await Promise.all([bq.close(), ce.close(), cm.close()]);
  }
}
