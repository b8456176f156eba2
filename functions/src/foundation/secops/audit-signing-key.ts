import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { paths } from "#kernel/document-paths.js";
import { AppError } from "#kernel/errors.js";
import { type Clock, type DocumentStore, type SecretStore, systemClock } from "#kernel/ports.js";

/** The SecretStore secret holding the audit log's Ed25519 private key (PKCS#8 PEM). */
export const AUDIT_SIGNING_KEY_SECRET = "platform/audit-signing-key";

export interface AuditSigningKey {
  /** First 32 hex digits of SHA-256 over the public key (SPKI, DER): names the key in checkpoints. */
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as SPKI PEM, as published at `audit_keys/{keyId}`. */
  publicKeyPem: string;
}

export interface AuditKeys {
  /** The key to sign with, created in the SecretStore on first use; its public half is published once per instance. */
  signing(): Promise<AuditSigningKey>;
  /**
   * The key checkpoints must verify under: the one in the SecretStore, never the published copy
   * (whoever can write the document store can replace that). Null while no key exists.
   */
  trusted(): Promise<AuditSigningKey | null>;
}

/**
 * The audit log's signing key, kept in the SecretStore (never in the documents it protects, so
 * that write access to the document store is not enough to forge a checkpoint). The public half
 * is published at `audit_keys/{keyId}` for auditors outside the platform, who should pin it
 * out-of-band; the platform itself never trusts that copy. Cached per instance once read.
 *
 * Two instances creating the first key at the same moment both write one; each re-reads the
 * secret after writing and uses what the store holds, which leaves only a narrow window in which
 * one of them signs with a key that is then overwritten (its checkpoints would then fail
 * verification: a false alarm, never a silent pass). Provisioning the secret before the first
 * deployment closes it.
 *
 * @example
 *   const keys = createAuditKeys(secrets, documents, { clock });
 *   const key = await keys.signing();   // creates platform/audit-signing-key if absent
 */
export function createAuditKeys(secrets: SecretStore, store: DocumentStore, opts: { clock?: Clock } = {}): AuditKeys {
  const clock = opts.clock ?? systemClock;
  let signing: Promise<AuditSigningKey> | undefined;
  let trusted: AuditSigningKey | undefined;

  async function loadOrCreate(): Promise<AuditSigningKey> {
    let pem = await secrets.get(AUDIT_SIGNING_KEY_SECRET);
    if (pem === null) {
      const { privateKey } = generateKeyPairSync("ed25519");
      const created = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      await secrets.put(AUDIT_SIGNING_KEY_SECRET, created);
      pem = (await secrets.get(AUDIT_SIGNING_KEY_SECRET)) ?? created;
    }
    const key = parseSigningKey(pem);
    await store.set(paths.auditKey(key.keyId), {
      algorithm: "Ed25519",
      keyId: key.keyId,
      publicKeyPem: key.publicKeyPem,
      publishedAt: clock.now().toISOString(),
    });
    trusted = key;
    return key;
  }

  return {
    signing() {
      if (!signing) {
        signing = loadOrCreate();
        // A failure (the secret store down) is not remembered: the next append tries again.
        signing.catch(() => {
          signing = undefined;
        });
      }
      return signing;
    },
    async trusted() {
      if (trusted) return trusted;
      const pem = await secrets.get(AUDIT_SIGNING_KEY_SECRET);
      if (pem === null) return null;
      trusted = parseSigningKey(pem);
      return trusted;
    },
  };
}

/** The key of a PEM secret; anything but an Ed25519 private key is refused without quoting the value. */
export function parseSigningKey(pem: string): AuditSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new AppError("failed-precondition", `secret ${AUDIT_SIGNING_KEY_SECRET} is not a PEM private key`, { cause: redactedCause(err), expose: false });
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new AppError("failed-precondition", `secret ${AUDIT_SIGNING_KEY_SECRET} is not an Ed25519 key`, { expose: false });
  }
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: "spki", format: "der" });
  return {
    keyId: createHash("sha256").update(der).digest("hex").slice(0, 32),
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** OpenSSL's parse errors name the failing structure, never the key; keep only their code. */
function redactedCause(err: unknown): string {
  return (err as { code?: unknown } | null)?.code?.toString() ?? "unparseable key";
}
