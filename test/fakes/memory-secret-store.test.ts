import { describeSecretStoreConformance } from "../conformance/secret-store.suite.js";
import { MemorySecretStore } from "./memory-secret-store.js";

describeSecretStoreConformance("MemorySecretStore", async (seed) => new MemorySecretStore(seed), { writable: true });
