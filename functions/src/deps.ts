import type { CostWarehouse } from "#domain/billing/ports.js";
import type { ChannelTester } from "#domain/api/alert-channels.js";
import { type Clock, type DocumentStore, type SecretStore, systemClock } from "#kernel/ports.js";
import type { AppConfig } from "#foundation/config/config-schema.js";
import { loadConfig } from "#foundation/config/load-config.js";
import { maskSecrets } from "#foundation/config/mask-secrets.js";
import { createApiKeyService, type ApiKeyService } from "#foundation/iam/api-keys.js";
import { createAuthenticator } from "#foundation/iam/authenticate.js";
import { type OidcVerifier, googleOidcVerifier } from "#foundation/iam/google-oidc.js";
import { firebaseIdTokenVerifier, type IdTokenVerifier } from "#foundation/iam/id-token.js";
import { createCredentialStore, type CredentialStore } from "#foundation/infrastructure/credential-store.js";
import { createLogger, type LogSink, type Severity, stdoutSink } from "#foundation/observability/logger.js";
import { createMetrics, type Metrics } from "#foundation/observability/metrics.js";
import { currentLogger } from "#foundation/observability/request-context.js";
import type { PipelineServices } from "#foundation/pipeline/services.js";
import { type AuditLog, createAuditLog } from "#foundation/secops/audit-log.js";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import { createSessionManager, type SessionManager } from "#foundation/session/sessions.js";
import { createWorkspaceService, type WorkspaceService } from "#foundation/session/workspaces.js";

/**
 * Composition root (DESIGN.md §3): builds every adapter lazily, once per instance, from F7 config.
 * Nothing heavy is imported at module load: DuckDB and firebase-admin are loaded on first use, so a
 * cold start pays only for what the first request needs (a deployed instance starts that first use
 * as it loads, and closes what it opened on SIGTERM: instance-lifecycle.ts). Production adapters
 * (Firestore, BigQuery, Secret Manager) plug in here when they exist; until then the local DuckDB
 * and file stores serve.
 */
export interface AppDeps {
  config: AppConfig;
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
  channelTester: ChannelTester;
}

/** What tests and the local run may replace; everything else is built from config. */
export interface DepsOverrides {
  documents?: DocumentStore;
  warehouse?: CostWarehouse;
  secrets?: SecretStore;
  clock?: Clock;
  verifyIdToken?: IdTokenVerifier;
  verifyOidc?: OidcVerifier;
  channelTester?: ChannelTester;
  logSink?: LogSink;
  /** Limits that config cannot express in a test (per-endpoint overrides are camelCase keys). */
  rateLimiter?: PipelineServices["rateLimiter"];
  bruteForce?: PipelineServices["bruteForce"];
  /** Extra COSTMON_* variables over process.env (e.g. limits for a test). */
  env?: Record<string, string>;
  configDir?: string;
}

let overrides: DepsOverrides = {};
let depsPromise: Promise<AppDeps> | undefined;
let servicesPromise: Promise<PipelineServices> | undefined;

/** A store that can close synchronously (the local DuckDB adapters). */
interface ClosableNow {
  closeNow(): void;
}
/** The stores the last build opened itself; overrides belong to their caller. */
let ownedStores: ClosableNow[] = [];

/** Replaces adapters (tests, local run). Must run before the first request of the instance. */
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

/** Default channel tester: the console channel, no network (the alerts module replaces it). */
const consoleTester: ChannelTester = async (config) => {
  currentLogger().info("test alert", { kind: config.kind, channel: config.id });
  return { ok: true };
};

async function build(): Promise<AppDeps> {
  const o = overrides;
  // Start loading the adapters' modules (DuckDB's native binding is the slowest part of a cold
  // start) while config is read; nothing is opened until config says where.
  const docModule = o.documents ? undefined : import("#adapters/local/duckdb-document-store.js");
  const whModule = o.warehouse ? undefined : import("#adapters/local/duckdb-warehouse.js");
  const secretModule = o.secrets ? undefined : import("#adapters/local/file-secret-store.js");
  const config = await loadConfig({
    env: { ...process.env, ...o.env },
    ...(o.configDir ? { configDir: o.configDir } : {}),
  });
  const clock = o.clock ?? systemClock;
  const opened: ClosableNow[] = [];
  const own = <S extends ClosableNow>(store: S): S => {
    opened.push(store);
    return store;
  };
  const [docs, wh, secrets] = await Promise.all([
    o.documents ?? docModule?.then((m) => m.DuckDbDocumentStore.open({ dataDir: config.data_dir })).then(own),
    o.warehouse ?? whModule?.then((m) => m.DuckDbCostWarehouse.open({ dataDir: config.data_dir })).then(own),
    o.secrets ?? secretModule?.then((m) => new m.FileSecretStore(`${config.data_dir}/secrets.json`)),
  ]);
  ownedStores = opened;
  if (!docs || !wh || !secrets) throw new Error("adapters failed to load");
  createLogger({ sink: o.logSink ?? stdoutSink, labels: { scope: "instance" } }).debug("config loaded", {
    config: maskSecrets(config) as unknown as Record<string, unknown>,
  });
  return {
    config,
    clock,
    documents: docs,
    warehouse: wh,
    secrets,
    credentials: createCredentialStore(secrets, { maxAgeMs: config.secrets.credential_max_age, clock }),
    apiKeys: createApiKeyService(docs, clock),
    sessions: createSessionManager(docs, {
      maxConcurrent: config.session.max_concurrent,
      idleTimeoutMs: config.session.idle_timeout,
      clock,
    }),
    workspaces: createWorkspaceService(docs, clock),
    audit: createAuditLog(docs, { clock }),
    metrics: createMetrics(),
    channelTester: o.channelTester ?? consoleTester,
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
  const stores = ownedStores;
  ownedStores = [];
  for (const s of stores) s.closeNow();
}

/** The middleware pipeline's services, from the same deps and config. */
export function getPipelineServices(): Promise<PipelineServices> {
  servicesPromise ??= (async () => {
    const d = await getDeps();
    const o = overrides;
    const c = d.config;
    const verifyIdToken = o.verifyIdToken ?? firebaseIdTokenVerifier({ projectId: c.project.id });
    const verifyOidc =
      o.verifyOidc ??
      (c.auth.oidc_audience
        ? googleOidcVerifier({ audience: c.auth.oidc_audience, allowedServiceAccounts: [`scheduler@${c.project.id}.iam.gserviceaccount.com`] })
        : undefined);
    const sec = (ms: number) => ms / 1000;
    return {
      config: {
        projectId: c.project.id,
        envName: c.env,
        logLevel: LOG_LEVELS[c.logging.level],
        corsOrigins: c.server.cors_origins,
        trustedProxyHops: 1,
      },
      clock: d.clock,
      logSink: o.logSink ?? stdoutSink,
      rateLimiter: o.rateLimiter ?? createRateLimiter({
        points: c.rate_limit.points,
        durationSec: sec(c.rate_limit.duration),
        overrides: Object.fromEntries(
          Object.entries(c.rate_limit.overrides).map(([k, v]) => [k, { points: v.points, durationSec: sec(v.duration) }]),
        ),
        clock: d.clock,
      }),
      bruteForce: o.bruteForce ?? createBruteForceGuard({
        maxFailures: c.brute_force.max_failures,
        windowSec: sec(c.brute_force.window),
        blockSec: sec(c.brute_force.block),
        clock: d.clock,
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
