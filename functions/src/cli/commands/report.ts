import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { writeTenantReports } from "../report/write-reports.js";
import { UsageError } from "../usage-error.js";

export interface ReportCommandOptions {
  tenant: string;
  out: string;
  dataDir: string;
  configDir?: string;
  tagKey?: string;
}

/** `costmon report`: one self-contained HTML file, `OUT/<tenant>.html`; its path goes to stdout. */
export async function runReportCommand(opts: ReportCommandOptions): Promise<number> {
  if (!existsSync(resolve(opts.dataDir))) throw new UsageError(`--data-dir ${resolve(opts.dataDir)} does not exist (costmon import or costmon nightly creates it)`);
  configureDeps({ env: { COSTMON_DATA_DIR: resolve(opts.dataDir) }, ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}), logSink: () => {} });
  try {
    const deps = await getDeps();
    // An empty report is still written, but said so, so that a mistyped tenant is not read as zero spend.
    if ((await deps.warehouse.days(opts.tenant)).length === 0) {
      process.stderr.write(`warning: the ledger in ${resolve(opts.dataDir)} holds no costs for tenant ${opts.tenant} (run costmon import or costmon nightly first)\n`);
    }
    const [file] = await writeTenantReports(deps, [opts.tenant], opts.out, opts.tagKey);
    process.stdout.write(`${file}\n`);
    return 0;
  } finally {
    await closeDeps();
  }
}
