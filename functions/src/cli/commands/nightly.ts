import { resolve } from "node:path";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { createProgress } from "../progress.js";
import { openLocalRuntime } from "../nightly/local-runtime.js";
import { runNightly } from "../nightly/run-nightly.js";
import { seedDemoTenants } from "../nightly/seed-demo-tenants.js";
import { formatSummary } from "../nightly/summary.js";

export interface NightlyCommandOptions {
  date?: string;
  config: string;
  dataDir: string;
  json?: boolean;
  quiet?: boolean;
}

/** `costmon nightly`: the whole pipeline on the embedded default. Exit code 1 if any page failed. */
export async function runNightlyCommand(opts: NightlyCommandOptions): Promise<number> {
  const progress = createProgress({ quiet: opts.quiet });
  const cfg = await loadDemoConfig(resolve(opts.config));
  const runDate = opts.date ?? cfg.today;
  const dataDir = resolve(opts.dataDir);
  const rt = await openLocalRuntime({ dataDir, progress });
  try {
    await seedDemoTenants(rt.store, cfg);
    const result = await runNightly(rt, cfg, { runDate, dataDir, progress });
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result)}\n`);
    return result.tenants.some((t) => t.failedPages > 0) ? 1 : 0;
  } finally {
    await rt.close();
  }
}
