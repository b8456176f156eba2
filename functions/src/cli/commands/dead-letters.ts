import { userInfo } from "node:os";
import { resolve } from "node:path";
import { AppError } from "#kernel/errors.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { subscribeEventFunctions } from "../../local-subscriptions.js";
import { type DeadLetterView, listDeadLetterViews, type ReplayOutcome, replayDeadLetterRecords } from "../dead-letters/dead-letter-actions.js";
import { withEmulatorSession } from "../emulator-session.js";
import { cliLogSink } from "../log-sink.js";
import { createProgress, type Progress } from "../progress.js";

export interface DeadLettersCommandOptions {
  action: "list" | "replay";
  /** Only dead letters of this topic (`collect-account`, `alerts`, …). */
  topic?: string;
  /** Only dead letters naming this tenant. */
  tenant?: string;
  /** `local` (DuckDB documents, the in-process bus) or `emulators` (the official Firestore and Pub/Sub emulators). */
  runtime?: "local" | "emulators";
  dataDir: string;
  /** The tenants file: the demo accounts' billing source, when a replayed page is collected again. */
  config: string;
  /** Folder with base.yaml and <env>.yaml (F7 config). */
  configDir?: string;
  json?: boolean;
  quiet?: boolean;
}

export type DeadLettersResult = { action: "list"; deadLetters: DeadLetterView[] } | { action: "replay"; replay: ReplayOutcome };

/** Who the audit names for a replay from this command line: the user running it. */
function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // A container user without a passwd entry still replays, as an unnamed operator.
    return "cli:unknown";
  }
}

/**
 * Lists or replays dead letters on the runtime the options name (F5, "replay from dead letter").
 * A replay runs the deployed event functions: subscribed to the in-process bus locally, served
 * behind push subscriptions on the emulators (whose documents the data folder keeps between runs).
 *
 * @example
 *   const r = await deadLetters({ action: "replay", topic: "collect-account", dataDir: ".data", config: "config/demo/tenants.yaml" }, progress);
 */
export async function deadLetters(opts: DeadLettersCommandOptions, progress: Progress): Promise<DeadLettersResult> {
  const filter = { ...(opts.topic ? { topic: opts.topic } : {}), ...(opts.tenant ? { tenantId: opts.tenant } : {}) };
  if (opts.runtime === "emulators") {
    const session = { dataDir: opts.dataDir, tenantsFile: opts.config, ...(opts.configDir ? { configDir: opts.configDir } : {}) };
    return withEmulatorSession(session, progress, async ({ deps, serve }) =>
      opts.action === "list"
        ? { action: "list", deadLetters: await listDeadLetterViews(deps, filter) }
        : { action: "replay", replay: await replayDeadLetterRecords(deps, filter, actor(), () => serve()) },
    );
  }
  configureDeps({
    env: { COSTMON_DATA_DIR: resolve(opts.dataDir), COSTMON_DEMO_TENANTS_FILE: resolve(opts.config) },
    ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}),
    logSink: cliLogSink(progress),
  });
  try {
    const deps = await getDeps();
    if (opts.action === "list") return { action: "list", deadLetters: await listDeadLetterViews(deps, filter) };
    return { action: "replay", replay: await replayDeadLetterRecords(deps, filter, actor(), () => subscribeEventFunctions(deps.bus)) };
  } finally {
    await closeDeps();
  }
}

function formatView(v: DeadLetterView): string {
  const replay = v.replayMessageId ? ` → replayed as ${v.replayMessageId}` : "";
  return `${v.id}  ${v.status}  tenant ${v.tenantId ?? "-"}  ${v.deliveryAttempts} attempt(s)  ${v.deadLetteredAt}${replay}\n    ${v.reason}`;
}

function formatResult(r: DeadLettersResult): string {
  if (r.action === "list") return r.deadLetters.length === 0 ? "no dead letters" : r.deadLetters.map(formatView).join("\n");
  const { replayed, failed, skipped, failedAgain } = r.replay;
  const lines = [`replayed ${replayed.length}, publish failed ${failed.length}, not replayable now ${skipped}, failed again ${failedAgain.length}`];
  for (const v of failedAgain) lines.push(formatView(v));
  return lines.join("\n");
}

/**
 * `costmon dead-letters list|replay`: the result on stdout (JSON with `--json`). Exit code 1 when a
 * replay could not be published or a replayed message failed again (it is a dead letter again),
 * 130 when interrupted (the emulators are stopped first).
 */
export async function runDeadLettersCommand(opts: DeadLettersCommandOptions): Promise<number> {
  let result: DeadLettersResult;
  try {
    result = await deadLetters(opts, createProgress({ quiet: opts.quiet }));
  } catch (err) {
    if (err instanceof AppError && err.code === "cancelled") {
      process.stderr.write(`${err.message}; the emulators are stopped\n`);
      return 130;
    }
    throw err;
  }
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatResult(result)}\n`);
  return result.action === "replay" && (result.replay.failed.length > 0 || result.replay.failedAgain.length > 0) ? 1 : 0;
}
