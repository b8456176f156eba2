#!/usr/bin/env node
import { isCalendarDay } from "#kernel/days.js";
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";

/** The local command line (DESIGN.md §8). Each command's work lives in commands/; this file only parses. */

const isoDate = (v: string): string => {
  if (!isCalendarDay(v)) {
    throw new InvalidArgumentError("expected a date as YYYY-MM-DD");
  }
  return v;
};

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 3660) throw new InvalidArgumentError("expected a whole number of days, 1 to 3660");
  return n;
};

function buildProgram(): Command {
  const program = new Command("costmon")
    .description("AI Cost Monitoring Platform: local pipeline and analysis tools")
    .showHelpAfterError()
    .exitOverride();

  program
    .command("nightly")
    .description("run the nightly pipeline (collect, upsert, analyze, budgets, alerts) on the embedded default")
    .option("--date <YYYY-MM-DD>", "simulate this run day (default: the demo config's today)", isoDate)
    .option("--config <file>", "tenants file (demo tenants, real accounts and alert channels)", "config/demo/tenants.yaml")
    .option("--config-dir <dir>", "folder with base.yaml and <env>.yaml (default ./config)")
    .option("--data-dir <dir>", "where the local stores live", ".data")
    .addOption(
      new Option("--runtime <runtime>", "local: DuckDB files and the in-process bus; emulators: the official Firestore and Pub/Sub emulators (needs gcloud and Java)")
        .choices(["local", "emulators"])
        .default("local"),
    )
    .option("--json", "print the summary as JSON on stdout")
    .option("--quiet", "no progress lines")
    .addHelpText("after", "\nExamples:\n  costmon nightly --json\n  costmon nightly --runtime emulators --json --data-dir .data/emulators-run\n")
    .action(async (opts) => {
      const { runNightlyCommand } = await import("./commands/nightly.js");
      process.exitCode = await runNightlyCommand(opts);
    });

  program
    .command("dead-letters")
    .description("list or replay the messages the nightly gave up on (kept per topic and message; each replay is audited)")
    .addArgument(new Argument("<action>", "list: show the dead letters; replay: publish each one again on its topic").choices(["list", "replay"]))
    .option("--topic <topic>", "only this topic's dead letters (nightly-collect, collect-account, costs-collected, alerts, …)")
    .option("--tenant <tenantId>", "only dead letters naming this tenant")
    .addOption(
      new Option("--runtime <runtime>", "local: DuckDB files and the in-process bus; emulators: the official Firestore and Pub/Sub emulators (needs gcloud and Java)")
        .choices(["local", "emulators"])
        .default("local"),
    )
    .option("--data-dir <dir>", "where the local stores live", ".data")
    .option("--config <file>", "tenants file (the demo accounts a replayed page is collected from)", "config/demo/tenants.yaml")
    .option("--config-dir <dir>", "folder with base.yaml and <env>.yaml (default ./config)")
    .option("--json", "print the result as JSON on stdout")
    .option("--quiet", "no progress lines")
    .addHelpText(
      "after",
      "\nA replayed message that fails again becomes a dead letter of its own; nothing replays it by itself.\n\nExamples:\n  costmon dead-letters list --json\n  costmon dead-letters replay --topic collect-account\n  costmon dead-letters list --runtime emulators --data-dir .data/emulators-run --tenant acme-retail\n",
    )
    .action(async (action: "list" | "replay", opts) => {
      const { runDeadLettersCommand } = await import("./commands/dead-letters.js");
      process.exitCode = await runDeadLettersCommand({ ...opts, action });
    });

  program
    .command("import")
    .description("import a billing file into a tenant's ledger")
    .addOption(new Option("--format <format>", "file format").choices(["focus", "gcp-export", "aws-ce", "azure-query"]).makeOptionMandatory())
    .requiredOption("--file <file>", "the file to import")
    .requiredOption("--tenant <tenantId>", "the tenant that owns the data")
    .option("--data-dir <dir>", "where the local stores live", ".data")
    .action(async (opts) => {
      const { runImportCommand } = await import("./commands/import.js");
      process.exitCode = await runImportCommand(opts);
    });

  program
    .command("detect")
    .description("detect anomalies causally in series_id,date,cost CSV")
    .requiredOption("--input <file>", "CSV with header series_id,date,cost")
    .requiredOption("--output <file>", "JSON file to write {anomalies:[...]}")
    .option("--quiet", "no progress lines")
    .action(async (opts) => {
      const { runDetect } = await import("./commands/detect.js");
      const { createProgress } = await import("./progress.js");
      const p = createProgress({ quiet: opts.quiet });
      p.step("detect");
      const r = await runDetect({ input: opts.input, output: opts.output, onProgress: (d, t) => p.tick("series", d, t) });
      p.done("detect", `${r.series} series, ${r.anomalies} anomalies → ${opts.output}`);
    });

  program
    .command("forecast")
    .description("forecast daily series with 80% and 95% intervals")
    .requiredOption("--input <file>", "CSV with header series_id,date,cost")
    .requiredOption("--horizon <days>", "days to forecast after each series' last date", positiveInt)
    .requiredOption("--output <file>", "JSON file to write {forecasts:[...]}")
    .option("--quiet", "no progress lines")
    .action(async (opts) => {
      const { runForecast } = await import("./commands/forecast.js");
      const { createProgress } = await import("./progress.js");
      const p = createProgress({ quiet: opts.quiet });
      p.step("forecast");
      const r = await runForecast({ input: opts.input, horizon: opts.horizon, output: opts.output, onProgress: (d, t) => p.tick("series", d, t) });
      p.done("forecast", `${r.series} series, ${r.points} points → ${opts.output}`);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /cli[\\/]main\.(ts|js|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
