// The helpers live with the emulator runtime, which the command line also uses.
export { type EmulatorProcess, type EmulatorSpec, freePort, startEmulator } from "#adapters/emulators/emulator-process.js";
