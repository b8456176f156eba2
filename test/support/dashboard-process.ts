import { type ChildProcess, spawn } from "node:child_process";
import { projectPath } from "#cli/project-root.js";
import type { DashboardReady } from "#cli/commands/dashboard.js";

/**
 * `costmon dashboard --port 0 --json` as a child process, as a person runs it (it starts its own
 * Auth emulator unless FIREBASE_AUTH_EMULATOR_HOST is set), resolved with the line it prints once
 * serving. `stop` sends SIGTERM, on which the command closes its server and stops the emulator.
 */
export interface DashboardProcess {
  ready: DashboardReady;
  /** What it printed after the ready line (console alert channels write there) and on stderr. */
  output(): string;
  stderr(): string;
  stop(): Promise<void>;
}

export async function startDashboard(dataDir: string, timeoutMs = 150_000): Promise<DashboardProcess> {
  const child: ChildProcess = spawn(process.execPath, [projectPath("bin/costmon.mjs"), "dashboard", "--data-dir", dataDir, "--port", "0", "--json"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env },
  });
  let out = "";
  let err = "";
  child.stderr?.on("data", (b: Buffer) => {
    err = (err + b.toString()).slice(-8000);
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const ready = await new Promise<DashboardReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dashboard did not start in ${timeoutMs} ms:\n${err}`)), timeoutMs);
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as DashboardReady);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the dashboard exited with ${code} before serving:\n${err}`));
    });
  });
  return {
    ready,
    output: () => `${out.slice(out.indexOf("\n") + 1)}${err}`,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
      if (!done) child.kill("SIGKILL");
    },
  };
}
