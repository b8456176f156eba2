import { readFile } from "node:fs/promises";
import type { Provider } from "#domain/billing/cost-record.js";
import type { BillingSource, CloudAccountRef } from "#domain/billing/ports.js";
import { AwsCostExplorerSource } from "#domain/billing/providers/aws/source.js";
import { AzureCostManagementSource } from "#domain/billing/providers/azure/source.js";
import type { CostManagementQueryApi } from "#domain/billing/providers/azure/query.js";
import { FocusExportSource } from "#domain/billing/providers/focus/export-source.js";
import { GcpBillingExportSource } from "#domain/billing/providers/gcp/source.js";
import { OpenCostAllocationSource } from "#domain/billing/providers/opencost/source.js";
import { VultrBillingSource } from "#domain/billing/providers/vultr/source.js";
import type { BillingSourceResolver } from "#domain/nightly/collect-account.js";
import { AppError } from "#kernel/errors.js";
import type { Clock } from "#kernel/ports.js";
import type { CredentialSource } from "./account-clients.js";
import { costExplorerClientFactory } from "./aws-cost-explorer-client.js";
import { costManagementApiFactory } from "./azure-cost-management-client.js";
import { bigQueryApiFactory } from "./bigquery-billing-client.js";
import { CircuitGuardedSource } from "./circuit-guarded-source.js";
import { openCostApiFactory } from "./opencost-client.js";
import { vultrApiFactory } from "./vultr-client.js";
import { focusFolderReader } from "../files/focus-export-reader.js";
import { refusingSource } from "./refusing-source.js";
import { awsRetryOptions, azureRetryOptions, bigQueryRetryOptions, checkRetrySettings, type RetrySettings } from "./retry-settings.js";

export interface BillingSourcesOptions {
  credentials: CredentialSource;
  clock: Clock;
  /** BigQuery jobs run (and bill) in this project: the platform's, never the tenant's. */
  jobProjectId: string;
  /** "" or undefined = the provider's public endpoint. */
  endpoints: {
    bigquery?: string;
    costExplorer?: string;
    azureManagement?: string;
    /** PEM file of a CA to trust for Azure (management and sign-in); read once, on first use. */
    azureTlsCaFile?: string;
    /** Microsoft Entra authority host for the tenants' service principals (sovereign clouds). */
    azureAuthority?: string;
    /** Vultr API v2 base (a replay server in tests); "" or undefined = https://api.vultr.com/v2. */
    vultr?: string;
  };
  awsRegion: string;
  /** Tries per provider call, the first included, and the backoff between them. */
  retry: RetrySettings;
  /** Per provider: consecutive retryable failures that open its circuit, and the open period. */
  breaker: { failures: number; halfOpenAfterMs: number };
  /** Sources for accounts whose document says `collector: "demo"` (local runtime only); absent = refuse them. */
  demo?: (provider: Provider) => BillingSource;
}

/** Providers with a collector that calls the provider's billing API. */
type LiveProvider = Extract<Provider, "gcp" | "aws" | "azure">;
const isLive = (p: Provider): p is LiveProvider => p === "gcp" || p === "aws" || p === "azure";

/** Templates whose accounts are collected by a source of their own, not their provider's: all three are provider "other" or span providers. */
export const TEMPLATE_SOURCES = ["opencost", "vultr", "focus"] as const;
type TemplateSource = (typeof TEMPLATE_SOURCES)[number];
const isTemplateSource = (t: unknown): t is TemplateSource => typeof t === "string" && (TEMPLATE_SOURCES as readonly string[]).includes(t);

function buildTemplated(template: TemplateSource, opts: BillingSourcesOptions): BillingSource {
  const { clock } = opts;
  switch (template) {
    case "opencost":
      return new OpenCostAllocationSource({ clock, clientFor: openCostApiFactory(opts.credentials, { retry: opts.retry }) });
    case "vultr":
      return new VultrBillingSource({ clock, clientFor: vultrApiFactory(opts.credentials, { retry: opts.retry, endpoint: orDefault(opts.endpoints.vultr) }) });
    case "focus":
      return new FocusExportSource({ clock, reader: focusFolderReader });
  }
}

/** Fails at start-up rather than on the first collection, where cockatiel would reject it. */
function checkBreakerSettings(b: BillingSourcesOptions["breaker"]): void {
  if (!Number.isInteger(b.failures) || b.failures < 1 || !(b.halfOpenAfterMs > 0)) {
    throw new AppError("invalid-argument", "breaker needs an integer failures >= 1 and halfOpenAfterMs > 0", { expose: false });
  }
}

const orDefault = (endpoint: string | undefined): string | undefined => (endpoint ? endpoint : undefined);

/** The Azure client factory, built once the CA file (if any) has been read; a failed read is tried again. */
function azureClients(opts: BillingSourcesOptions): (account: CloudAccountRef) => Promise<CostManagementQueryApi> {
  let factory: Promise<(account: CloudAccountRef) => Promise<CostManagementQueryApi>> | undefined;
  const build = async () => {
    const caFile = orDefault(opts.endpoints.azureTlsCaFile);
    let tlsCa: string | undefined;
    if (caFile) {
      try {
        tlsCa = await readFile(caFile, "utf8");
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? "error";
        throw new AppError("failed-precondition", `cannot read the Azure TLS CA file ${caFile} (${code})`, { cause: err, retryable: false });
      }
    }
    return costManagementApiFactory(opts.credentials, {
      ...azureRetryOptions(opts.retry),
      endpoint: orDefault(opts.endpoints.azureManagement),
      authorityHost: orDefault(opts.endpoints.azureAuthority),
      tlsCa,
    });
  };
  return async (account) => {
    factory ??= build().catch((err: unknown) => {
      factory = undefined;
      throw err;
    });
    return (await factory)(account);
  };
}

function buildLive(provider: LiveProvider, opts: BillingSourcesOptions): BillingSource {
  const { clock } = opts;
  switch (provider) {
    case "gcp":
      return new GcpBillingExportSource({
        clock,
        clientFor: bigQueryApiFactory(opts.credentials, {
          ...bigQueryRetryOptions(opts.retry),
          projectId: opts.jobProjectId,
          apiEndpoint: orDefault(opts.endpoints.bigquery),
        }),
      });
    case "aws":
      return new AwsCostExplorerSource({
        clock,
        clientFor: costExplorerClientFactory(opts.credentials, {
          ...awsRetryOptions(opts.retry),
          region: opts.awsRegion,
          endpoint: orDefault(opts.endpoints.costExplorer),
        }),
      });
    case "azure":
      return new AzureCostManagementSource({ clock, clientFor: azureClients(opts) });
  }
}

/**
 * The composition root's BillingSourceResolver. One real source per provider (GCP billing
 * export, AWS Cost Explorer, Azure Cost Management), built on first use and reused, each behind
 * the provider's circuit breaker. Accounts connected with the `opencost`, `vultr` or `focus`
 * template go to that template's source (TEMPLATE_SOURCES), whatever their provider, behind a
 * breaker named for the template. `collector: "demo"` accounts go to `opts.demo`, and are
 * refused without it; providers without a live collector are refused. Refusals are
 * non-retryable CollectionErrors raised when the account is collected.
 *
 * @example
 *   const sourceFor = createBillingSources({
 *     credentials: createCredentialStore(secrets, { maxAgeMs: 300_000, clock }),
 *     clock,
 *     jobProjectId: "costmon-prod",
 *     endpoints: {},
 *     awsRegion: "us-east-1",
 *     retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 },
 *     breaker: { failures: 5, halfOpenAfterMs: 60_000 },
 *   });
 *   const result = await sourceFor(ref, doc).collect({ account: ref, window });
 */
export function createBillingSources(opts: BillingSourcesOptions): BillingSourceResolver {
  checkRetrySettings(opts.retry);
  checkBreakerSettings(opts.breaker);
  const live = new Map<LiveProvider, BillingSource>();
  const templated = new Map<TemplateSource, BillingSource>();
  return (_account, doc) => {
    const provider = doc.provider;
    if (doc.collector === "demo") {
      return opts.demo ? opts.demo(provider) : refusingSource(provider, "demo accounts are collected only by the local runtime");
    }
    if (isTemplateSource(doc.template)) {
      let source = templated.get(doc.template);
      if (!source) {
        source = new CircuitGuardedSource(buildTemplated(doc.template, opts), opts.breaker, doc.template);
        templated.set(doc.template, source);
      }
      return source;
    }
    if (!isLive(provider)) return refusingSource(provider, `provider ${provider} has no live billing collector`);
    let source = live.get(provider);
    if (!source) {
      source = new CircuitGuardedSource(buildLive(provider, opts), opts.breaker);
      live.set(provider, source);
    }
    return source;
  };
}
