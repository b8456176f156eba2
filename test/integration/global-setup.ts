import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../support/shared-data.js";
import { type EmulatorProcess, freePort, startEmulator } from "#adapters/emulators/emulator-process.js";

/**
 * vitest globalSetup for the integration tier: makes sure a Firebase Auth emulator is running.
 * - Under `firebase emulators:exec --only auth` (FIREBASE_AUTH_EMULATOR_HOST set), it does nothing.
 * - Otherwise it starts `firebase emulators:start --only auth --project demo-test` on a free port,
 *   in its own process group (the emulator spawns children), waits until it answers, exports
 *   FIREBASE_AUTH_EMULATOR_HOST for the test workers, and ends the whole group at teardown.
 * firebase-tools runs the Auth emulator offline with a `demo-` project id (ENVIRONMENT.md).
 */
const PROJECT = "demo-test";
const START_TIMEOUT_MS = 150_000;

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  process.env.METADATA_SERVER_DETECTION = "none";
  if (process.env.FIREBASE_AUTH_EMULATOR_HOST) return undefined;
  // The hub (default 4400) and logging (4500) ports get free ports too: with the defaults, a second
  // firebase-tools emulator on the machine makes this one exit after it reported ready.
  const [port, hub, logging] = [await freePort(), await freePort(), await freePort()];
  const dir = join(repoRoot, ".tmp", `auth-emulator-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "firebase.json");
  writeFileSync(
    config,
    JSON.stringify({
      emulators: { auth: { host: "127.0.0.1", port }, hub: { host: "127.0.0.1", port: hub }, logging: { host: "127.0.0.1", port: logging }, ui: { enabled: false }, singleProjectMode: true },
    }),
  );
  let emulator: EmulatorProcess;
  try {
    emulator = await startEmulator({
      name: "auth emulator",
      command: join(repoRoot, "node_modules", ".bin", "firebase"),
      args: ["emulators:start", "--only", "auth", "--project", PROJECT, "--config", config],
      cwd: dir,
      env: { ...process.env, CI: "true" },
      host: `127.0.0.1:${port}`,
      probePath: `/emulator/v1/projects/${PROJECT}/config`,
      startTimeoutMs: START_TIMEOUT_MS,
      graceMs: 10_000,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const { host } = emulator;
  const stop = async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  process.env.FIREBASE_AUTH_EMULATOR_HOST = host;
  process.env.GCLOUD_PROJECT = PROJECT;
  return stop;
}
