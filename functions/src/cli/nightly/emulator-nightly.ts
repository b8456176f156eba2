import { resolve } from "node:path";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { type EmulatorHost, type PushDelivery, startEmulatorHost } from "#adapters/emulators/emulator-host.js";
import type { EventFunction } from "#foundation/pipeline/define-event-handler.js";
import { AppError } from "#kernel/errors.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { createEdgeServer } from "../../edge-server.js";
import { loadAllEntryPoints } from "../../entry-points.js";
import { cliLogSink } from "../log-sink.js";
import type { Progress } from "../progress.js";
import { type NightlyResult, runNightly } from "./run-nightly.js";
import { seedTenants } from "./seed-tenants.js";

export interface EmulatorNightlyOptions {
  date?: string;
  /** The tenants file. */
  config: string;
  configDir?: string;
  dataDir: string;
}

function isEventFunction(fn: unknown): fn is EventFunction {
  return typeof fn === "function" && typeof (fn as Partial<EventFunction>).topic === "string" && typeof (fn as Partial<EventFunction>).push === "function";
}

/**
 * Ends the run on SIGINT or SIGTERM, from before the emulators start: the first signal aborts
 * `controller` (an emulator still starting is stopped) and rejects the run with `cancelled`, so
 * that the caller's cleanup runs (servers, stores, emulators). A second signal kills the
 * emulators' process groups at once and exits; while they are still starting, the first signal's
 * cleanup is left to finish. A process `exit` kills whatever group is left. Returns the function
 * that removes the handlers.
 */
function onInterrupt(controller: AbortController, host: () => EmulatorHost | undefined, interrupt: (err: AppError) => void): () => void {
  let signals = 0;
  const handler = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      const err = new AppError("cancelled", `interrupted by ${signal}`);
      controller.abort(err);
      interrupt(err);
      return;
    }
    const h = host();
    if (!h) return;
    h.killNow();
    process.exit(130);
  };
  const exitHandler = () => host()?.killNow();
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  process.on("exit", exitHandler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
    process.off("exit", exitHandler);
  };
}

/**
 * The nightly on the official emulators (DESIGN.md §3): the Firestore and Pub/Sub emulators are
 * started for the run, deps.ts builds runtime `emulators` on them, each event function gets its own
 * server (the deployed edge server: functions-framework's app behind the request-body guard)
 * behind a push subscription, and the run goes exactly as in the local
 * runtime, except that every message travels through the Pub/Sub emulator as a push request
 * carrying an OIDC token. Whatever happens (an error, SIGINT, SIGTERM), the servers, the stores and
 * both emulators' process groups are stopped before this returns or throws.
 *
 * @example
 *   const result = await runEmulatorNightly({ config: "config/demo/tenants.yaml", dataDir: ".data" }, progress);
 */
export async function runEmulatorNightly(opts: EmulatorNightlyOptions, progress: Progress): Promise<NightlyResult> {
  const tenantsFile = resolve(opts.config);
  const cfg = await loadDemoConfig(tenantsFile);
  let interrupt: (err: AppError) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => {
    interrupt = reject;
  });
  // Keeps an interruption that comes when nothing awaits it from being reported as unhandled.
  interrupted.catch(() => undefined);
  const controller = new AbortController();
  let host: EmulatorHost | undefined;
  let delivery: PushDelivery | undefined;
  const removeHandlers = onInterrupt(controller, () => host, (err) => interrupt(err));
  try {
    progress.step("starting the Firestore and Pub/Sub emulators");
    // Not raced with the interruption: an aborted start stops what it started before it rejects.
    const started = await startEmulatorHost({ dataDir: resolve(opts.dataDir), signal: controller.signal, onWarning: (m) => progress.info(`warning: ${m}`) }).catch(
      (err: unknown) => Promise.reject(controller.signal.aborted ? controller.signal.reason : err),
    );
    host = started;
    if (controller.signal.aborted) throw controller.signal.reason;
    progress.done("starting the Firestore and Pub/Sub emulators");
    const run = async () => {
      configureDeps({
        env: { ...started.env, COSTMON_DATA_DIR: resolve(opts.dataDir), COSTMON_DEMO_TENANTS_FILE: tenantsFile },
        ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}),
        logSink: cliLogSink(progress),
      });
      const deps = await getDeps();
      await seedTenants(deps, cfg, tenantsFile);
      const accounts = await deps.prefetchCredentials();
      if (accounts > 0) progress.info(`credentials prefetched for ${accounts} provider account(s)`);
      const functions = Object.values(await loadAllEntryPoints())
        .filter(isEventFunction)
        .map((f) => ({ name: f.eventName, topic: f.topic }));
      return runNightly(deps, {
        runDate: opts.date ?? cfg.today,
        tenantIds: cfg.tenants.map((t) => t.id),
        progress,
        connect: async (report) => {
          delivery = await started.serve({
            bus: deps.bus,
            config: deps.config,
            functions,
            // The deployed bundle's server: the framework's app behind the request-body guard.
            serverFor: (name) => createEdgeServer(name),
            observe: (name, outcome) => report(name, outcome === "acknowledged" ? "done" : "failed"),
          });
          progress.info(`${functions.length} event functions served behind Pub/Sub push subscriptions`);
        },
      });
    };
    return await Promise.race([run(), interrupted]);
  } finally {
    try {
      await delivery?.close();
      await closeDeps();
    } finally {
      await host?.stop();
      removeHandlers();
    }
  }
}
