import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "#foundation/config/load-config.js";
import { shippedBase, shippedConfigDir, tempConfigDir } from "./config-fixture.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dirWith(files: Record<string, Record<string, unknown> | string>): string {
  const t = tempConfigDir(files);
  cleanups.push(t.cleanup);
  return t.dir;
}

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe("loadConfig: the shipped files", () => {
  it.each(["dev", "prod"])("loads config/%s.yaml over base.yaml with no environment", async (envName) => {
    // Act
    const config = await loadConfig({ env: {}, envName, configDir: shippedConfigDir });
    // Assess
    expect(config.env).toBe(envName);
    expect(config.rate_limit.duration).toBe(60_000);
    expect(config.session).toEqual({ max_concurrent: 3, idle_timeout: 30 * 60_000 });
    expect(config.brute_force).toEqual({ max_failures: 5, window: 300_000, block: 1_800_000 });
  });

  it("applies the per-environment differences", async () => {
    const dev = await loadConfig({ env: {}, envName: "dev", configDir: shippedConfigDir });
    const prod = await loadConfig({ env: {}, envName: "prod", configDir: shippedConfigDir });

    expect([dev.rate_limit.points, prod.rate_limit.points]).toEqual([1000, 100]);
    expect([dev.logging.level, prod.logging.level]).toEqual(["debug", "info"]);
    expect(prod.selfops.health_timeout).toBe(1_500);
  });

  it.each([
    { env: { COSTMON_ENV: "prod" }, expected: "prod" },
    { env: { NODE_ENV: "production" }, expected: "prod" },
    { env: {}, expected: "dev" },
  ])("picks the environment name from $env", async ({ env, expected }) => {
    const config = await loadConfig({ env, configDir: shippedConfigDir });

    expect(config.env).toBe(expected);
  });
});

describe("loadConfig: source priority", () => {
  // data_dir is set by every source below; each row removes the sources above the expected winner.
  const base = { ...shippedBase(), data_dir: "/from-base" };
  const { data_dir: _omit, ...baseWithout } = base;
  it.each([
    { winner: "env", expected: "/from-env", sources: ["env", "secret", "envYaml", "base"] },
    { winner: "secret", expected: "/from-secret", sources: ["secret", "envYaml", "base"] },
    { winner: "config/<env>.yaml", expected: "/from-dev-yaml", sources: ["envYaml", "base"] },
    { winner: "config/base.yaml", expected: "/from-base", sources: ["base"] },
    { winner: "built-in defaults", expected: ".data", sources: [] },
  ])("$winner wins over every lower source", async ({ expected, sources }) => {
    // Prepare
    const dir = dirWith({
      "base.yaml": sources.includes("base") ? base : baseWithout,
      "dev.yaml": sources.includes("envYaml") ? { data_dir: "/from-dev-yaml" } : {},
    });
    const env = sources.includes("env") ? { COSTMON_DATA_DIR: "/from-env" } : {};
    const secrets: Record<string, string> = sources.includes("secret") ? { data_dir: "/from-secret" } : {};
    // Act
    const config = await loadConfig({ env, envName: "dev", configDir: dir, secrets });
    // Assess
    expect(config.data_dir).toBe(expected);
  });

  it("merges sections key by key across sources", async () => {
    const dir = dirWith({ "base.yaml": shippedBase(), "dev.yaml": { session: { max_concurrent: 5 } } });

    const config = await loadConfig({
      env: { COSTMON_SESSION_IDLE_TIMEOUT: "45m" },
      envName: "dev",
      configDir: dir,
      secrets: { ALERTS_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/X" },
    });

    expect(config.session).toEqual({ max_concurrent: 5, idle_timeout: 45 * 60_000 });
    expect(config.alerts.slack_webhook_url).toBe("https://hooks.slack.com/services/T/B/X");
  });

  it("maps COSTMON_A_B to a.b through the schema, keeping record keys (endpoints, flags)", async () => {
    const config = await loadConfig({
      env: {
        COSTMON_RATE_LIMIT_OVERRIDES_getCostSummary_POINTS: "7",
        COSTMON_RATE_LIMIT_OVERRIDES_getCostSummary_DURATION: "10s",
        COSTMON_FEATURE_FLAGS_ALERT_ACKNOWLEDGE_SYNC_ROLLOUT_PERCENT: "42",
        COSTMON_ANALYSIS_FORECAST_HORIZON_DAYS: "60",
      },
      envName: "dev",
      configDir: shippedConfigDir,
    });

    expect(config.rate_limit.overrides.getCostSummary).toEqual({ points: 7, duration: 10_000 });
    expect(config.rate_limit.overrides.recordLlmUsage?.points).toBe(600);
    expect(config.feature_flags.alert_acknowledge_sync?.rollout_percent).toBe(42);
    expect(config.analysis.forecast_horizon_days).toBe(60);
  });

  it("takes a whole section from the environment as JSON", async () => {
    const config = await loadConfig({
      env: { COSTMON_FEATURE_FLAGS: '{"beta":{"enabled":true,"allow_users":["u1"]}}' },
      envName: "dev",
      configDir: shippedConfigDir,
    });

    expect(config.feature_flags.beta).toEqual({
      enabled: true,
      rollout_percent: 100,
      allow_users: ["u1"],
      allow_tenants: [],
      attributes: {},
    });
  });
});

describe("loadConfig: coercion", () => {
  it.each([
    { name: "COSTMON_ALERTS_SLACK_ENABLED", value: "yes", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.alerts.slack_enabled, expected: true },
    { name: "COSTMON_ALERTS_PAGERDUTY_ENABLED", value: "0", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.alerts.pagerduty_enabled, expected: false },
    { name: "COSTMON_SESSION_IDLE_TIMEOUT", value: "30m", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.session.idle_timeout, expected: 1_800_000 },
    { name: "COSTMON_SELFOPS_HEALTH_TIMEOUT", value: "5s", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.selfops.health_timeout, expected: 5_000 },
    { name: "COSTMON_COLLECTION_TRAILING_DAYS", value: "5", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.collection.trailing_days, expected: 5 },
    { name: "COSTMON_SELFOPS_RETRY_BASE", value: "250ms", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.selfops.retry_base, expected: 250 },
    { name: "COSTMON_CONFIG_RELOAD_TTL", value: "1.5h", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.config.reload_ttl, expected: 5_400_000 },
    { name: "COSTMON_BRUTE_FORCE_BLOCK", value: "2d", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.brute_force.block, expected: 172_800_000 },
    { name: "COSTMON_ANALYSIS_HISTORY_DAYS", value: "365", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.analysis.history_days, expected: 365 },
    { name: "COSTMON_SERVER_CORS_ORIGINS", value: "https://a.example, https://b.example", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.server.cors_origins, expected: ["https://a.example", "https://b.example"] },
    { name: "COSTMON_AUTH_OIDC_SERVICE_ACCOUNTS", value: "a@p.iam.gserviceaccount.com, b@p.iam.gserviceaccount.com", read: (c: Awaited<ReturnType<typeof loadConfig>>) => c.auth.oidc_service_accounts, expected: ["a@p.iam.gserviceaccount.com", "b@p.iam.gserviceaccount.com"] },
  ])("coerces $name=$value", async ({ name, value, read, expected }) => {
    const config = await loadConfig({ env: { [name]: value }, envName: "dev", configDir: shippedConfigDir });

    expect(read(config)).toEqual(expected);
  });

  it("reads a plain number as milliseconds for a duration", async () => {
    const dir = dirWith({ "base.yaml": { ...shippedBase(), config: { reload_ttl: 1234 } } });

    const config = await loadConfig({ env: {}, envName: "dev", configDir: dir });

    expect(config.config.reload_ttl).toBe(1234);
  });

  it.each([
    { name: "COSTMON_ALERTS_SLACK_ENABLED", value: "maybe", message: /alerts\.slack_enabled \(from env COSTMON_ALERTS_SLACK_ENABLED\): expected true or false/ },
    { name: "COSTMON_COLLECTION_TRAILING_DAYS", value: "90", message: /collection\.trailing_days \(from env COSTMON_COLLECTION_TRAILING_DAYS\)/ },
    { name: "COSTMON_RUNTIME", value: "aws", message: /runtime \(from env COSTMON_RUNTIME\)/ },
    { name: "COSTMON_SESSION_IDLE_TIMEOUT", value: "30x", message: /session\.idle_timeout \(from env COSTMON_SESSION_IDLE_TIMEOUT\): expected a duration/ },
    { name: "COSTMON_RATE_LIMIT_POINTS", value: "-3", message: /rate_limit\.points \(from env COSTMON_RATE_LIMIT_POINTS\)/ },
    { name: "COSTMON_LOGGING_LEVEL", value: "loud", message: /logging\.level \(from env COSTMON_LOGGING_LEVEL\)/ },
    { name: "COSTMON_NO_SUCH_THING", value: "1", message: /env COSTMON_NO_SUCH_THING: no such config key/ },
  ])("fails fast naming key and source for $name=$value", async ({ name, value, message }) => {
    const error = await configError(loadConfig({ env: { [name]: value }, envName: "dev", configDir: shippedConfigDir }));

    expect(error.message).toMatch(message);
  });
});

describe("loadConfig: strict schema and readable errors", () => {
  it("rejects an unknown key and names the file it came from", async () => {
    const dir = dirWith({ "base.yaml": shippedBase(), "dev.yaml": { session: { idle_timout: "10m" } } });

    const error = await configError(loadConfig({ env: {}, envName: "dev", configDir: dir }));

    expect(error.problems).toEqual(['unknown key "session.idle_timout" (from config/dev.yaml)']);
  });

  it("names a missing key and how to set it", async () => {
    const { project: _p, ...withoutProject } = shippedBase();
    const dir = dirWith({ "base.yaml": withoutProject });

    const error = await configError(loadConfig({ env: {}, envName: "dev", configDir: dir }));

    expect(error.message).toMatch(/project is missing: set it in config\/base\.yaml or COSTMON_PROJECT/);
  });

  it.each<{ files: Record<string, string>; message: RegExp }>([
    { files: {}, message: /config\/base\.yaml: cannot read/ },
    { files: { "base.yaml": "a: [unclosed" }, message: /config\/base\.yaml: YAML syntax error/ },
    { files: { "base.yaml": "- a list" }, message: /config\/base\.yaml: the top level must be a mapping/ },
  ])("reports a broken base file: $message", async ({ files, message }) => {
    const error = await configError(loadConfig({ env: {}, envName: "dev", configDir: dirWith(files) }));

    expect(error.message).toMatch(message);
  });

  it("allows a missing <env>.yaml", async () => {
    const config = await loadConfig({ env: {}, envName: "staging", configDir: dirWith({ "base.yaml": shippedBase() }) });

    expect(config.env).toBe("staging");
  });

  it("rejects an environment name that could point outside the config folder", async () => {
    const error = await configError(loadConfig({ env: {}, envName: "../etc/x", configDir: shippedConfigDir }));

    expect(error.message).toMatch(/environment name/);
  });

  it("never echoes the value of a secret-like key in an error", async () => {
    const secret = "CANARY-routing-key-998877";
    const dir = dirWith({ "base.yaml": shippedBase() });

    const error = await configError(
      loadConfig({
        env: { COSTMON_ALERTS: JSON.stringify({ pagerduty_routing_key: 12345, slack_webhook_url: { x: secret } }) },
        envName: "dev",
        configDir: dir,
      }),
    );

    expect(error.message).toMatch(/alerts\.pagerduty_routing_key \(from env COSTMON_ALERTS\)/);
    expect(error.message).toMatch(/hidden: secret-like key/);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain("12345");
  });
});
