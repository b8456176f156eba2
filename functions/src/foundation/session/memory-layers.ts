import { createHash } from "node:crypto";
import { type Clock, type DocumentStore, systemClock } from "#kernel/ports.js";

/**
 * F2 memory layers with a TTL: small facts a handler remembers between calls, at three layers:
 * `session` (this sign-in), `user` (across sessions) and `tenant` (shared). Expired entries read
 * as absent and are deleted lazily.
 */
export type MemoryLayer = "session" | "user" | "tenant";

export interface MemoryOwner {
  tenantId: string;
  uid?: string;
  sessionId?: string;
}

export interface MemoryLayers {
  remember(layer: MemoryLayer, owner: MemoryOwner, key: string, value: unknown, ttlMs?: number): Promise<void>;
  recall<T = unknown>(layer: MemoryLayer, owner: MemoryOwner, key: string): Promise<T | null>;
  forget(layer: MemoryLayer, owner: MemoryOwner, key: string): Promise<void>;
}

interface MemoryEntry {
  [k: string]: unknown;
  value: unknown;
  expiresAt: string;
}

function ownerKey(layer: MemoryLayer, owner: MemoryOwner): string {
  if (layer === "tenant") return "tenant";
  if (!owner.uid) throw new TypeError(`memory layer ${layer} needs a uid`);
  if (layer === "user") return `user:${owner.uid}`;
  if (!owner.sessionId) throw new TypeError("memory layer session needs a sessionId");
  return `session:${owner.uid}:${owner.sessionId}`;
}

export function createMemoryLayers(
  store: DocumentStore,
  opts: { clock?: Clock; defaultTtlMs?: number } = {},
): MemoryLayers {
  const clock = opts.clock ?? systemClock;
  const defaultTtl = opts.defaultTtlMs ?? 24 * 3600_000;
  const path = (layer: MemoryLayer, owner: MemoryOwner, key: string) => {
    const id = createHash("sha256").update(`${ownerKey(layer, owner)}\u001f${key}`).digest("hex").slice(0, 40);
    return `tenants/${owner.tenantId}/memory/${id}`;
  };
  return {
    async remember(layer, owner, key, value, ttlMs = defaultTtl) {
      const expiresAt = new Date(clock.now().getTime() + ttlMs).toISOString();
      await store.set(path(layer, owner, key), { value, expiresAt, layer });
    },
    async recall<T>(layer: MemoryLayer, owner: MemoryOwner, key: string) {
      const p = path(layer, owner, key);
      const e = await store.get<MemoryEntry>(p);
      if (!e) return null;
      if (Date.parse(e.expiresAt) <= clock.now().getTime()) {
        await store.delete(p);
        return null;
      }
      return e.value as T;
    },
    async forget(layer, owner, key) {
      await store.delete(path(layer, owner, key));
    },
  };
}
