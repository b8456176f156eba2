import { resolve } from "node:path";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { AppError } from "#kernel/errors.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { cliLogSink } from "../log-sink.js";
import { runEmulatorNightly } from "../nightly/emulator-nightly.js";
import { runNightly, type NightlyResult } from "../nightly/run-nightly.js";
import { seedTenants } from "../nightly/seed-tenants.js";
import { emptyTenants, formatSummary, futureRunDateWarning } from "../nightly/summary.js";
import { createProgress, type Progress } from "../progress.js";
import { writeTenantReports } from "../report/write-reports.js";

export interface NightlyCommandOptions {
  date?: string;
  /** The tenants file. */
  config: string;
  /** Folder with base.yaml and <env>.yaml (F7 config). */
  configDir?: string;
  dataDir: string;
  /** `local` (the default: DuckDB files and the in-process bus) or `emulators` (the official Firestore and Pub/Sub emulators). */
  runtime?: "local" | "emulators";
  json?: boolean;
  quiet?: boolean;
  /** Folder for the per-tenant HTML reports written after the run; false skips them. */
  reports?: string | false;
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
    consoleWrite: (line) => progress.print(line),
  });
  const deps = await getDeps();
  await seedTenants(deps, cfg, tenantsFile);
  const accounts = await deps.prefetchCredentials();
  if (accounts > 0) progress.info(`credentials prefetched for ${accounts} provider account(s)`);
  return runNightly(deps, { runDate: opts.date ?? cfg.today, tenantIds: cfg.tenants.map((t) => t.id), progress });
}

/**
 * `costmon nightly`: the whole pipeline on the embedded default, or on the official emulators with
 * `--runtime emulators`; the same summary either way. Exit code 1 if any page failed, 130 when
 * interrupted (the emulators are stopped first).
 */
export async function runNightlyCommand(opts: NightlyCommandOptions): Promise<number> {
  const progress = createProgress({ quiet: opts.quiet });
  try {
    const result = opts.runtime === "emulators" ? (await runEmulatorNightly(opts, progress)).summary : await runLocalNightly(opts, progress);
    // Reports read the local stores; the emulator runtime has closed its own by now.
    if (opts.reports && opts.runtime !== "emulators") {
      const files = await writeTenantReports(await getDeps(), result.tenants.map((t) => t.tenantId), opts.reports);
      // On stderr, so that --json stdout stays one JSON document.
      progress.print(`reports: ${files.length} written to ${resolve(opts.reports)}`);
    }
    const future = futureRunDateWarning(result.runDate, new Date());
    if (future) progress.print(future);
    for (const t of emptyTenants(result)) {
      progress.print(`warning: no cost rows collected for tenant ${t} on ${result.runDate}: the date may be past the data, or its accounts hold nothing in the window`);
    }
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result)}\n`);
    return result.tenants.some((t) => t.failedPages > 0) ? 1 : 0;
  } catch (err) {
    if (err instanceof AppError && err.code === "cancelled") {
      process.stderr.write(`${err.message}; the emulators are stopped\n`);
      return 130;
    }
    throw err;
  } finally {
    await closeDeps();
  }
}
