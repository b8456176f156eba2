import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type EmulatorProcess, freePort, startEmulator } from "#adapters/emulators/emulator-process.js";
import { projectPath } from "../project-root.js";

/**
 * The Firebase Auth emulator the dashboard signs in through: `firebase emulators:start --only auth`
 * (firebase-tools, offline with a `demo-` project id, no Java needed; ../shared/ENVIRONMENT.md) on
 * a free 127.0.0.1 port, in its own process group, with a firebase.json of its own in a scratch
 * folder so that the project's firebase.json (Firestore rules) is left alone.
 */
export interface AuthEmulator {
  /** host:port, the value of FIREBASE_AUTH_EMULATOR_HOST. */
  host: string;
  stop(): Promise<void>;
  killNow(): void;
}

export async function startAuthEmulator(project: string, signal?: AbortSignal): Promise<AuthEmulator> {
  const [port, hub, logging] = [await freePort(), await freePort(), await freePort()];
  const dir = projectPath(`.tmp/dashboard-auth-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "firebase.json");
  // The hub (default 4400) and logging (4500) ports get free ports too: with the defaults, a second
  // emulator suite on the machine (another checkout's tests) makes this one report ready and then
  // exit on EADDRINUSE 4500 (seen with firebase-tools 15.34).
  writeFileSync(
    config,
    JSON.stringify({
      emulators: {
        auth: { host: "127.0.0.1", port },
        hub: { host: "127.0.0.1", port: hub },
        logging: { host: "127.0.0.1", port: logging },
        ui: { enabled: false },
        singleProjectMode: true,
      },
    }),
  );
  let emulator: EmulatorProcess;
  try {
    emulator = await startEmulator({
      name: "auth emulator",
      command: projectPath("node_modules/.bin/firebase"),
      args: ["emulators:start", "--only", "auth", "--project", project, "--config", config],
      cwd: dir,
      env: { ...process.env, CI: "true" },
      host: `127.0.0.1:${port}`,
      probePath: `/emulator/v1/projects/${project}/config`,
      startTimeoutMs: 150_000,
      graceMs: 10_000,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: emulator.host,
    async stop() {
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    killNow: () => emulator.killNow(),
  };
}
