import { join, resolve } from "node:path";
import type { EmulatorProcess } from "./emulator-process.js";
import { startFirestoreEmulator } from "./firestore-emulator.js";
import { latestSnapshot, saveSnapshot } from "./firestore-snapshots.js";
import { createLocalOidcSigner, type LocalOidcSigner, writeCertificates } from "./local-oidc.js";
import { startPubSubEmulator } from "./pubsub-emulator.js";
import { PUSH_AUDIENCE, type PushDelivery, type PushDeliveryOptions, startPushDelivery } from "./push-delivery.js";

export type { PushDelivery } from "./push-delivery.js";

export interface EmulatorHost {
  /** COSTMON_* settings that point the `emulators` runtime at these emulators (for configureDeps). */
  env: Record<string, string>;
  /**
   * Serves the event functions behind push subscriptions: one functions-framework server per
   * function, the push relay in front of them, and the topics, dead-letter twins and push
   * subscriptions on the emulator. `bus` is the runtime's bus (deps.ts built it from `env`).
   */
  serve(opts: Omit<PushDeliveryOptions, "pubsubHost" | "signer">): Promise<PushDelivery>;
  /**
   * Keeps the documents of the project that was served (firestore-snapshots.ts), then stops both
   * emulators. Never throws: a snapshot that fails is reported to `onWarning`. Safe to call twice.
   */
  stop(): Promise<void>;
  /** Kills both emulators' process groups at once, synchronously (a process `exit` handler). */
  killNow(): void;
}

/**
 * Starts the official Firestore and Pub/Sub emulators for a run whose data lives in `dataDir`,
 * each in its own process group, and makes the key that signs the push requests' tokens. The
 * Firestore emulator loads the documents kept under `<dataDir>/emulators/firestore` by the last
 * run and keeps them there again when it stops, so that runs on one data folder follow each other
 * as they do in the local runtime (the ledger stays in DuckDB).
 *
 * @example
 *   const host = await startEmulatorHost({ dataDir: ".data" });
 *   try {
 *     configureDeps({ env: host.env });
 *     const deps = await getDeps();
 *     const delivery = await host.serve({ bus: deps.bus, config: deps.config, functions });
 *     await deps.bus.publish("nightly-collect", { runDate }); await deps.bus.drain();
 *     await delivery.close();
 *   } finally { await closeDeps(); await host.stop(); }
 */
export async function startEmulatorHost(opts: {
  dataDir: string;
  /** Cancels the start: what has started is stopped and the start fails with `cancelled`. */
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
}): Promise<EmulatorHost> {
  // Nothing here runs on Google Cloud: the Google clients must not wait on a metadata server.
  process.env.METADATA_SERVER_DETECTION ??= "none";
  const root = resolve(opts.dataDir, "emulators");
  const firestoreDir = join(root, "firestore");
  const certsFile = join(root, "oidc-certs.json");
  const importFrom = await latestSnapshot(firestoreDir);
  const started = await Promise.allSettled([
    startFirestoreEmulator({ ...(importFrom ? { importFrom } : {}), ...(opts.signal ? { signal: opts.signal } : {}) }),
    startPubSubEmulator(join(root, "pubsub"), opts.signal),
  ]);
  const running = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const stopProcesses = async () => {
    await Promise.all(running.map((e) => e.stop()));
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await stopProcesses();
    throw failed.reason;
  }
  const [firestore, pubsub] = running as [EmulatorProcess, EmulatorProcess];
  let servedProject: string | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (servedProject) {
        await saveSnapshot(firestore.host, servedProject, firestoreDir).catch((err: unknown) =>
          opts.onWarning?.(`the Firestore documents were not kept for the next run: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
      await stopProcesses();
    })();
    return stopping;
  };
  let signer: LocalOidcSigner;
  try {
    signer = await createLocalOidcSigner();
    await writeCertificates(certsFile, signer.certificates());
  } catch (err) {
    await stopProcesses();
    throw err;
  }

  return {
    env: {
      COSTMON_RUNTIME: "emulators",
      COSTMON_EMULATORS_PUBSUB_HOST: pubsub.host,
      COSTMON_EMULATORS_FIRESTORE_HOST: firestore.host,
      COSTMON_EMULATORS_OIDC_CERTS_FILE: certsFile,
      COSTMON_AUTH_OIDC_AUDIENCE: PUSH_AUDIENCE,
    },
    serve: (o) => {
      servedProject = o.config.project.id;
      return startPushDelivery({ ...o, pubsubHost: pubsub.host, signer });
    },
    stop,
    killNow: () => {
      for (const e of running) e.killNow();
    },
  };
}
