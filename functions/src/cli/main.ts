#!/usr/bin/env node
import { Argument, Command, CommanderError, Option } from "commander";
import { accountId, collect, currencyCode, decimalAmount, EXIT_CODES_HELP, existingPath, isoDate, nonNegative, positiveInt, tcpPort, tenantId } from "./args.js";
import { TEMPLATE_NAMES } from "#domain/onboarding/account-templates.js";
import { parseGroupBy } from "./costs/cost-report.js";
import { parseTagKeys } from "./costs/tag-coverage.js";
import { formatCount } from "./format.js";
import { packageVersion, projectPath } from "./project-root.js";
import { UsageError } from "./usage-error.js";

/** The local command line (DESIGN.md §8). Each command's work lives in commands/; this file only parses. */

/** Defaults live in the project, so the command works the same from any directory. */
const dataDirOption = () => new Option("--data-dir <dir>", "where the local stores live").default(projectPath(".data"), "<project>/.data");
const configOption = (what: string) =>
  new Option("--config <file>", what).argParser(existingPath).default(projectPath("config/demo/tenants.yaml"), "<project>/config/demo/tenants.yaml");
const configDirOption = () => new Option("--config-dir <dir>", "folder with base.yaml and <env>.yaml").argParser(existingPath).default(projectPath("config"), "<project>/config");

/** `status.code` receives the command's exit code (kept out of process.exitCode, so in-process callers see no leftover). */
function buildProgram(status: { code: number }): Command {
  const program = new Command("costmon")
    .description("AI Cost Monitoring Platform: local pipeline and analysis tools")
    .version(packageVersion(), "-V, --version", "print the version and exit")
    .showHelpAfterError("(add --help for usage, examples and exit codes)")
    .exitOverride()
    .addHelpText("after", `\nExamples:\n  costmon nightly\n  costmon import --format focus --file export.csv --tenant acme\n  costmon costs --tenant acme --group-by provider --format csv\n${EXIT_CODES_HELP}`);

  program
    .command("nightly")
    .description("run the nightly pipeline (collect, upsert, analyze, budgets, alerts) on the embedded default")
    .option("--date <YYYY-MM-DD>", "simulate this run day (default: the demo config's today)", isoDate)
    .addOption(configOption("tenants file (demo tenants, real accounts and alert channels)"))
    .addOption(configDirOption())
    .addOption(dataDirOption())
    .addOption(
      new Option("--runtime <runtime>", "local: DuckDB files and the in-process bus; emulators: the official Firestore and Pub/Sub emulators (needs gcloud and Java)")
        .choices(["local", "emulators"])
        .default("local"),
    )
    .option("--json", "print the summary as JSON on stdout")
    .option("--quiet", "no progress lines")
    .option("--reports <dir>", "after the run, write one HTML report per tenant here (local runtime)", projectPath("reports"))
    .option("--no-reports", "write no HTML reports")
    .addHelpText(
      "after",
      `\nExamples:\n  costmon nightly --json\n  costmon nightly --date 2026-11-21 --quiet\n  costmon nightly --runtime emulators --json --data-dir .data/emulators-run\n${EXIT_CODES_HELP}  130 interrupted\n`,
    )
    .action(async (opts) => {
      const { runNightlyCommand } = await import("./commands/nightly.js");
      status.code = await runNightlyCommand(opts);
    });

  program
    .command("dead-letters")
    .description("list or replay the messages the nightly gave up on (kept per topic and message; each replay is audited)")
    .addArgument(new Argument("<action>", "list: show the dead letters; replay: publish each one again on its topic").choices(["list", "replay"]))
    .option("--topic <topic>", "only this topic's dead letters (nightly-collect, collect-account, costs-collected, alerts, …)")
    .option("--tenant <tenantId>", "only dead letters naming this tenant", tenantId)
    .addOption(
      new Option("--runtime <runtime>", "local: DuckDB files and the in-process bus; emulators: the official Firestore and Pub/Sub emulators (needs gcloud and Java)")
        .choices(["local", "emulators"])
        .default("local"),
    )
    .addOption(dataDirOption())
    .addOption(configOption("tenants file (the demo accounts a replayed page is collected from)"))
    .addOption(configDirOption())
    .option("--json", "print the result as JSON on stdout")
    .option("--quiet", "no progress lines")
    .addHelpText(
      "after",
      `\nA replayed message that fails again becomes a dead letter of its own; nothing replays it by itself.\n\nExamples:\n  costmon dead-letters list --json\n  costmon dead-letters replay --topic collect-account\n  costmon dead-letters list --runtime emulators --data-dir .data/emulators-run --tenant acme-retail\n${EXIT_CODES_HELP}`,
    )
    .action(async (action: "list" | "replay", opts) => {
      const { runDeadLettersCommand } = await import("./commands/dead-letters.js");
      status.code = await runDeadLettersCommand({ ...opts, action });
    });

  program
    .command("import")
    .description("import the files of one billing export into a tenant's ledger as one unit (importing it again changes nothing)")
    .addOption(new Option("--format <format>", "file format").choices(["focus", "gcp-export", "aws-ce", "azure-query"]).makeOptionMandatory())
    .requiredOption("--file <file>", "a file of the unit; repeat for each file. For focus also a folder (every .csv, .csv.gz and .parquet under it) or an export manifest (AWS Data Exports Manifest.json, Azure export manifest.json)", (v: string, prev: string[] = []) => [...prev, existingPath(v)])
    .requiredOption("--tenant <tenantId>", "the tenant that owns the data", tenantId)
    .addOption(dataDirOption())
    .addOption(configDirOption())
    .addHelpText(
      "after",
      `\nFormats: focus (FOCUS CSV or Parquet), gcp-export (BigQuery billing export rows as a JSON array,
pretty-printed or not, or newline-delimited JSON), aws-ce (a GetCostAndUsage response), azure-query
(a Cost Management query response). FOCUS files may be CSV, gzip-compressed CSV or Parquet (snappy,
gzip, zstd...). The files named are one unit: rows of one record spread over several files are summed,
and the unit replaces the ledger's rows of the same format inside the unit's days (first to last charge
day), so a restated export replaces the earlier one and nothing doubles. Import the parts of one
export together, not one by one. A rejected row is reported on stderr with its file, line and column;
the other rows are imported. The result (counts, window and billed cost per provider and currency) is
JSON on stdout.

Examples:
  costmon import --format focus --file export.csv --tenant acme
  costmon import --format focus --file part-00001.csv.gz --file part-00002.csv.gz --tenant acme
  costmon import --format focus --file exports/focus/metadata/BILLING_PERIOD=2026-11/focus-Manifest.json --tenant acme
  costmon import --format gcp-export --file billing.json --tenant acme --data-dir /tmp/ledger
  costmon costs --tenant acme --group-by provider
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => {
      const { runImportCommand } = await import("./commands/import.js");
      status.code = await runImportCommand(opts);
    });

  program
    .command("costs")
    .description("the tenant's costs from the ledger, per period and group, exact decimals with the currency (totals per currency)")
    .requiredOption("--tenant <tenantId>", "the tenant whose ledger to read", tenantId)
    .option("--from <YYYY-MM-DD>", "first day (default: the ledger's first day for the tenant)", isoDate)
    .option("--to <YYYY-MM-DD>", "last day, inclusive (default: the ledger's last day for the tenant)", isoDate)
    .option("--group-by <dims>", "provider, account, service, region or tag:KEY; repeat or separate with commas", parseGroupBy)
    .option("--convert", "also total every currency in the tenant's reporting currency (config currency), day by day with config's dated rate table; refused when a day lacks a rate")
    .option("--tag-coverage <keys>", "instead of costs: per tag key, the share of usage spend (effective cost) whose records carry it, and the untagged rest", parseTagKeys)
    .addOption(new Option("--granularity <granularity>", "one row per day or per calendar month").choices(["daily", "monthly"]).default("daily"))
    .addOption(new Option("--format <format>", "table for people; csv and json for machines").choices(["table", "csv", "json"]).default("table"))
    .option("--output <file>", "write to this file; - for stdout", "-")
    .addOption(dataDirOption())
    .addOption(configDirOption())
    .addHelpText(
      "after",
      `\nAmounts are exact decimal strings. Costs in different currencies are never added: every row
carries its currency, and the totals are one line per currency. CSV has no total lines.

Examples:
  costmon costs --tenant acme-retail
  costmon costs --tenant acme-retail --group-by provider --group-by tag:team --granularity monthly --format csv
  costmon costs --tenant acme-retail --from 2026-11-01 --to 2026-11-30 --format json --output november.json
  costmon costs --tenant acme-retail --group-by tag:team      (untagged spend is the row without a value)
  costmon costs --tenant acme-retail --tag-coverage team,env   (coverage % of usage spend per tag key)
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => {
      const { runCostsCommand } = await import("./commands/costs.js");
      status.code = await runCostsCommand(opts);
    });

  program
    .command("analyze")
    .description("anomalies, month-end forecast and budgets on whatever the tenant's ledger holds (imported data included); reports only")
    .requiredOption("--tenant <tenantId>", "the tenant whose ledger to analyse", tenantId)
    .option("--as-of <YYYY-MM-DD>", "the last day the analysis sees (default: the ledger's last day for the tenant)", isoDate)
    .option("--currency <code>", "analyse the costs billed in this currency (needed when the ledger holds several)", currencyCode)
    .addOption(new Option("--format <format>", "table for people; json for machines").choices(["table", "json"]).default("table"))
    .option("--output <file>", "write to this file; - for stdout", "-")
    .addOption(dataDirOption())
    .addOption(configDirOption())
    .addHelpText(
      "after",
      `\nIt runs the nightly's analysis code on the ledger and changes nothing: no anomaly or budget
document is written and no alert is sent. The alerts the nightly would raise are listed.

Examples:
  costmon import --format focus --file export.csv --tenant acme
  costmon analyze --tenant acme
  costmon analyze --tenant acme --as-of 2026-11-19 --currency EUR --format json
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => {
      const { runAnalyzeCommand } = await import("./commands/analyze.js");
      status.code = await runAnalyzeCommand(opts);
    });

  program
    .command("mcp")
    .description("serve MCP over stdio as the read-only local operator of one tenant (costs, anomalies, forecasts, budgets, recommendations, LLM usage, tags)")
    .requiredOption("--tenant <tenantId>", "the tenant every tool answers for", tenantId)
    .addOption(dataDirOption())
    .addOption(configDirOption())
    .action(async (opts) => {
      const { runMcpCommand } = await import("./commands/mcp.js");
      status.code = await runMcpCommand(opts);
    });

  program
    .command("report")
    .description("write one self-contained HTML report for a tenant (charts inlined, works offline): OUT/<tenant>.html")
    .requiredOption("--tenant <tenantId>", "the tenant to report on", tenantId)
    .requiredOption("--out <dir>", "folder to write <tenant>.html into (created if missing)")
    .option("--tag-key <key>", "tag key for the allocation chart (untagged spend shown apart)", "team")
    .addOption(dataDirOption())
    .addOption(configDirOption())
    .addHelpText("after", `\nExamples:\n  costmon report --tenant acme-retail --out reports\n  costmon report --tenant acme-retail --out /tmp/r --data-dir /tmp/ledger --tag-key cost_center\n${EXIT_CODES_HELP}`)
    .action(async (opts) => {
      const { runReportCommand } = await import("./commands/report.js");
      status.code = await runReportCommand(opts);
    });

  program
    .command("dashboard")
    .description("serve the local dashboard on 127.0.0.1 (sign-in through the Firebase Auth emulator, data through the callables)")
    .option("--port <port>", "port on 127.0.0.1 (0: any free port); alerts.dashboard_url points at 5000", tcpPort, 5000)
    .option("--json", "print one JSON line (url, Auth emulator, demo users) once serving")
    .option("--quiet", "no progress lines on stderr")
    .addOption(dataDirOption())
    .addOption(configDirOption())
    .addHelpText("after", `\nExamples:\n  npm run dashboard\n  costmon dashboard --port 5050 --data-dir /tmp/ledger\n${EXIT_CODES_HELP}`)
    .action(async (opts) => {
      const { runDashboardCommand } = await import("./commands/dashboard.js");
      status.code = await runDashboardCommand(opts);
    });

  const tenant = program.command("tenant").description("onboard tenants into the local stores");
  tenant
    .command("init")
    .description("create or update a tenant (name, time zone, anomaly thresholds)")
    .requiredOption("--tenant <tenantId>", "the tenant id", tenantId)
    .requiredOption("--name <name>", "display name")
    .option("--timezone <zone>", "IANA time zone for quiet hours and digests", "UTC")
    .option("--min-impact <amount>", "smallest anomaly impact worth flagging, in the tenant's reporting currency (config currency.reporting_by_tenant, else currency.reporting); default 20", decimalAmount)
    .option("--min-impact-usd <amount>", "deprecated: the same floor in US dollars (stored as the USD threshold)", nonNegative)
    .option("--min-change-pct <percent>", "smallest change against expected worth flagging, in percent", nonNegative, 20)
    .option("--locale <tag>", "BCP 47 locale of the tenant's alerts and summaries, e.g. de-DE (default en-US)")
    .addOption(dataDirOption())
    .addOption(configDirOption())
    .addHelpText(
      "after",
      `\nExamples:
  costmon tenant init --tenant acme --name "Acme Retail" --timezone Europe/Paris --locale fr-FR --min-impact 50
  costmon account add --tenant acme --template aws-payer --account acme-aws --scope payerAccountId=123456789012 --dry-run
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => {
      const { runTenantInit } = await import("./commands/onboard.js");
      status.code = await runTenantInit(opts);
    });

  const account = program.command("account").description("connect cloud accounts through the template registry");
  account
    .command("templates")
    .description("list the account templates, their scope fields and credentials")
    .addOption(new Option("--format <format>", "table for people; json for machines").choices(["table", "json"]).default("table"))
    .option("--output <file>", "write to this file; - for stdout", "-")
    .addHelpText("after", `\nExamples:\n  costmon account templates\n  costmon account templates --format json | jq '.templates[].name'\n${EXIT_CODES_HELP}`)
    .action(async (opts) => {
      const { runListTemplates } = await import("./commands/onboard.js");
      status.code = await runListTemplates(opts);
    });
  account
    .command("add")
    .description("connect a cloud account from a template; --dry-run lists the calls the nightly will make and writes nothing")
    .requiredOption("--tenant <tenantId>", "the tenant that owns the account", tenantId)
    .addOption(new Option("--template <name>", "the account template (costmon account templates lists them)").choices(TEMPLATE_NAMES).makeOptionMandatory())
    .requiredOption("--account <id>", "the account's id in the tenant", accountId)
    .option("--scope <KEY=VALUE>", "a scope field of the template; repeat for each field, commas for a list", collect, [])
    .addOption(new Option("--environment <env>", "decides the authorization zone").choices(["prod", "nonprod"]).default("prod"))
    .option("--credentials <file>", "JSON file with the credential fields the template names (stored in the credential store only)")
    .option("--date <YYYY-MM-DD>", "the run day the backfill window is computed for (default: today, UTC)", isoDate)
    .option("--dry-run", "validate and list the calls or queries, the window and an estimate; write nothing")
    .option("--check", "after connecting, read the day before --date through the provider with the credentials; remove the account again if that fails")
    .addOption(new Option("--format <format>", "for --dry-run: table for people; json for machines").choices(["table", "json"]).default("table"))
    .option("--output <file>", "write to this file; - for stdout", "-")
    .addOption(dataDirOption())
    .addOption(configDirOption())
    .addHelpText(
      "after",
      `\nThe scope is checked against the template with the schema the provider's collector uses. The
dry run builds the requests with the collectors' own builders, one per monthly page of the
backfill (config collection.history_months), and counts them. For focus, opencost and vultr it
also reads once: the folder is listed, or (with --credentials) the cluster or key is asked; a
failed read exits 1. A vultr account's window is whole invoice months.

Examples:
  costmon account add --tenant acme --template aws-linked --account acme-aws \\
    --scope payerAccountId=123456789012 --scope linkedAccountIds=210987654321,345678901234 --dry-run
  costmon account add --tenant acme --template azure-subscription --account acme-azure \\
    --scope subscriptionId=00000000-0000-0000-0000-00000000a1b2 --credentials sp.json
  costmon account add --tenant acme --template gcp-billing-export --account acme-gcp --dry-run --format json \\
    --scope billingAccountId=01338E-BE3FD6-363B4C --scope projectIds=acme-prod --scope table=admin.billing.export_v1
  costmon account add --tenant acme --template focus --account acme-focus --scope folder=/srv/exports/acme-focus --dry-run
  costmon account add --tenant acme --template opencost --account prod-eu-1 --scope clusterId=prod-eu-1 \
    --credentials opencost.json --dry-run
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => {
      const { runAccountAdd } = await import("./commands/onboard.js");
      status.code = await runAccountAdd(opts);
    });

  program
    .command("detect")
    .description("detect anomalies causally in series_id,date,cost CSV")
    .requiredOption("--input <file>", "CSV with header series_id,date,cost (fields may be quoted)", existingPath)
    .requiredOption("--output <file>", "JSON file to write {anomalies:[...]}; - for stdout")
    .option("--windows", "one entry per window of consecutive flagged days (series_id,start,end,days,…), as the nightly groups them; default one entry per day")
    .option("--quiet", "no progress lines")
    .addHelpText(
      "after",
      `\nEvery date is judged only on the days up to it. Per day, each entry is
{series_id,date,direction,expected,actual,impact,score,severity}; with --windows,
{series_id,start,end,days,direction,expected,actual,impact,score,severity} with sums over the window.

Examples:
  costmon detect --input series.csv --output anomalies.json
  costmon detect --input series.csv --output - --windows --quiet | jq '.anomalies[]'
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => {
      const { runDetect } = await import("./commands/detect.js");
      const { createProgress } = await import("./progress.js");
      const { describeTarget } = await import("./output.js");
      const p = createProgress({ quiet: opts.quiet });
      p.step("detect");
      const r = await runDetect({ input: opts.input, output: opts.output, windows: Boolean(opts.windows), onProgress: (d, t) => p.tick("series", d, t) });
      p.done("detect", `${formatCount(r.series)} series, ${formatCount(r.anomalies)} ${opts.windows ? "anomaly windows" : "anomalies"} → ${describeTarget(opts.output)}`);
    });

  program
    .command("forecast")
    .description("forecast daily series with 80% and 95% intervals")
    .requiredOption("--input <file>", "CSV with header series_id,date,cost", existingPath)
    .requiredOption("--horizon <days>", "days to forecast after each series' last date", positiveInt)
    .requiredOption("--output <file>", "JSON file to write {forecasts:[...]}; - for stdout")
    .option("--quiet", "no progress lines")
    .addHelpText(
      "after",
      `\nEach entry is {series_id,date,mean,lower80,upper80,lower95,upper95}, for the H days after each
series' last date.

Examples:
  costmon forecast --input series.csv --horizon 90 --output forecasts.json
  costmon forecast --input series.csv --horizon 30 --output - --quiet
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => {
      const { runForecast } = await import("./commands/forecast.js");
      const { createProgress } = await import("./progress.js");
      const { describeTarget } = await import("./output.js");
      const p = createProgress({ quiet: opts.quiet });
      p.step("forecast");
      const r = await runForecast({ input: opts.input, horizon: opts.horizon, output: opts.output, onProgress: (d, t) => p.tick("series", d, t) });
      p.done("forecast", `${formatCount(r.series)} series, ${formatCount(r.points)} points → ${describeTarget(opts.output)}`);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const status = { code: 0 };
    await buildProgram(status).parseAsync(argv, { from: "user" });
    return status.code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /cli[\\/]main\.(ts|js|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
