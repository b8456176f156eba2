import { type EmulatorProcess, freePort, startEmulator } from "./emulator-process.js";

/**
 * The official Firestore emulator (gcloud, Java 17; ENVIRONMENT.md) started in its own process
 * group, optionally with security rules, and stopped with the whole group (gcloud leaves its Java
 * child running otherwise).
 */
export type FirestoreEmulator = EmulatorProcess;

export async function startFirestoreEmulator(rulesFile?: string): Promise<FirestoreEmulator> {
  const host = `127.0.0.1:${await freePort()}`;
  return startEmulator({
    name: "firestore emulator",
    command: "gcloud",
    args: ["emulators", "firestore", "start", `--host-port=${host}`, ...(rulesFile ? [`--rules=${rulesFile}`] : [])],
    host,
    probePath: "/",
    startTimeoutMs: 60_000,
    graceMs: 5_000,
  });
}
