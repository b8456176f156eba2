import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { AppError } from "#kernel/errors.js";

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
  /** Ends the whole process group at once with SIGKILL, synchronously (a process `exit` handler). */
  killNow(): void;
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
  /** Aborting it while the emulator starts stops the group and fails the start with `cancelled`. */
  signal?: AbortSignal;
}

/**
 * Starts an emulator in its own process group (emulators spawn children: gcloud leaves its Java
 * child running, firebase-tools its own) and waits until it answers. The tail of its output goes
 * into the error when it exits early or does not come up; then the group is stopped.
 *
 * @example
 *   const emu = await startEmulator({ name: "pubsub emulator", command: "gcloud", args, host, probePath: "/", startTimeoutMs: 60_000, graceMs: 5_000 });
 *   try { … } finally { await emu.stop(); }
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
  let spawnError: Error | undefined;
  child.once("error", (err) => {
    spawnError = err;
  });
  const exited = new Promise<void>((r) => {
    child.once("exit", () => r());
    child.once("error", () => r());
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const groupAlive = () => {
    try {
      if (child.pid === undefined) return false;
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  let stopping: Promise<void> | undefined;
  // Once the group is stopped its id may be reused by an unrelated group: never signal it again.
  let stopped = false;
  const stop = () => {
    stopping ??= (async () => {
      if (child.pid === undefined) return;
      killGroup("SIGTERM");
      // The leader may go first (gcloud does) while its Java child still shuts down, or exports
      // its data: wait for the whole group, up to the grace period, then kill what is left.
      const deadline = Date.now() + spec.graceMs;
      while (groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      killGroup("SIGKILL");
      await exited;
      stopped = true;
    })();
    return stopping;
  };
  const killNow = () => {
    if (!stopped) killGroup("SIGKILL");
  };

  const deadline = Date.now() + spec.startTimeoutMs;
  while (Date.now() < deadline) {
    if (spec.signal?.aborted) {
      await stop();
      throw new AppError("cancelled", `${spec.name}: start cancelled`);
    }
    if (spawnError || child.exitCode !== null) {
      await stop();
      throw new AppError("unavailable", `${spec.name} did not start (${spawnError?.message ?? `exit ${child.exitCode}`}):\n${log}`, { cause: spawnError });
    }
    try {
      if ((await fetch(`http://${spec.host}${spec.probePath}`)).ok) return { host: spec.host, stop, killNow };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new AppError("deadline-exceeded", `${spec.name} did not start within ${spec.startTimeoutMs} ms:\n${log}`);
}
