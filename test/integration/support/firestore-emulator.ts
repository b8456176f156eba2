// The helper lives with the emulator runtime, which the command line also uses.
export { type FirestoreEmulator, startFirestoreEmulator } from "#adapters/emulators/firestore-emulator.js";
