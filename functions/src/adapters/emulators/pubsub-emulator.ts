import { mkdir } from "node:fs/promises";
import { type EmulatorProcess, freePort, startEmulator } from "./emulator-process.js";

/** The official Pub/Sub emulator, started like the Firestore one. */
export type PubSubEmulator = EmulatorProcess;

/**
 * Starts the official Pub/Sub emulator (gcloud, Java 17; ENVIRONMENT.md) on a free 127.0.0.1 port,
 * in its own process group. `dataDir` is where gcloud writes the emulator's env.yaml (it must exist,
 * so it is created); the emulator keeps no messages across starts. Aborting `signal` cancels the start.
 *
 * @example
 *   const emu = await startPubSubEmulator(".data/emulators/pubsub");
 *   const pubsub = await openPubSubClient({ projectId: "demo-test", emulatorHost: emu.host });
 */
export async function startPubSubEmulator(dataDir: string, signal?: AbortSignal): Promise<PubSubEmulator> {
  await mkdir(dataDir, { recursive: true });
  const host = `127.0.0.1:${await freePort()}`;
  return startEmulator({
    name: "pubsub emulator",
    command: "gcloud",
    args: ["beta", "emulators", "pubsub", "start", `--host-port=${host}`, `--data-dir=${dataDir}`],
    host,
    probePath: "/",
    startTimeoutMs: 60_000,
    graceMs: 5_000,
    ...(signal ? { signal } : {}),
  });
}
