import { resolve } from "node:path";
import { type EmulatorHost, type PushDelivery, startEmulatorHost } from "#adapters/emulators/emulator-host.js";
import type { PushFaults } from "#adapters/emulators/push-faults.js";
import type { PushDeliveryInfo, PushOutcome } from "#adapters/emulators/push-relay.js";
import type { EventFunction } from "#foundation/pipeline/define-event-handler.js";
import { AppError } from "#kernel/errors.js";
import { type AppDeps, closeDeps, configureDeps, type DepsOverrides, getDeps } from "../deps.js";
import { createEdgeServer } from "../edge-server.js";
import { loadAllEntryPoints } from "../entry-points.js";
import { cliLogSink } from "./log-sink.js";
import type { Progress } from "./progress.js";

export interface EmulatorSessionOptions {
  dataDir: string;
  /** Folder with base.yaml and <env>.yaml (F7 config). */
  configDir?: string;
  /** The tenants file, for the demo billing source of the demo accounts. */
  tenantsFile: string;
  /** Delivery faults injected at the push relay: a drill for tests, never a command's default. */
  faults?: PushFaults;
  /**
   * Stores to use instead of the runtime's own, made once the emulators run (`env` holds their
   * hosts): a test's wrapper around the Firestore store. The caller closes what it makes.
   */
  overrides?: (env: Record<string, string>) => Pick<DepsOverrides, "documents">;
}

/** What a command runs on while the emulators are up. */
export interface EmulatorSession {
  deps: AppDeps;
  /**
   * Serves every event function behind push subscriptions (with a recorder subscription on each
   * dead-letter topic); `observe` hears how each push settled. Stopped when the session ends.
   * `functionUrls`: the functions are served by the caller's own processes at these URLs (a
   * benchmark's instances, one per function as deployed) instead of servers in this process.
   */
  serve(
    observe?: (name: string, outcome: PushOutcome, delivery: PushDeliveryInfo) => void | Promise<void>,
    opts?: { functionUrls?: ReadonlyMap<string, string> },
  ): Promise<number>;
}

function isEventFunction(fn: unknown): fn is EventFunction {
  return typeof fn === "function" && typeof (fn as Partial<EventFunction>).topic === "string" && typeof (fn as Partial<EventFunction>).push === "function";
}

/**
 * Ends the session on SIGINT or SIGTERM, from before the emulators start: the first signal aborts
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
 * Runs `body` on the official emulators (DESIGN.md §3): the Firestore and Pub/Sub emulators are
 * started for it (with the documents the data folder kept from the last run), deps.ts builds
 * runtime `emulators` on them, and `serve` puts each event function on its own server (the
 * deployed edge server: functions-framework's app behind the request-body guard) behind a push
 * subscription, so every message travels through the Pub/Sub emulator as a push request carrying
 * an OIDC token. Whatever happens (an error, SIGINT, SIGTERM), the servers, the stores and both
 * emulators' process groups are stopped, and the documents kept for the next run, before this
 * returns or throws.
 *
 * @example
 *   const n = await withEmulatorSession({ dataDir: ".data", tenantsFile }, progress, async ({ deps, serve }) => {
 *     await serve();
 *     await deps.bus.publish("nightly-collect", { runDate }); await deps.bus.drain();
 *   });
 */
export async function withEmulatorSession<T>(opts: EmulatorSessionOptions, progress: Progress, body: (session: EmulatorSession) => Promise<T>): Promise<T> {
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
        env: { ...started.env, COSTMON_DATA_DIR: resolve(opts.dataDir), COSTMON_DEMO_TENANTS_FILE: resolve(opts.tenantsFile) },
        ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}),
        ...(opts.overrides ? opts.overrides(started.env) : {}),
        logSink: cliLogSink(progress),
        consoleWrite: (line) => progress.print(line),
      });
      const deps = await getDeps();
      const serve: EmulatorSession["serve"] = async (observe, serveOpts) => {
        if (delivery) throw new AppError("failed-precondition", "the event functions are served already");
        const functions = Object.values(await loadAllEntryPoints())
          .filter(isEventFunction)
          .map((f) => ({ name: f.eventName, topic: f.topic }));
        delivery = await started.serve({
          bus: deps.bus,
          config: deps.config,
          functions,
          documents: deps.documents,
          // The deployed bundle's server: the framework's app behind the request-body guard.
          serverFor: (name) => createEdgeServer(name),
          ...(observe ? { observe } : {}),
          ...(opts.faults ? { faults: opts.faults } : {}),
          ...(serveOpts?.functionUrls ? { functionUrls: serveOpts.functionUrls } : {}),
        });
        return functions.length;
      };
      return body({ deps, serve });
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
