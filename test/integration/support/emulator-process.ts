import { spawn } from "node:child_process";
import { createServer } from "node:net";

/** A free TCP port on 127.0.0.1 (the OS picks it; it is released before this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface EmulatorProcess {
  /** host:port it answers on. */
  host: string;
  /** Ends the whole process group: SIGTERM, then SIGKILL after the grace period. */
  stop(): Promise<void>;
}

export interface EmulatorSpec {
  /** For error messages: "auth emulator", "firestore emulator". */
  name: string;
  command: string;
  args: string[];
  host: string;
  /** Path polled on `host` until it answers 2xx. */
  probePath: string;
  startTimeoutMs: number;
  /** How long SIGTERM gets before SIGKILL. */
  graceMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts an emulator in its own process group (emulators spawn children: gcloud leaves its Java
 * child running, firebase-tools its own) and waits until it answers. The tail of its output goes
 * into the error when it exits early or does not come up; then the group is stopped.
 */
export async function startEmulator(spec: EmulatorSpec): Promise<EmulatorProcess> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const collect = (b: Buffer) => {
    log = (log + b.toString()).slice(-8000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const stop = async () => {
    if (child.pid === undefined) return;
    killGroup("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, spec.graceMs))]);
    // Also ends children the group leader left behind.
    killGroup("SIGKILL");
    await exited;
  };

  const deadline = Date.now() + spec.startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${spec.name} exited (${child.exitCode}):\n${log}`);
    }
    try {
      if ((await fetch(`http://${spec.host}${spec.probePath}`)).ok) return { host: spec.host, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`${spec.name} did not start within ${spec.startTimeoutMs} ms:\n${log}`);
}
