import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { daysBetween } from "#kernel/days.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { buildCostReport, type GroupBy, groupName, toCsv, toJson, toTable } from "../costs/cost-report.js";
import { convertTotals } from "#domain/billing/currency-conversion.js";
import type { CostWarehouse } from "#domain/billing/ports.js";
import type { AppConfig } from "#foundation/config/config-schema.js";
import { formatExactMoney } from "../format.js";
import { buildTagCoverage, coverageCsv, coverageJson, coverageTable, type TagCoverageReport } from "../costs/tag-coverage.js";
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
  /** Print the tag coverage of these keys instead of the costs. */
  tagCoverage?: string[];
  /** Also total every currency in the tenant's reporting currency, with config's rate table. */
  convert?: boolean;
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
  if (opts.convert && opts.format === "csv") throw new UsageError("--convert adds a converted total, and CSV has no total lines: use --format json or table");
  if (!existsSync(resolve(opts.dataDir))) throw new UsageError(`--data-dir ${resolve(opts.dataDir)} does not exist (costmon import or costmon nightly creates it)`);
  configureDeps({ env: { COSTMON_DATA_DIR: resolve(opts.dataDir) }, ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}), logSink: () => {} });
  try {
    const { warehouse, config } = await getDeps();
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
    if (opts.tagCoverage?.length) {
      const coverage = await buildTagCoverage(warehouse, { tenant: opts.tenant, window: { start, end }, tagKeys: opts.tagCoverage });
      await writeOutput(opts.output, renderCoverage(opts, coverage));
      return 0;
    }
    const report = await buildCostReport(warehouse, { tenant: opts.tenant, window: { start, end }, groupBy: opts.groupBy ?? [], granularity: opts.granularity });
    if (report.rows.length === 0) {
      const holds = first ? `the ledger holds ${first}..${last} for this tenant` : "the ledger holds no days for this tenant";
      process.stderr.write(`warning: no costs for tenant ${opts.tenant} between ${start} and ${end} (${holds})\n`);
    }
    if (!opts.convert) {
      await writeOutput(opts.output, render(opts, report));
      return 0;
    }
    const converted = await convertedTotal(warehouse, config, opts.tenant, { start, end });
    await writeOutput(
      opts.output,
      opts.format === "json"
        ? `${JSON.stringify({ ...JSON.parse(toJson(report)), converted }, null, 2)}\n`
        : `${toTable(report)}total in ${converted.currency}: ${formatExactMoney(converted.billedCost, converted.currency, config.currency.locale)} billed, ${formatExactMoney(converted.effectiveCost, converted.currency, config.currency.locale)} effective (${converted.rates.length} daily rates from ${config.currency.rates.source})\n`,
    );
    return 0;
  } finally {
    await closeDeps();
  }
}

/**
 * Every currency of the window totalled in the tenant's reporting currency, day by day at that
 * day's rate, with the rates used; refused (exit 1) when a day lacks a rate, naming the gaps.
 */
async function convertedTotal(warehouse: CostWarehouse, config: AppConfig, tenant: string, window: { start: string; end: string }) {
  const to = config.currency.reporting_by_tenant[tenant] ?? config.currency.reporting;
  const daily = await warehouse.queryDaily(tenant, { window, groupBy: ["billing_currency"] });
  const result = convertTotals(
    daily.map((r) => ({ day: r.date, currency: r.dims.billing_currency ?? "", amounts: { billedCost: r.billed_cost, effectiveCost: r.effective_cost } })),
    to,
    { base: config.currency.rates.base, source: config.currency.rates.source, days: config.currency.rates.days },
  );
  if (!result.ok) {
    const gaps = result.missing.slice(0, 5).map((m) => `${m.currency} on ${m.day}`).join(", ");
    throw new Error(
      `cannot total the costs in ${to}: config currency.rates (${config.currency.rates.source}) has no rate for ${gaps}${result.missing.length > 5 ? ` and ${result.missing.length - 5} more` : ""}; amounts in different currencies are never added without one. Add the rates, or leave out --convert for the totals per currency`,
    );
  }
  return { currency: result.currency, billedCost: result.totals.billedCost ?? "0", effectiveCost: result.totals.effectiveCost ?? "0", rates: result.rates };
}

function renderCoverage(opts: CostsCommandOptions, report: TagCoverageReport): string {
  switch (opts.format) {
    case "json":
      return coverageJson(report);
    case "csv":
      return coverageCsv(report);
    case "table":
      return coverageTable(report);
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
