import type { SecretStore } from "#kernel/ports.js";
import { validateSecretName } from "./secret-name.js";

/** `cloud-creds/t1/gcp` → `SECRET_CLOUD_CREDS_T1_GCP`: upper case, every other character "_". */
export function secretEnvName(name: string, prefix = "SECRET_"): string {
  return `${prefix}${validateSecretName(name).toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/**
 * Read-only SecretStore over environment variables named by `secretEnvName`. Writes are refused:
 * the environment is set by whoever starts the process. An empty variable counts as absent.
 */
export class EnvSecretStore implements SecretStore {
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    private readonly prefix = "SECRET_",
  ) {}

  async get(name: string): Promise<string | null> {
    const v = this.env[secretEnvName(name, this.prefix)];
    return v === undefined || v === "" ? null : v;
  }

  async put(name: string): Promise<void> {
    throw new Error(`EnvSecretStore is read-only: set ${secretEnvName(name, this.prefix)} in the environment instead`);
  }

  async delete(name: string): Promise<void> {
    throw new Error(`EnvSecretStore is read-only: unset ${secretEnvName(name, this.prefix)} in the environment instead`);
  }
}
