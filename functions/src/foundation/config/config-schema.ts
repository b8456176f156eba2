import { z } from "zod";
import { parseDuration } from "./durations.js";

/**
 * F7 application config (issue 4; DESIGN.md §10 "config is parsed once with zod, fails fast with a
 * readable message"). Keys are snake_case, as in the YAML files and the seed's coercion rules
 * (`*_port` → port, `*_enabled` → boolean). Every object is strict: an unknown key is an error.
 * Every duration (`duration()`) accepts "30m"/"5s"/"1h" or a number and is **milliseconds** after
 * parsing. Defaults live in config/base.yaml; the schema has none (except inside a feature flag), so a
 * missing key fails loudly.
 */

/** A duration, in milliseconds once parsed. */
export type DurationMs = number;

const fromString = (parse: (s: string) => unknown) => (v: unknown) => (typeof v === "string" ? parse(v) : v);

const numberText = (s: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(s) ? Number(s) : s);

export const positiveInt = () => z.preprocess(fromString(numberText), z.number().int().positive());
/** A whole number in [min, max], from YAML or from an environment variable's text. */
export const intIn = (min: number, max: number) => z.preprocess(fromString(numberText), z.number().int().min(min).max(max));
export const bool = () =>
  z.preprocess(
    fromString((s) => {
      const t = s.trim().toLowerCase();
      if (["true", "1", "yes", "on"].includes(t)) return true;
      if (["false", "0", "no", "off", ""].includes(t)) return false;
      return s;
    }),
    z.boolean(),
  );
export const duration = () =>
  z.preprocess(
    fromString((s) => parseDuration(s) ?? s),
    z.number({ error: 'expected a duration such as "500ms", "5s", "30m", "1h" or a number of ms' }).nonnegative(),
  );
const stringList = () =>
  z.preprocess(
    fromString((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    ),
    z.array(z.string()),
  );

export const RateLimitSchema = z.strictObject({ points: positiveInt(), duration: duration() });

export const FeatureFlagSchema = z.strictObject({
  enabled: bool(),
  /** 0–100: share of users (by a stable hash of flag and uid) who get the flag; default 100. */
  rollout_percent: z.preprocess(fromString(numberText), z.number().min(0).max(100)).default(100),
  allow_users: stringList().default([]),
  allow_tenants: stringList().default([]),
  /** attribute → accepted values; a user must match every listed attribute. */
  attributes: z.record(z.string(), stringList()).default({}),
});
export type FeatureFlag = z.infer<typeof FeatureFlagSchema>;

/** A price per million tokens: decimal text, at most six places (the ledger prices in whole pico-dollars per token). */
const PricePerMtok = z.string().regex(/^\d{1,6}(\.\d{1,6})?$/, 'a price per million tokens such as "2.50", at most 6 decimal places');
const OptionalPrice = z.union([z.literal(""), PricePerMtok]);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day YYYY-MM-DD").refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "not a calendar day");

/**
 * One row of the LLM price override table: a tenant's negotiated price or a private model,
 * effective from one day up to (not including) another. Empty optional prices fall back to the
 * input or output price, as the price database does.
 */
export const LlmPriceOverrideSchema = z
  .strictObject({
    tenant: z.string().regex(/^(\*|[A-Za-z0-9_-]{1,128})$/, 'a tenant id, or "*" for every tenant'),
    provider: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/),
    model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/),
    service_tier: z.enum(["any", "standard", "batch", "flex", "priority"]).default("any"),
    effective_from: Day,
    effective_to: z.union([z.literal(""), Day]).default(""),
    label: z.string().regex(/^[A-Za-z0-9._:@+-]{1,64}$/),
    input_mtok: PricePerMtok,
    output_mtok: PricePerMtok,
    cache_read_mtok: OptionalPrice.default(""),
    cache_write_mtok: OptionalPrice.default(""),
    audio_input_mtok: OptionalPrice.default(""),
    audio_output_mtok: OptionalPrice.default(""),
  })
  .refine((o) => o.effective_to === "" || o.effective_from < o.effective_to, { message: "effective_from must be before effective_to", path: ["effective_to"] });

const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD or EUR");
/** A rate as written: a positive decimal; a YAML number is taken as the text it was written as. */
const RateText = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().regex(/^\d{1,12}(\.\d{1,12})?$/, "a positive decimal rate such as \"1.1059\"").refine((t) => /[1-9]/.test(t), "a rate is not zero"));

/**
 * Reporting currency and the dated rate table conversions use (costmon costs --convert). A table
 * holds, per day, how many units of each currency one unit of `base` buys, as published (the ECB's
 * euro reference rates have base EUR); no rate, no conversion.
 */
export const CurrencyConfigSchema = z.strictObject({
  reporting: CurrencyCode,
  locale: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "a BCP 47 locale such as en-US or de-DE"),
  reporting_by_tenant: z.record(z.string().max(128), CurrencyCode),
  rates: z.strictObject({
    base: CurrencyCode,
    source: z.string().max(500),
    days: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day as YYYY-MM-DD"), z.record(CurrencyCode, RateText)),
  }),
});

export const RUNTIMES = ["local", "emulators", "gcp"] as const;

export const AppConfigSchema = z.strictObject({
  env: z.string().min(1),
  /**
   * Which adapters deps.ts builds. `local`: DuckDB files, the in-process bus, a file secret store
   * (`npm run nightly`, tests, a single-machine install). `emulators`: the local stores, with the
   * official Pub/Sub emulator as the bus and the event functions served over HTTP behind push
   * subscriptions (`npm run nightly -- --runtime emulators`, which starts the emulators itself).
   */
  runtime: z.enum(RUNTIMES),
  project: z.strictObject({ id: z.string().min(1) }),
  data_dir: z.string().min(1),
  server: z.strictObject({
    cors_origins: stringList(),
    /**
     * Proxies in front of the functions that append to X-Forwarded-For: 1 for Cloud Run functions
     * behind Google's front end; 2 with an external HTTPS load balancer in front of that.
     */
    trusted_proxy_hops: intIn(0, 5),
  }),
  logging: z.strictObject({ level: z.enum(["debug", "info", "warning", "error"]) }),
  rate_limit: RateLimitSchema.extend({ overrides: z.record(z.string(), RateLimitSchema) }),
  brute_force: z.strictObject({ max_failures: positiveInt(), window: duration(), block: duration() }),
  session: z.strictObject({
    max_concurrent: positiveInt(),
    idle_timeout: duration(),
  }),
  auth: z.strictObject({
    /** Audience of Google OIDC tokens on push and scheduler requests (the function URL); "" refuses them all. */
    oidc_audience: z.string(),
    /** Service accounts allowed to call event functions (Pub/Sub push, Cloud Scheduler); `{project}` is replaced. */
    oidc_service_accounts: stringList(),
  }),
  selfops: z.strictObject({
    /** Attempts of one provider call, the first included (billing SDK clients' own retry). */
    retry_max_attempts: positiveInt(),
    retry_base: duration(),
    retry_max: duration(),
    /** Consecutive failed collections of one provider that open its circuit breaker. */
    breaker_failures: positiveInt(),
    breaker_half_open_after: duration(),
    health_timeout: duration(),
    /** Deliveries of one message before it goes to its dead-letter topic. */
    dead_letter_max_attempts: positiveInt(),
  }),
  secrets: z.strictObject({
    credential_max_age: duration(),
    /** Secret Manager (runtime gcp): how long a replaced version stays enabled, so cached credentials keep working. */
    rotation_grace: duration(),
  }),
  /** Runtime gcp: the Firestore database ("" = the default database). */
  firestore: z.strictObject({ database_id: z.string() }),
  /** Runtime gcp: where the ledger lives in BigQuery. */
  bigquery: z.strictObject({
    location: z.string().regex(/^[A-Za-z0-9-]{2,40}$/),
    cost_dataset: z.string().regex(/^\w{1,1024}$/),
    staging_dataset: z.string().regex(/^\w{1,1024}$/),
  }),
  /** The Pub/Sub bus (runtime `emulators`, and the deployed runtime once it is built). */
  pubsub: z.strictObject({
    /** Put before every topic id, dead-letter twins included, so that several installs can share a project. */
    topic_prefix: z.string().regex(/^([A-Za-z][A-Za-z0-9._~+%-]{0,99})?$/, "a letter, then letters, digits or ._~+%-"),
    /** Publisher batching: a batch is sent when it holds this many messages, or after `batch_max_delay`. */
    batch_max_messages: intIn(1, 1000),
    batch_max_delay: duration(),
  }),
  /** Runtime `emulators` only; the command line fills these in when it starts the emulators. */
  emulators: z.strictObject({
    /** host:port of the Pub/Sub emulator. */
    pubsub_host: z.string(),
    /** host:port of the Firestore emulator, which then holds the documents; "" keeps them in DuckDB. */
    firestore_host: z.string(),
    /**
     * JSON file of the certificates (by key id) that sign the push requests' OIDC tokens on this
     * machine. The emulator attaches no token, so a local relay signs one; only this runtime reads it.
     */
    oidc_certs_file: z.string(),
  }),
  collection: z.strictObject({
    /** Days re-pulled each night: providers revise recent days for 24 to 72 hours. */
    trailing_days: intIn(1, 31),
    /** History a newly connected account backfills, in months. */
    history_months: intIn(1, 36),
  }),
  /** Where the local runtime finds the demo tenants' generated history (accounts with `collector: demo`). */
  demo: z.strictObject({ tenants_file: z.string().min(1) }),
  providers: z.strictObject({
    /** Override of each provider API's endpoint (a sovereign cloud, or a local replay server in tests); "" = default. */
    gcp: z.strictObject({ bigquery_endpoint: z.string() }),
    aws: z.strictObject({ cost_explorer_endpoint: z.string(), region: z.string().min(1) }),
    /** `authority_host`: Microsoft Entra sign-in (sovereign clouds); `tls_ca_file`: extra CA for both endpoints. */
    azure: z.strictObject({ management_endpoint: z.string(), authority_host: z.string(), tls_ca_file: z.string() }),
    /** Vultr API v2 base; "" = https://api.vultr.com/v2. (OpenCost's URL is per cluster, in the account's secret.) */
    vultr: z.strictObject({ api_endpoint: z.string() }).default({ api_endpoint: "" }),
  }),
  alerts: z.strictObject({
    /** Base of the links alerts carry. */
    dashboard_url: z.url({ protocol: /^https?$/ }),
    /** PagerDuty Events API v2 endpoint. */
    pagerduty_events_url: z.url({ protocol: /^https?$/ }),
    /** The platform's own operations channel, for health alert rules (not tenants' alerts). */
    slack_enabled: bool(),
    slack_webhook_url: z.string(),
    pagerduty_enabled: bool(),
    pagerduty_routing_key: z.string(),
    /** Lowest severity of operational alert sent to the operations channel. */
    min_severity: z.enum(["info", "warning", "critical"]),
  }),
  analysis: z.strictObject({
    /** Days of ledger the nightly analysis reads: 13 months and room for a year-over-year week. */
    history_days: intIn(60, 1100),
    forecast_horizon_days: intIn(1, 366),
    /** Days, counting the last one, whose cost providers still revise (24–72 h): not judged as drops. */
    settle_days: intIn(0, 7),
  }),
  config: z.strictObject({ reload_ttl: duration() }),
  currency: CurrencyConfigSchema,
  feature_flags: z.record(z.string(), FeatureFlagSchema),
  llm_usage: z.strictObject({
    /** Negotiated and private-model prices; they take precedence over the price database. */
    price_overrides: z.array(LlmPriceOverrideSchema).max(1000),
    /** How long an instance reuses a tenant's hard-limited budgets before reading them again. */
    budget_cache_ttl: duration(),
    /** Oldest request day recordLlmUsage accepts, in days before today. */
    max_age_days: intIn(1, 400),
    /** The tenant whose ledger holds the platform's own LLM calls (trackLlmCall), priced and budgeted as any tenant's. */
    platform_tenant: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, "a tenant id"),
  }),
});

export type AppConfig = z.infer<typeof AppConfigSchema>;
