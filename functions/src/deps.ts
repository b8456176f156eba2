import { createAlertChannels } from "#adapters/alert-channels.js";
import { createOpsAlertSink } from "#adapters/ops-alert-sink.js";
import type { AlertChannel } from "#domain/alerts/channel-port.js";
import type { ChannelKind } from "#domain/alerts/channel-config.js";
import { type AlertDispatcher, createAlertDispatcher } from "#domain/alerts/dispatcher.js";
import type { CostWarehouse } from "#domain/billing/ports.js";
import type { BillingSourceResolver } from "#domain/nightly/collect-account.js";
import type { RecommendationSourceResolver } from "#domain/recommendations/sync.js";
import type { ProviderLifecycleResolver } from "#domain/recommendations/provider-lifecycle.js";
import type { LocalRuntime } from "#adapters/local/local-runtime.js";
import { createConfigReloader } from "#foundation/config/config-reloader.js";
import type { AppConfig } from "#foundation/config/config-schema.js";
import { createFlagEvaluator, type FlagEvaluator } from "#foundation/config/feature-flags.js";
import { loadConfig } from "#foundation/config/load-config.js";
import { maskSecrets } from "#foundation/config/mask-secrets.js";
import { type ApiKeyService, createApiKeyService } from "#foundation/iam/api-keys.js";
import { createAuthenticator } from "#foundation/iam/authenticate.js";
import { googleOidcVerifier, type OidcVerifier } from "#foundation/iam/google-oidc.js";
import { firebaseIdTokenVerifier, type IdTokenVerifier } from "#foundation/iam/id-token.js";
import { type CredentialStore, createCredentialStore } from "#foundation/infrastructure/credential-store.js";
import type { AlertSink } from "#foundation/observability/alert-rules.js";
import { createLogger, type LogSink, type Severity, stdoutSink } from "#foundation/observability/logger.js";
import { createMetrics, type Metrics } from "#foundation/observability/metrics.js";
import { currentLogger } from "#foundation/observability/request-context.js";
import type { PipelineServices } from "#foundation/pipeline/services.js";
import { type AuditLog, createAuditLog } from "#foundation/secops/audit-log.js";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import { createSessionManager, type SessionManager } from "#foundation/session/sessions.js";
import { createWorkspaceService, type WorkspaceService } from "#foundation/session/workspaces.js";
import { type Clock, type DocumentStore, type EventBus, type SecretStore, systemClock } from "#kernel/ports.js";
import { listConnectedAccounts } from "#domain/billing/connected-accounts.js";
import type { LlmLedger } from "#domain/llm-usage/ledger-port.js";
import { compileOverrides, createPricer, type Pricer } from "#domain/llm-usage/price-catalog.js";
import { createLlmUsageService, type LlmUsageService } from "#domain/llm-usage/service.js";
import { LlmUsageEventSchema } from "#domain/llm-usage/event.js";
import type { LlmUsageSink } from "#foundation/observability/llm-tracking.js";

/**
 * The one composition root (DESIGN.md §3): builds every adapter lazily, once per instance, from F7
 * config (`runtime`), and nothing else in the code base constructs an adapter. Entry points get
 * handler dependencies through {@link getDeps} and the middleware's services through
 * {@link getPipelineServices}; the local command line configures the same root (data folder,
 * config folder, where the console channel writes) with {@link configureDeps} and runs the same
 * functions.
 *
 * Nothing heavy is imported at module load: DuckDB, the SDK clients and firebase-admin load on
 * first use, so a cold start pays only for what its function needs (a deployed instance starts
 * that first use as it loads, prefetches its credentials, and closes what it opened on SIGTERM:
 * instance-lifecycle.ts).
 *
 * Runtime `local`: DuckDB files, the in-process bus, a file secret store. Runtime `emulators`: the
 * Firestore emulator's documents, the same ledger and secrets, and the Pub/Sub emulator as the bus,
 * its push subscriptions delivering to the event functions' servers (adapters/emulators/). Runtime
 * `gcp` (config/prod.yaml): Firestore, BigQuery, Pub/Sub and Secret Manager (adapters/gcp/).
 */
export interface AppDeps {
  /** Config as loaded at cold start: adapters and limits are built from it once. */
  config: AppConfig;
  /** Config re-read after `config.reload_ttl`: what may change without a restart (flags, the ops channel). */
  liveConfig(): Promise<AppConfig>;
  /** Feature flags of the live config. */
  flags(): Promise<FlagEvaluator>;
  clock: Clock;
  documents: DocumentStore;
  warehouse: CostWarehouse;
  secrets: SecretStore;
  credentials: CredentialStore;
  apiKeys: ApiKeyService;
  sessions: SessionManager;
  workspaces: WorkspaceService;
  audit: AuditLog;
  metrics: Metrics;
  bus: EventBus;
  channels: Partial<Record<ChannelKind, AlertChannel>>;
  dispatcher: AlertDispatcher;
  /** The billing source of each connected account: its provider's collector, or the demo generator. */
  sourceFor: BillingSourceResolver;
  /** The recommendations source of each connected account (GCP Recommender, Cost Explorer, Advisor, or the demo's). */
  recommendationsFor: RecommendationSourceResolver;
  /** Where a recommendation's lifecycle change is mirrored (GCP Recommender), or null. */
  recommendationLifecycles: ProviderLifecycleResolver;
  /** The platform's operations channel (Slack, PagerDuty), for health's alert rules. */
  opsAlerts: AlertSink;
  /** Warms the credential cache with every connected account's credentials (cold start). */
  prefetchCredentials(): Promise<number>;
  /** The LLM event ledger, opened on first use (local and emulators runtimes: DuckDB; gcp: BigQuery events, Firestore running totals). */
  llmLedger(): Promise<LlmLedger>;
  /** Pricing, idempotent ingestion and hard budget limits of LLM usage. */
  llmUsage: LlmUsageService;
  /** Where trackLlmCall records the platform's own LLM calls: the same ledger, under `llm_usage.platform_tenant`. */
  platformLlmUsage: LlmUsageSink;
}

/**
 * What tests and the command line may set. Stores and identity verifiers may be replaced by
 * tests; everything else is built from config, which `env` and `configDir` steer.
 */
export interface DepsOverrides {
  documents?: DocumentStore;
  warehouse?: CostWarehouse;
  secrets?: SecretStore;
  clock?: Clock;
  verifyIdToken?: IdTokenVerifier;
  verifyOidc?: OidcVerifier;
  /** Alert channel adapters to use instead of the real ones (unit tests of the callables only). */
  channels?: Partial<Record<ChannelKind, AlertChannel>>;
  /** Where structured logs go; default stdout (Cloud Logging reads it). */
  logSink?: LogSink;
  /** Where the console alert channel writes its lines; default stderr. */
  consoleWrite?: (line: string) => void;
  /** The LLM event ledger to use instead of the runtime's. */
  llmLedger?: LlmLedger;
  /** Limits that config cannot express in a test (per-endpoint overrides are camelCase keys). */
  rateLimiter?: PipelineServices["rateLimiter"];
  bruteForce?: PipelineServices["bruteForce"];
  /** Extra COSTMON_* variables over process.env (the data folder, limits for a test). */
  env?: Record<string, string>;
  configDir?: string;
}

let overrides: DepsOverrides = {};
let depsPromise: Promise<AppDeps> | undefined;
let servicesPromise: Promise<PipelineServices> | undefined;

/** A store that can close synchronously (the local DuckDB adapters) and asynchronously. */
interface OwnedStore {
  closeNow(): void;
  close(): Promise<void>;
}
/** What the last build opened itself; overrides belong to their caller. */
let owned: { stores: OwnedStore[]; bus?: EventBus } = { stores: [] };

/** Replaces adapters or settings (tests, local run). Must run before the first request of the instance. */
export function configureDeps(o: DepsOverrides): void {
  overrides = o;
  depsPromise = undefined;
  servicesPromise = undefined;
}

const LOG_LEVELS: Record<AppConfig["logging"]["level"], Severity> = {
  debug: "DEBUG",
  info: "INFO",
  warning: "WARNING",
  error: "ERROR",
};

/** The alert code's logger: the request's F3 logger, so lines carry the trace of the event that sent them. */
const alertLog = {
  info: (message: string, fields?: Record<string, unknown>) => currentLogger().info(message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => currentLogger().warn(message, fields),
  error: (message: string, fields?: Record<string, unknown>) => currentLogger().error(message, fields),
};

function configOptions(o: DepsOverrides) {
  return { env: { ...process.env, ...o.env }, ...(o.configDir ? { configDir: o.configDir } : {}) };
}

async function build(): Promise<AppDeps> {
  const o = overrides;
  // Start loading the local adapters' modules (DuckDB's native binding is the slowest part of a
  // local cold start) while config is read; nothing is opened until config says where. Not when
  // the environment already names the gcp runtime, as the deployed services do
  // (COSTMON_RUNTIME=gcp, docs/deploy.md): that runtime never uses DuckDB, and loading it would
  // only slow its cold start (bench/gcp/cold-start.ts, docs/performance.md).
  const runtimeHint = o.env?.COSTMON_RUNTIME ?? process.env.COSTMON_RUNTIME;
  const localModule = runtimeHint === "gcp" ? undefined : import("#adapters/local/local-runtime.js");
  const config = await loadConfig(configOptions(o));
  const clock = o.clock ?? systemClock;
  const given = {
    config,
    clock,
    ...(o.documents ? { documents: o.documents } : {}),
    ...(o.warehouse ? { warehouse: o.warehouse } : {}),
    ...(o.secrets ? { secrets: o.secrets } : {}),
  };
  const runtimes: Record<AppConfig["runtime"], () => Promise<LocalRuntime>> = {
    local: async () => (await (localModule ?? import("#adapters/local/local-runtime.js"))).openLocalRuntime(given),
    emulators: async () => (await import("#adapters/emulators/emulators-runtime.js")).openEmulatorsRuntime(given),
    gcp: async () => (await import("#adapters/gcp/gcp-runtime.js")).openGcpRuntime(given),
  };
  const runtime = await runtimes[config.runtime]();
  owned = { stores: runtime.owned, bus: runtime.bus };
  const { documents, warehouse, secrets, bus } = runtime;
  // Instance-level events (config, reloads) happen outside any request's scope: their own logger.
  const instanceLog = createLogger({ sink: o.logSink ?? stdoutSink, level: LOG_LEVELS[config.logging.level], projectId: config.project.id, labels: { scope: "instance" } });
  instanceLog.debug("config loaded", { config: maskSecrets(config) as unknown as Record<string, unknown> });

  const reloader = createConfigReloader(() => loadConfig(configOptions(o)), {
    ttlMs: config.config.reload_ttl,
    clock,
    onReloadError: (err) => instanceLog.error("config reload failed; keeping the last good config", { error: String(err) }),
  });
  // The first load already happened: seed the reloader with it.
  const liveConfig = () => reloader.get();
  await reloader.get();

  const credentials = createCredentialStore(secrets, { maxAgeMs: config.secrets.credential_max_age, clock });
  const channels = o.channels ?? createAlertChannels({ pagerDutyEventsUrl: config.alerts.pagerduty_events_url, ...(o.consoleWrite ? { consoleWrite: o.consoleWrite } : {}) });
  // The collectors pull in the AWS, Azure and BigQuery SDKs: load them when the first page is
  // collected, so that no other function pays for them at cold start.
  let resolver: Promise<BillingSourceResolver> | undefined;
  const loadResolver = () =>
    (resolver ??= import("#adapters/billing/billing-sources.js").then((m) =>
      m.createBillingSources({
        credentials,
        clock,
        jobProjectId: config.project.id,
        endpoints: {
          bigquery: config.providers.gcp.bigquery_endpoint,
          costExplorer: config.providers.aws.cost_explorer_endpoint,
          azureManagement: config.providers.azure.management_endpoint,
          azureAuthority: config.providers.azure.authority_host,
          azureTlsCaFile: config.providers.azure.tls_ca_file,
          vultr: config.providers.vultr.api_endpoint,
        },
        awsRegion: config.providers.aws.region,
        retry: { maxAttempts: config.selfops.retry_max_attempts, baseDelayMs: config.selfops.retry_base, maxDelayMs: config.selfops.retry_max },
        breaker: { failures: config.selfops.breaker_failures, halfOpenAfterMs: config.selfops.breaker_half_open_after },
        ...(runtime.demoSource ? { demo: runtime.demoSource } : {}),
      }),
    ).catch((err: unknown) => {
      resolver = undefined;
      throw err;
    }));
  const sourceFor: BillingSourceResolver = (account, doc) => ({
    provider: doc.provider,
    collect: async (req) => (await loadResolver())(account, doc).collect(req),
    drillDown: async (req) => {
      const source = (await loadResolver())(account, doc);
      return source.drillDown ? source.drillDown(req) : null;
    },
  });
  // The same SDKs as the collectors, loaded when the first account's recommendations are read.
  // Cost Explorer and Advisor answer on the endpoints the collectors already use.
  let recommendations: Promise<RecommendationSourceResolver> | undefined;
  const loadRecommendations = () =>
    (recommendations ??= import("#adapters/recommendations/recommendation-sources.js").then((m) =>
      m.createRecommendationSources({
        credentials,
        retry: { maxAttempts: config.selfops.retry_max_attempts, baseDelayMs: config.selfops.retry_base, maxDelayMs: config.selfops.retry_max },
        awsRegion: config.providers.aws.region,
        endpoints: {
          costExplorer: config.providers.aws.cost_explorer_endpoint,
          azureManagement: config.providers.azure.management_endpoint,
          azureAuthority: config.providers.azure.authority_host,
          azureTlsCaFile: config.providers.azure.tls_ca_file,
        },
        demo: Boolean(runtime.demoSource),
      }),
    ).catch((err: unknown) => {
      recommendations = undefined;
      throw err;
    }));
  const recommendationsFor: RecommendationSourceResolver = (tenantId, accountId, doc) => ({
    list: async () => (await loadRecommendations())(tenantId, accountId, doc)?.list() ?? [],
  });
  let lifecycles: Promise<ProviderLifecycleResolver> | undefined;
  const loadLifecycles = () =>
    (lifecycles ??= import("#adapters/recommendations/recommendation-sources.js")
      .then((m) =>
        m.createProviderLifecycles({
          credentials,
          retry: { maxAttempts: config.selfops.retry_max_attempts, baseDelayMs: config.selfops.retry_base, maxDelayMs: config.selfops.retry_max },
          endpoints: {},
        }),
      )
      .catch((err: unknown) => {
        lifecycles = undefined;
        throw err;
      }));
  const recommendationLifecycles: ProviderLifecycleResolver = async (tenantId, rec) => (await loadLifecycles())(tenantId, rec);

  const opsAlerts = createOpsAlertSink({
    settings: async () => {
      const { alerts } = await liveConfig();
      return {
        slackEnabled: alerts.slack_enabled,
        slackWebhookUrl: alerts.slack_webhook_url,
        pagerDutyEnabled: alerts.pagerduty_enabled,
        pagerDutyRoutingKey: alerts.pagerduty_routing_key,
        pagerDutyEventsUrl: alerts.pagerduty_events_url,
        minSeverity: alerts.min_severity,
      };
    },
    onFailure: (channel, reason) => instanceLog.error("operations alert not delivered", { channel, reason }),
  });

  // The LLM ledger and the price database load on first use: only the LLM functions pay for them.
  let ledger: Promise<LlmLedger> | undefined;
  const llmLedger = () =>
    (ledger ??= (async (): Promise<LlmLedger> => {
      if (o.llmLedger) return o.llmLedger;
      if (config.runtime === "gcp") {
        const { openGcpLlmLedger } = await import("#adapters/gcp/gcp-llm-ledger-factory.js");
        const opened = openGcpLlmLedger({ config, documents, clock });
        owned.stores.push(opened);
        return opened;
      }
      const { DuckDbLlmLedger } = await import("#adapters/local/duckdb-llm-ledger.js");
      const opened = await DuckDbLlmLedger.open({ dataDir: config.data_dir }, () => clock.now());
      owned.stores.push(opened);
      return opened;
    })().catch((err: unknown) => {
      ledger = undefined;
      throw err;
    }));
  const priceOverrides = compileOverrides(config.llm_usage.price_overrides);
  let pricer: Promise<Pricer> | undefined;
  const loadPricer = () =>
    (pricer ??= import("#adapters/prices/genai-prices-catalog.js").then((m) => createPricer(m.createGenaiPricesCatalog(), priceOverrides)).catch((err: unknown) => {
      pricer = undefined;
      throw err;
    }));

  const llmUsage = createLlmUsageService({
    ledger: llmLedger,
    pricer: loadPricer,
    documents,
    clock,
    budgetCacheTtlMs: config.llm_usage.budget_cache_ttl,
    maxAgeDays: config.llm_usage.max_age_days,
    dashboardUrl: config.alerts.dashboard_url,
  });
  // The platform's own calls are never refused: a hard limit on its tenant shows in the result only.
  const platformLlmUsage: LlmUsageSink = async (call) => llmUsage.record(config.llm_usage.platform_tenant, LlmUsageEventSchema.parse(call), { enforce: false });

  return {
    llmLedger,
    llmUsage,
    platformLlmUsage,
    config,
    liveConfig,
    flags: async () => createFlagEvaluator((await liveConfig()).feature_flags),
    clock,
    documents,
    warehouse,
    secrets,
    credentials,
    apiKeys: createApiKeyService(documents, clock),
    sessions: createSessionManager(documents, {
      maxConcurrent: config.session.max_concurrent,
      idleTimeoutMs: config.session.idle_timeout,
      clock,
    }),
    workspaces: createWorkspaceService(documents, clock),
    audit: createAuditLog(documents, { clock }),
    metrics: createMetrics(),
    bus,
    channels,
    dispatcher: createAlertDispatcher({
      store: documents,
      secrets,
      channels,
      clock,
      log: alertLog,
      // A delivery given up on is an operational problem for the platform's own team too.
      onDeadLetter: (dl) =>
        opsAlerts.send({ rule: "alert delivery dead-lettered", severity: "warning", summary: `${dl.channelKind} channel ${dl.channelId} of tenant ${dl.tenantId}: ${dl.reason}`, value: dl.attempts }),
    }),
    sourceFor,
    recommendationsFor,
    recommendationLifecycles,
    opsAlerts,
    async prefetchCredentials() {
      const pairs = await listConnectedAccounts(documents, { limit: 1000 });
      await credentials.prefetch(pairs);
      return pairs.length;
    },
  };
}

/** Handler dependencies, built once per instance. */
export function getDeps(): Promise<AppDeps> {
  depsPromise ??= build().catch((err: unknown) => {
    depsPromise = undefined;
    throw err;
  });
  return depsPromise;
}

/**
 * Process shutdown: closes the stores this instance opened, synchronously, so that a SIGTERM
 * handler can run it before the process exits. Nothing is written after this.
 */
export function closeDepsNow(): void {
  const stores = owned.stores;
  owned = { stores: [] };
  for (const s of stores) s.closeNow();
}

/**
 * Orderly shutdown (the command line): lets the bus finish what is under way, then closes the
 * stores this instance opened. The next getDeps builds afresh.
 */
export async function closeDeps(): Promise<void> {
  const { stores, bus } = owned;
  owned = { stores: [] };
  depsPromise = undefined;
  servicesPromise = undefined;
  await bus?.close();
  for (const s of stores) await s.close();
}

/** Service accounts allowed to call event functions, with `{project}` filled in. */
function oidcServiceAccounts(c: AppConfig): string[] {
  return c.auth.oidc_service_accounts.map((a) => a.replaceAll("{project}", c.project.id));
}

/**
 * The verifier of Google OIDC tokens on push and scheduler requests; none without an audience.
 * Runtime `emulators` only: the Pub/Sub emulator attaches no token, so its push relay signs one
 * with a key made when the runtime starts, and the same verifier (issuer, audience, expiry, service
 * account) checks it against that key's certificates instead of Google's. No other runtime reads
 * them.
 */
async function oidcVerifier(c: AppConfig): Promise<OidcVerifier | undefined> {
  if (!c.auth.oidc_audience) return undefined;
  const accepted = { audience: c.auth.oidc_audience, allowedServiceAccounts: oidcServiceAccounts(c) };
  if (c.runtime === "emulators") {
    const { localCertificates } = await import("#adapters/emulators/local-oidc.js");
    return googleOidcVerifier({ ...accepted, certs: localCertificates(c.emulators.oidc_certs_file) });
  }
  return googleOidcVerifier(accepted);
}

/** The middleware pipeline's services, from the same deps and config. */
export function getPipelineServices(): Promise<PipelineServices> {
  servicesPromise ??= (async () => {
    const d = await getDeps();
    const o = overrides;
    const c = d.config;
    const verifyIdToken = o.verifyIdToken ?? firebaseIdTokenVerifier({ projectId: c.project.id });
    const verifyOidc = o.verifyOidc ?? (await oidcVerifier(c));
    const sec = (ms: number) => ms / 1000;
    return {
      config: {
        projectId: c.project.id,
        envName: c.env,
        logLevel: LOG_LEVELS[c.logging.level],
        corsOrigins: c.server.cors_origins,
        trustedProxyHops: c.server.trusted_proxy_hops,
      },
      clock: d.clock,
      logSink: o.logSink ?? stdoutSink,
      rateLimiter:
        o.rateLimiter ??
        createRateLimiter({
          points: c.rate_limit.points,
          durationSec: sec(c.rate_limit.duration),
          overrides: Object.fromEntries(Object.entries(c.rate_limit.overrides).map(([k, v]) => [k, { points: v.points, durationSec: sec(v.duration) }])),
          clock: d.clock,
        }),
      bruteForce:
        o.bruteForce ??
        createBruteForceGuard({
          maxFailures: c.brute_force.max_failures,
          windowSec: sec(c.brute_force.window),
          blockSec: sec(c.brute_force.block),
          clock: d.clock,
          // Outside the single-process local runtime, failures are counted in the shared store, so
          // guesses spread over instances still lock out.
          ...(c.runtime === "local" ? {} : { store: d.documents, onStoreError: (err: unknown) => currentLogger().error("brute-force state not updated", { error: String(err) }) }),
        }),
      authenticate: createAuthenticator({ verifyIdToken, apiKeys: d.apiKeys, ...(verifyOidc ? { verifyOidc } : {}) }),
      sessions: d.sessions,
      workspaces: d.workspaces,
      audit: d.audit,
      metrics: d.metrics,
      documents: d.documents,
    };
  })().catch((err: unknown) => {
    servicesPromise = undefined;
    throw err;
  });
  return servicesPromise;
}
