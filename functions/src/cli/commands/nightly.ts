import { resolve } from "node:path";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { cliLogSink } from "../log-sink.js";
import { runNightly, type NightlyResult } from "../nightly/run-nightly.js";
import { seedTenants } from "../nightly/seed-tenants.js";
import { formatSummary } from "../nightly/summary.js";
import { createProgress, type Progress } from "../progress.js";

export interface NightlyCommandOptions {
  date?: string;
  /** The tenants file. */
  config: string;
  /** Folder with base.yaml and <env>.yaml (F7 config). */
  configDir?: string;
  dataDir: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * Configures the local runtime for a nightly (data folder, tenants file, config folder, logs and
 * console alerts on stderr), onboards the tenants of the tenants file, and runs the nightly. The
 * runtime stays open for the caller, who ends it with closeDeps().
 */
export async function runLocalNightly(opts: NightlyCommandOptions, progress: Progress): Promise<NightlyResult> {
  const tenantsFile = resolve(opts.config);
  const cfg = await loadDemoConfig(tenantsFile);
  configureDeps({
    env: { COSTMON_DATA_DIR: resolve(opts.dataDir), COSTMON_DEMO_TENANTS_FILE: tenantsFile },
    ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}),
    logSink: cliLogSink(progress),
  });
  const deps = await getDeps();
  await seedTenants(deps, cfg, tenantsFile);
  const accounts = await deps.prefetchCredentials();
  if (accounts > 0) progress.info(`credentials prefetched for ${accounts} provider connection(s)`);
  return runNightly(deps, { runDate: opts.date ?? cfg.today, tenantIds: cfg.tenants.map((t) => t.id), progress });
}

/** `costmon nightly`: the whole pipeline on the embedded default. Exit code 1 if any page failed. */
export async function runNightlyCommand(opts: NightlyCommandOptions): Promise<number> {
  const progress = createProgress({ quiet: opts.quiet });
  try {
    const result = await runLocalNightly(opts, progress);
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result)}\n`);
    return result.tenants.some((t) => t.failedPages > 0) ? 1 : 0;
  } finally {
    await closeDeps();
  }
}
