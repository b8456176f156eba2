import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { daysBetween } from "#kernel/days.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { buildCostReport, type GroupBy, groupName, toCsv, toJson, toTable } from "../costs/cost-report.js";
import { writeOutput } from "../output.js";
import { UsageError } from "../usage-error.js";

export interface CostsCommandOptions {
  tenant: string;
  from?: string;
  to?: string;
  groupBy?: GroupBy[];
  granularity: "daily" | "monthly";
  format: "table" | "csv" | "json";
  dataDir: string;
  output?: string;
  configDir?: string;
}

/** Ten years of days: bounds one query's result however the dates are chosen. */
export const MAX_COSTS_RANGE_DAYS = 3660;

/**
 * `costmon costs`: the ledger's costs for one tenant. Without --from/--to it covers every day the
 * ledger holds for the tenant. An empty result is not an error, but says so on stderr, so that a
 * mistyped tenant or window is not mistaken for zero spend.
 */
export async function runCostsCommand(opts: CostsCommandOptions): Promise<number> {
  if (opts.from && opts.to && opts.from > opts.to) throw new UsageError(`--from ${opts.from} is after --to ${opts.to}`);
  if (!existsSync(resolve(opts.dataDir))) throw new UsageError(`--data-dir ${resolve(opts.dataDir)} does not exist (costmon import or costmon nightly creates it)`);
  configureDeps({ env: { COSTMON_DATA_DIR: resolve(opts.dataDir) }, ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}), logSink: () => {} });
  try {
    const { warehouse } = await getDeps();
    const days = await warehouse.days(opts.tenant);
    const first = days[0];
    const last = days[days.length - 1];
    // An open end takes the ledger's first or last day, but never crosses the end that was given.
    const start = opts.from ?? (first !== undefined && (opts.to === undefined || first <= opts.to) ? first : opts.to);
    const end = opts.to ?? (last !== undefined && (opts.from === undefined || last >= opts.from) ? last : opts.from);
    if (start === undefined || end === undefined) {
      process.stderr.write(`warning: the ledger in ${resolve(opts.dataDir)} holds no costs for tenant ${opts.tenant} (run costmon import or costmon nightly first)\n`);
      await writeOutput(opts.output, render(opts, { tenant: opts.tenant, from: null, to: null, granularity: opts.granularity, groupBy: (opts.groupBy ?? []).map(groupName), rows: [], totals: [] }));
      return 0;
    }
    if (daysBetween(start, end) >= MAX_COSTS_RANGE_DAYS) {
      throw new UsageError(`the window ${start}..${end} spans more than ${MAX_COSTS_RANGE_DAYS} days; narrow it with --from and --to`);
    }
    const report = await buildCostReport(warehouse, { tenant: opts.tenant, window: { start, end }, groupBy: opts.groupBy ?? [], granularity: opts.granularity });
    if (report.rows.length === 0) {
      const holds = first ? `the ledger holds ${first}..${last} for this tenant` : "the ledger holds no days for this tenant";
      process.stderr.write(`warning: no costs for tenant ${opts.tenant} between ${start} and ${end} (${holds})\n`);
    }
    await writeOutput(opts.output, render(opts, report));
    return 0;
  } finally {
    await closeDeps();
  }
}

function render(opts: CostsCommandOptions, report: Parameters<typeof toJson>[0]): string {
  switch (opts.format) {
    case "json":
      return toJson(report);
    case "csv":
      return toCsv(report);
    case "table":
      return toTable(report);
  }
}
