import { createHash, randomBytes } from "node:crypto";
import { type Clock, type DocumentStore, systemClock } from "#kernel/ports.js";
import { AppError } from "#kernel/errors.js";
import type { Skill, TrustLevel, Zone } from "./model.js";
import { paths } from "#kernel/document-paths.js";

/**
 * API keys (F1): `cm_<prefix>_<secret>`. Only the SHA-256 hash is stored; the prefix stays
 * visible so users can tell keys apart. A key is scoped to one tenant, a list of skills and
 * zones, and a trust level of at most 2 (a key cannot present a second factor).
 * Stored twice: `tenants/{t}/api_keys/{hash}` for management, `api_key_index/{hash}` for the
 * one-read lookup on every request.
 */
export interface ApiKeyRecord {
  [k: string]: unknown;
  hash: string;
  prefix: string;
  tenantId: string;
  name: string;
  skills: Skill[];
  zones: Zone[];
  trustLevel: TrustLevel;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface NewApiKey {
  name: string;
  skills: Skill[];
  zones: Zone[];
  trustLevel: 1 | 2;
}

export interface ApiKeyService {
  /** Returns the plaintext key once; it is never stored or retrievable again. */
  create(tenantId: string, spec: NewApiKey, createdBy: string): Promise<{ key: string; record: ApiKeyRecord }>;
  /** The active record for a presented key, or null when unknown or revoked. */
  verify(key: string): Promise<ApiKeyRecord | null>;
  /**
   * The active records whose key starts with `prefix` (`cm_XXXXXXXX`), in any tenant: what a
   * message signed with a key (api-key-signature.ts) names. Prefixes are random, so this is one
   * record but for a one-in-10^14 collision, which the signature then tells apart.
   */
  findByPrefix(prefix: string): Promise<ApiKeyRecord[]>;
  /** Revokes a key of this tenant by prefix; not-found for another tenant's key. */
  revoke(tenantId: string, prefix: string): Promise<ApiKeyRecord>;
  list(tenantId: string): Promise<ApiKeyRecord[]>;
}

const KEY_FORMAT = /^cm_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{32,64})$/;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function looksLikeApiKey(key: string): boolean {
  return KEY_FORMAT.test(key);
}

function newPrefix(): string {
  const bytes = randomBytes(8);
  let s = "";
  for (const b of bytes) s += ALNUM[b % ALNUM.length];
  return s;
}

export function createApiKeyService(store: DocumentStore, clock: Clock = systemClock): ApiKeyService {
  const tenantPath = paths.apiKey;
  const indexPath = paths.apiKeyIndex;
  return {
    async create(tenantId, spec, createdBy) {
      const prefix = `cm_${newPrefix()}`;
      const key = `${prefix}_${randomBytes(24).toString("base64url")}`;
      const hash = hashApiKey(key);
      const record: ApiKeyRecord = {
        hash,
        prefix,
        tenantId,
        name: spec.name,
        skills: [...spec.skills],
        zones: [...spec.zones],
        trustLevel: spec.trustLevel,
        createdBy,
        createdAt: clock.now().toISOString(),
        revokedAt: null,
      };
      if (!(await store.create(indexPath(hash), record))) throw new AppError("already-exists", "key collision; retry");
      await store.set(tenantPath(tenantId, hash), record);
      return { key, record };
    },
    async verify(key) {
      if (!looksLikeApiKey(key)) return null;
      const rec = await store.get<ApiKeyRecord>(indexPath(hashApiKey(key)));
      return rec && rec.revokedAt === null ? rec : null;
    },
    async findByPrefix(prefix) {
      if (!/^cm_[A-Za-z0-9]{8}$/.test(prefix)) return [];
      const page = await store.list<ApiKeyRecord>(paths.apiKeyIndexes(), { where: [["prefix", "==", prefix]], limit: 5 });
      return page.docs.map((d) => d.data).filter((r) => r.revokedAt === null);
    },
    async revoke(tenantId, prefix) {
      const page = await store.list<ApiKeyRecord>(paths.apiKeys(tenantId), {
        where: [["prefix", "==", prefix]],
        limit: 1,
      });
      const doc = page.docs[0];
      if (!doc) throw new AppError("not-found", `API key ${prefix} not found`);
      const revokedAt = doc.data.revokedAt ?? clock.now().toISOString();
      const revoked = { ...doc.data, revokedAt };
      // index first: once it is revoked the key stops working, whatever happens next
      await store.set(indexPath(doc.data.hash), revoked);
      await store.set(doc.path, revoked);
      return revoked;
    },
    async list(tenantId) {
      const page = await store.list<ApiKeyRecord>(paths.apiKeys(tenantId), { limit: 200 });
      return page.docs.map((d) => d.data);
    },
  };
}
