import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { headline } from "#domain/alerts/describe.js";
import { tenantLocaleOf } from "#domain/alerts/tenant-locale.js";
import { computeTenantAnalysis } from "#domain/nightly/analyze-tenant.js";
import { tenantCurrencyOf } from "#foundation/config/tenant-currency.js";
import { paths } from "#kernel/document-paths.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { analysisLines } from "../nightly/summary.js";
import { writeOutput } from "../output.js";
import { UsageError } from "../usage-error.js";

export interface AnalyzeCommandOptions {
  tenant: string;
  asOf?: string;
  currency?: string;
  format: "table" | "json";
  output?: string;
  dataDir: string;
  configDir?: string;
}

/**
 * `costmon analyze`: the nightly's analysis (anomalies, month-end forecast, budgets) on whatever
 * the tenant's ledger holds, imported data included, as of its last day unless told otherwise.
 * It reports and changes nothing: no anomaly or budget document is written and no alert is sent,
 * so a later nightly still alerts what it finds. The alerts the nightly would raise are listed.
 */
export async function runAnalyzeCommand(opts: AnalyzeCommandOptions): Promise<number> {
  if (!existsSync(resolve(opts.dataDir))) throw new UsageError(`--data-dir ${resolve(opts.dataDir)} does not exist (costmon import or costmon nightly creates it)`);
  configureDeps({ env: { COSTMON_DATA_DIR: resolve(opts.dataDir) }, ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}), logSink: () => {} });
  try {
    const deps = await getDeps();
    const days = await deps.warehouse.days(opts.tenant);
    const first = days[0];
    const last = days[days.length - 1];
    if (first === undefined || last === undefined) {
      process.stderr.write(`warning: the ledger in ${resolve(opts.dataDir)} holds no costs for tenant ${opts.tenant} (run costmon import or costmon nightly first)\n`);
      return 0;
    }
    const asOf = opts.asOf ?? last;
    if (asOf < first) throw new UsageError(`--as-of ${asOf} is before the ledger's first day for tenant ${opts.tenant} (${first})`);
    if (asOf > last) process.stderr.write(`warning: --as-of ${asOf} is after the ledger's last day for tenant ${opts.tenant} (${last}); the days between hold no data\n`);

    // Analysis sums costs, and sums never cross currencies: one currency per run.
    const currencies = await currenciesOf(deps.warehouse, opts.tenant, { start: first, end: asOf });
    let currency = opts.currency;
    if (currency === undefined && currencies.length > 1) {
      throw new UsageError(`the ledger holds costs in ${currencies.join(", ")} for tenant ${opts.tenant}; analysis works on one currency: pass --currency`);
    }
    if (currency !== undefined && !currencies.includes(currency)) {
      throw new UsageError(`--currency ${currency}: the ledger holds ${currencies.join(", ")} for tenant ${opts.tenant}`);
    }
    currency ??= currencies[0];

    const { analysis, alerts } = deps.config;
    const plan = await computeTenantAnalysis(
      {
        warehouse: deps.warehouse,
        store: deps.documents,
        dashboardUrl: alerts.dashboard_url,
        settings: { historyDays: analysis.history_days, forecastHorizonDays: analysis.forecast_horizon_days, settleDays: analysis.settle_days },
        currency: tenantCurrencyOf(deps.config.currency, opts.tenant),
      },
      opts.tenant,
      asOf,
      deps.clock.now(),
      currency ? { currency } : {},
    );
    // Written as the tenant's alerts would be: in its locale.
    const locale = tenantLocaleOf(await deps.documents.get(paths.tenant(opts.tenant)));
    const wouldAlert = plan.events.map((e) => ({ type: e.type, severity: e.severity, headline: headline({ ...e, locale }) }));
    if (opts.format === "json") {
      await writeOutput(opts.output, `${JSON.stringify({ ...plan.result, currency: currency ?? null, ledger: { from: first, to: last }, wouldAlert }, null, 2)}\n`);
    } else {
      const lines = [
        `Analysis of ${opts.tenant} as of ${asOf}${currency ? ` (${currency})` : ""}, ledger ${first}..${last}`,
        ...analysisLines(plan.result, locale),
        `  alerts     ${wouldAlert.length} the nightly would raise (none sent)`,
        ...wouldAlert.map((a) => `    ${a.severity.padEnd(8)} ${a.headline}`),
      ];
      await writeOutput(opts.output, `${lines.join("\n")}\n`);
    }
    return 0;
  } finally {
    await closeDeps();
  }
}

async function currenciesOf(warehouse: Awaited<ReturnType<typeof getDeps>>["warehouse"], tenant: string, window: { start: string; end: string }): Promise<string[]> {
  const rows = await warehouse.queryDaily(tenant, { window, groupBy: ["billing_currency"] });
  return [...new Set(rows.map((r) => r.dims.billing_currency ?? ""))].filter((c) => c !== "").sort();
}
