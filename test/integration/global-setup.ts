import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { repoRoot } from "../support/shared-data.js";

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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(host: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`auth emulator exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`http://${host}/emulator/v1/projects/${PROJECT}/config`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`auth emulator did not start within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  process.env.METADATA_SERVER_DETECTION = "none";
  if (process.env.FIREBASE_AUTH_EMULATOR_HOST) return undefined;
  const port = await freePort();
  const dir = join(repoRoot, ".tmp", `auth-emulator-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "firebase.json");
  writeFileSync(
    config,
    JSON.stringify({ emulators: { auth: { host: "127.0.0.1", port }, ui: { enabled: false }, singleProjectMode: true } }),
  );
  let log = "";
  const child = spawn(
    join(repoRoot, "node_modules", ".bin", "firebase"),
    ["emulators:start", "--only", "auth", "--project", PROJECT, "--config", config],
    { cwd: dir, detached: true, env: { ...process.env, CI: "true" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (b: Buffer) => {
    log = (log + b.toString()).slice(-8000);
  });
  child.stderr?.on("data", (b: Buffer) => {
    log = (log + b.toString()).slice(-8000);
  });
  const host = `127.0.0.1:${port}`;
  const endGroup = async () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  const stop = async () => {
    await endGroup();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(host, child, () => log);
  } catch (err) {
    await stop();
    throw err;
  }
  process.env.FIREBASE_AUTH_EMULATOR_HOST = host;
  process.env.GCLOUD_PROJECT = PROJECT;
  return stop;
}
