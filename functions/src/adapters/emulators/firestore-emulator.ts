import { type EmulatorProcess, freePort, startEmulator } from "./emulator-process.js";

/**
 * The official Firestore emulator (gcloud, Java 17; ENVIRONMENT.md) started in its own process
 * group, optionally with security rules, and stopped with the whole group (gcloud leaves its Java
 * child running otherwise).
 */
export type FirestoreEmulator = EmulatorProcess;

export interface FirestoreEmulatorOptions {
  /** Security rules to load (`firestore.rules`). */
  rulesFile?: string;
  /** An export to load at start (the `…overall_export_metadata` file of an earlier export). */
  importFrom?: string;
  /** Cancels the start (emulator-process.ts). */
  signal?: AbortSignal;
}

/**
 * @example
 *   const emu = await startFirestoreEmulator({ rulesFile: "firestore.rules" });
 *   const db = new Firestore({ projectId: "demo-test", host: emu.host, ssl: false });
 */
export async function startFirestoreEmulator(o: FirestoreEmulatorOptions = {}): Promise<FirestoreEmulator> {
  const host = `127.0.0.1:${await freePort()}`;
  return startEmulator({
    name: "firestore emulator",
    command: "gcloud",
    args: [
      "emulators",
      "firestore",
      "start",
      `--host-port=${host}`,
      ...(o.rulesFile ? [`--rules=${o.rulesFile}`] : []),
      ...(o.importFrom ? [`--import-data=${o.importFrom}`] : []),
    ],
    host,
    probePath: "/",
    startTimeoutMs: 60_000,
    graceMs: 5_000,
    ...(o.signal ? { signal: o.signal } : {}),
  });
}
