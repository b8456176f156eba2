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

export const num = () => z.preprocess(fromString(numberText), z.number());
export const int = () => z.preprocess(fromString(numberText), z.number().int());
export const positiveInt = () => z.preprocess(fromString(numberText), z.number().int().positive());
export const port = () => z.preprocess(fromString(numberText), z.number().int().min(1).max(65_535));
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
/** Exact money as a decimal string (DESIGN.md: money is exact). */
export const decimalString = () =>
  z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().regex(/^-?\d+(\.\d+)?$/, "expected a decimal amount"));
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

export const AppConfigSchema = z.strictObject({
  env: z.string().min(1),
  project: z.strictObject({ id: z.string().min(1), region: z.string().min(1) }),
  data_dir: z.string().min(1),
  server: z.strictObject({ http_port: port(), cors_origins: stringList() }),
  logging: z.strictObject({ level: z.enum(["debug", "info", "warning", "error"]) }),
  rate_limit: RateLimitSchema.extend({ overrides: z.record(z.string(), RateLimitSchema) }),
  brute_force: z.strictObject({ max_failures: positiveInt(), window: duration(), block: duration() }),
  session: z.strictObject({
    max_concurrent: positiveInt(),
    idle_timeout: duration(),
    memory_ttl: duration(),
  }),
  auth: z.strictObject({
    mfa_min_trust_level: z.preprocess(fromString(numberText), z.number().int().min(1).max(5)),
    api_key_prefix: z.string().min(1),
    oidc_audience: z.string(),
  }),
  audit: z.strictObject({ enabled: bool() }),
  selfops: z.strictObject({
    retry_max_attempts: positiveInt(),
    retry_base: duration(),
    retry_max: duration(),
    breaker_failures: positiveInt(),
    breaker_half_open_after: duration(),
    health_timeout: duration(),
    dead_letter_max_attempts: positiveInt(),
  }),
  secrets: z.strictObject({ credential_max_age: duration() }),
  alerts: z.strictObject({
    slack_enabled: bool(),
    slack_webhook_url: z.string(),
    pagerduty_enabled: bool(),
    pagerduty_routing_key: z.string(),
    min_severity: z.enum(["info", "warning", "critical"]),
    /** Anomalies with a smaller dollar impact are not alerted. */
    min_impact_usd: decimalString(),
    critical_impact_usd: decimalString(),
  }),
  analysis: z.strictObject({
    lookback_days: positiveInt(),
    min_history_days: positiveInt(),
    anomaly_z_threshold: num(),
    anomaly_min_impact_usd: decimalString(),
    forecast_horizon_days: positiveInt(),
    forecast_interval: z.preprocess(fromString(numberText), z.number().gt(0).lt(1)),
  }),
  config: z.strictObject({ reload_ttl: duration() }),
  feature_flags: z.record(z.string(), FeatureFlagSchema),
});

export type AppConfig = z.infer<typeof AppConfigSchema>;
