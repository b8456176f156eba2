import type { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import type { RetryPolicy } from "cockatiel";
import { AppError } from "#kernel/errors.js";
import type { SecretStore } from "#kernel/ports.js";
import { backoffRetry } from "#kernel/retry.js";
import { SecretNameSchema } from "../local/secret-name.js";
import { createSecretManagerClient } from "./secret-manager-client.js";
import { type SecretManagerStoreOptions, SecretManagerStoreOptionsSchema } from "./secret-manager-options.js";
import { type CanonicalStatus, SecretManagerError, toSecretManagerError } from "./secret-manager-errors.js";
import { fromSecretId, MANAGED_LABEL, SECRET_ID_MAX_LENGTH, secretLabels, toSecretId } from "./secret-id.js";
import { decodePayload, encodePayload } from "./secret-payload.js";
import { toVersionInfo, type VersionInfo, versionsToDisable } from "./version-rotation.js";

export type { SecretManagerStoreOptions } from "./secret-manager-options.js";

/** What one run of the rotation cleanup did. */
export interface RotationReport {
  /** Secrets whose versions were listed. */
  checked: number;
  disabled: { name: string; version: number }[];
  /** Secrets the cleanup could not finish; a later run tries again. Never holds values. */
  failed: { name: string; code: string; retryable: boolean }[];
}

interface Target {
  name: string;
  id: string;
}

const CLEANUP_CONCURRENCY = 8;

/**
 * SecretStore on Google Secret Manager (DESIGN.md §5), one secret per name, in one project.
 *
 * - Names map to secret ids reversibly and collision-free (secret-id.ts: `/` → `__`, `_` → `_u`,
 *   `.` → `_d`); a name whose id would pass 255 characters is refused with `invalid-argument`.
 * - `put` adds a version with its CRC-32C, creating the secret on first use with automatic
 *   replication and the labels `managed-by=costmon`, `kind` and `tenant`.
 * - `get` reads the `latest` version and checks its CRC-32C; a secret that does not exist (or has
 *   no version) is null. When the latest version is disabled or destroyed, `get` fails with
 *   `failed-precondition`, not retryable, rather than fall back to an older version: disabling is
 *   how an operator withdraws a leaked credential, and an older one must not quietly return.
 * - `delete` deletes the secret with all its versions; an absent one is not an error.
 * - Rotation: a new version leaves the previous one enabled; {@link disableExpiredVersions}
 *   disables each version once `rotationGraceMs` has passed since its successor was added, so an
 *   instance still holding the old credential keeps working through the grace. Run it on a
 *   schedule.
 *
 * Failures are AppErrors (secret-manager-errors.ts): NOT_FOUND is absence, PERMISSION_DENIED is
 * `permission-denied` and not retried, UNAVAILABLE, RESOURCE_EXHAUSTED and DEADLINE_EXCEEDED are
 * retried here with backoff and then reported as retryable. No message holds a value.
 *
 * @example
 *   const secrets = new SecretManagerSecretStore({ projectId: "costmon-prod", rotationGraceMs: 24 * 3_600_000 });
 *   await secrets.put("cloud-creds/acme/aws-payer-1", JSON.stringify({ roleArn }));
 *   const raw = await secrets.get("cloud-creds/acme/aws-payer-1");
 *   await secrets.disableExpiredVersions(new Date()); // from a scheduled job
 */
export class SecretManagerSecretStore implements SecretStore {
  private readonly client: SecretManagerServiceClient;
  private readonly project: string;
  private readonly graceMs: number;
  private readonly policy: RetryPolicy;
  private readonly callOptions: { timeout: number };

  constructor(options: SecretManagerStoreOptions) {
    const parsed = SecretManagerStoreOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError("invalid-argument", `SecretManagerSecretStore options: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`, { expose: false });
    }
    const o = parsed.data;
    this.project = `projects/${o.projectId}`;
    this.graceMs = o.rotationGraceMs;
    this.policy = backoffRetry({ attempts: o.retry.attempts, baseMs: o.retry.baseMs, maxMs: o.retry.maxMs });
    this.callOptions = { timeout: o.timeoutMs };
    this.client = createSecretManagerClient({
      projectId: o.projectId,
      ...(o.apiEndpoint ? { apiEndpoint: o.apiEndpoint } : {}),
      ...(o.transport ? { transport: o.transport } : {}),
      ...(o.authClient ? { authClient: o.authClient } : {}),
    });
  }

  async get(name: string): Promise<string | null> {
    const t = target(name);
    try {
      return await this.call("read", t.name, async () => {
        const [res] = await this.client.accessSecretVersion({ name: this.versionPath(t.id, "latest") }, this.callOptions);
        return decodePayload(t.name, res.payload);
      });
    } catch (err) {
      if (hasStatus(err, "NOT_FOUND")) return null;
      if (hasStatus(err, "FAILED_PRECONDITION")) {
        const state = /\b(DISABLED|DESTROYED)\b/.exec(err.serviceMessage)?.[1];
        throw new AppError("failed-precondition", `secret ${t.name} cannot be read: its latest version is ${state ?? "not enabled"}; put a new value or enable it`, {
          retryable: false,
          cause: err,
        });
      }
      throw err;
    }
  }

  async put(name: string, value: string): Promise<void> {
    const t = target(name);
    const request = { parent: this.secretPath(t.id), payload: encodePayload(value) };
    const addVersion = () => this.call("add a version to", t.name, () => this.client.addSecretVersion(request, this.callOptions));
    try {
      await addVersion();
      return;
    } catch (err) {
      if (!hasStatus(err, "NOT_FOUND")) throw err;
    }
    await this.create(t);
    await addVersion();
  }

  async delete(name: string): Promise<void> {
    const t = target(name);
    try {
      await this.call("delete", t.name, () => this.client.deleteSecret({ name: this.secretPath(t.id) }, this.callOptions));
    } catch (err) {
      if (!hasStatus(err, "NOT_FOUND")) throw err;
    }
  }

  /**
   * Disables every version whose grace has run out at `now` (see version-rotation.ts): of the
   * named secrets, or of every secret this store manages (label `managed-by=costmon`). A secret
   * that fails is reported and skipped; the next run picks it up again.
   */
  async disableExpiredVersions(now: Date, names?: readonly string[]): Promise<RotationReport> {
    const targets = names ? names.map(target) : await this.managedSecrets();
    const report: RotationReport = { checked: 0, disabled: [], failed: [] };
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const t = targets[next++] as Target;
        await this.disableExpired(t, now.getTime(), report);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CLEANUP_CONCURRENCY, targets.length) }, worker));
    report.disabled.sort((a, b) => (a.name === b.name ? a.version - b.version : a.name < b.name ? -1 : 1));
    return report;
  }

  /** Releases the client's connections. */
  async close(): Promise<void> {
    await this.client.close();
  }

  private async disableExpired(t: Target, nowMs: number, report: RotationReport): Promise<void> {
    try {
      const versions = await this.listVersions(t);
      report.checked += 1;
      for (const version of versionsToDisable(versions, nowMs, this.graceMs)) {
        try {
          await this.call("disable a version of", t.name, () =>
            this.client.disableSecretVersion({ name: this.versionPath(t.id, String(version)) }, this.callOptions),
          );
          report.disabled.push({ name: t.name, version });
        } catch (err) {
          // Destroyed or deleted since it was listed: nothing left to disable.
          if (!hasStatus(err, "NOT_FOUND") && !hasStatus(err, "FAILED_PRECONDITION")) throw err;
        }
      }
    } catch (err) {
      if (hasStatus(err, "NOT_FOUND")) return;
      if (!(err instanceof AppError)) throw err;
      report.failed.push({ name: t.name, code: err.code, retryable: err.retryable });
    }
  }

  private async listVersions(t: Target): Promise<VersionInfo[]> {
    const [versions] = await this.call("list the versions of", t.name, () =>
      this.client.listSecretVersions({ parent: this.secretPath(t.id) }, { ...this.callOptions, autoPaginate: true }),
    );
    return versions.map(toVersionInfo).filter((v): v is VersionInfo => v !== null);
  }

  private async managedSecrets(): Promise<Target[]> {
    const [secrets] = await this.call("list", `labelled ${MANAGED_LABEL.key}=${MANAGED_LABEL.value}`, () =>
      this.client.listSecrets(
        { parent: this.project, filter: `labels.${MANAGED_LABEL.key}=${MANAGED_LABEL.value}` },
        { ...this.callOptions, autoPaginate: true },
      ),
    );
    const out: Target[] = [];
    for (const s of secrets) {
      const id = (s.name ?? "").split("/").pop() ?? "";
      const name = fromSecretId(id);
      // Only ids this mapping makes from valid names: anything else is not ours to rotate.
      if (name !== null && SecretNameSchema.safeParse(name).success && toSecretId(name) === id) out.push({ name, id });
    }
    return out;
  }

  private async create(t: Target): Promise<void> {
    try {
      await this.call("create", t.name, () =>
        this.client.createSecret(
          { parent: this.project, secretId: t.id, secret: { replication: { automatic: {} }, labels: secretLabels(t.name) } },
          this.callOptions,
        ),
      );
    } catch (err) {
      // Another writer created it first: the version goes into theirs.
      if (!hasStatus(err, "ALREADY_EXISTS")) throw err;
    }
  }

  /** One call under the retry policy; failures leave as AppErrors (our own pass through as they are). */
  private call<T>(action: string, name: string, fn: () => Promise<T>): Promise<T> {
    return this.policy.execute(async () => {
      try {
        return await fn();
      } catch (err) {
        throw err instanceof AppError ? err : toSecretManagerError(err, action, name);
      }
    });
  }

  private secretPath(id: string): string {
    return `${this.project}/secrets/${id}`;
  }

  private versionPath(id: string, version: string): string {
    return `${this.secretPath(id)}/versions/${version}`;
  }
}

function hasStatus(err: unknown, status: CanonicalStatus): err is SecretManagerError {
  return err instanceof SecretManagerError && err.status === status;
}

/** A valid name and its secret id, or `invalid-argument` (the messages the local stores give). */
function target(name: string): Target {
  const parsed = SecretNameSchema.safeParse(name);
  if (!parsed.success) throw new AppError("invalid-argument", `invalid secret name: ${parsed.error.issues[0]?.message ?? "bad name"}`);
  const id = toSecretId(parsed.data);
  if (id === null) throw new AppError("invalid-argument", `invalid secret name: too long for a Secret Manager id once mapped (${SECRET_ID_MAX_LENGTH} characters at most)`);
  return { name: parsed.data, id };
}
