export { type AppConfig, AppConfigSchema, type DurationMs, type FeatureFlag } from "./config-schema.js";
export { ConfigError, loadConfig, type LoadConfigOptions } from "./load-config.js";
export { maskSecrets, isSecretKey } from "./mask-secrets.js";
export { createFlagEvaluator, type FlagEvaluator, type FlagUser, rolloutBucket } from "./feature-flags.js";
export { createConfigReloader, type ConfigReloader } from "./config-reloader.js";
export { parseDuration } from "./durations.js";
