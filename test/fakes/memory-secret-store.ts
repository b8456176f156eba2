import { validateSecretName, validateSecretValue } from "#adapters/local/secret-name.js";
import type { SecretStore } from "#kernel/ports.js";

/** In-memory SecretStore; names follow Secret Manager's rules (see secret-name.ts). */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(initial)) this.values.set(validateSecretName(k), validateSecretValue(v));
  }

  async get(name: string): Promise<string | null> {
    return this.values.get(validateSecretName(name)) ?? null;
  }

  async put(name: string, value: string): Promise<void> {
    this.values.set(validateSecretName(name), validateSecretValue(value));
  }

  async delete(name: string): Promise<void> {
    this.values.delete(validateSecretName(name));
  }
}
