import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/**
 * The official Firestore emulator (gcloud, Java 17; ENVIRONMENT.md) started in its own process
 * group, optionally with security rules, and stopped with the whole group (gcloud leaves its Java
 * child running otherwise).
 */
export interface FirestoreEmulator {
  host: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startFirestoreEmulator(rulesFile?: string): Promise<FirestoreEmulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const args = ["emulators", "firestore", "start", `--host-port=${host}`, ...(rulesFile ? [`--rules=${rulesFile}`] : [])];
  const child: ChildProcess = spawn("gcloud", args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const collect = (b: Buffer) => {
    log = (log + b.toString()).slice(-4000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // gone
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`firestore emulator exited:\n${log}`);
    try {
      if ((await fetch(`http://${host}/`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`firestore emulator did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { host, stop };
}
