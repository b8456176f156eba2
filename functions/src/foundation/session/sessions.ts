import { createHash } from "node:crypto";
import { type Clock, type DocumentStore, systemClock } from "#kernel/ports.js";
import type { Logger } from "../observability/logger.js";
import { AppError } from "#kernel/errors.js";
import { paths } from "#kernel/document-paths.js";

/**
 * F2 sessions (issue 4): one sign-in is one session, keyed by uid and the ID token's `auth_time`,
 * so Firebase's hourly token refresh keeps the session while a new sign-in starts a new one.
 * - at most `maxConcurrent` (3) live sessions per user: a new sign-in ends the least recently
 *   used one (user.session_expired, reason "evicted");
 * - an idle timeout (30 min): a session unused that long is ended and the token's sign-in can no
 *   longer be used (the ended record stays as a tombstone), so the user must sign in again;
 * - every call refreshes `lastSeenAt` (written at most once per `touchEveryMs`, to save writes).
 */
export interface SessionRecord {
  [k: string]: unknown;
  id: string;
  uid: string;
  tenantId: string;
  authTime: number;
  createdAt: string;
  lastSeenAt: string;
  endedAt: string | null;
  endReason: "evicted" | "idle" | "signed-out" | null;
}

export interface SessionOptions {
  maxConcurrent?: number;
  idleTimeoutMs?: number;
  touchEveryMs?: number;
  clock?: Clock;
}

export interface SessionUser {
  id: string;
  tenantId: string;
  authTime: number;
}

export interface SessionManager {
  /** Finds or starts the session of this sign-in; throws `unauthenticated` when it has ended. */
  touch(user: SessionUser, log?: Logger): Promise<{ session: SessionRecord; created: boolean }>;
  end(tenantId: string, uid: string, sessionId: string, log?: Logger): Promise<SessionRecord>;
  listLive(tenantId: string, uid: string): Promise<SessionRecord[]>;
}

export function sessionId(uid: string, authTime: number): string {
  return createHash("sha256").update(`${uid}\u001f${authTime}`).digest("hex").slice(0, 24);
}

export function createSessionManager(store: DocumentStore, opts: SessionOptions = {}): SessionManager {
  const clock = opts.clock ?? systemClock;
  const max = opts.maxConcurrent ?? 3;
  const idleMs = opts.idleTimeoutMs ?? 30 * 60_000;
  const touchEveryMs = opts.touchEveryMs ?? 60_000;
  const path = paths.session;

  async function endSession(rec: SessionRecord, reason: NonNullable<SessionRecord["endReason"]>, log?: Logger) {
    const ended: SessionRecord = { ...rec, endedAt: clock.now().toISOString(), endReason: reason };
    await store.set(path(rec.tenantId, rec.id), ended);
    log?.event("user.session_expired", { uid: rec.uid, sessionId: rec.id, reason });
    return ended;
  }

  async function listLive(tenantId: string, uid: string): Promise<SessionRecord[]> {
    const page = await store.list<SessionRecord>(paths.sessions(tenantId), {
      where: [
        ["uid", "==", uid],
        ["endedAt", "==", null],
      ],
      limit: 100,
    });
    return page.docs.map((d) => d.data);
  }

  return {
    listLive,
    async touch(user, log) {
      const now = clock.now();
      const id = sessionId(user.id, user.authTime);
      const existing = await store.get<SessionRecord>(path(user.tenantId, id));
      if (existing) {
        if (existing.endedAt !== null) {
          throw new AppError("unauthenticated", "session ended; sign in again", {
            details: { reason: `session-${existing.endReason ?? "ended"}` },
          });
        }
        const idle = now.getTime() - Date.parse(existing.lastSeenAt);
        if (idle > idleMs) {
          await endSession(existing, "idle", log);
          throw new AppError("unauthenticated", "session expired after inactivity; sign in again", {
            details: { reason: "session-idle" },
          });
        }
        if (idle >= touchEveryMs) {
          const touched = { ...existing, lastSeenAt: now.toISOString() };
          await store.set(path(user.tenantId, id), touched);
          return { session: touched, created: false };
        }
        return { session: existing, created: false };
      }
      const live = await listLive(user.tenantId, user.id);
      const sorted = live.sort((a, b) => a.lastSeenAt.localeCompare(b.lastSeenAt));
      for (const old of sorted.slice(0, Math.max(0, sorted.length - (max - 1)))) await endSession(old, "evicted", log);
      const session: SessionRecord = {
        id,
        uid: user.id,
        tenantId: user.tenantId,
        authTime: user.authTime,
        createdAt: now.toISOString(),
        lastSeenAt: now.toISOString(),
        endedAt: null,
        endReason: null,
      };
      if (!(await store.create(path(user.tenantId, id), session))) {
        // A concurrent first call of the same sign-in created it: use that one.
        const raced = await store.get<SessionRecord>(path(user.tenantId, id));
        if (raced) return { session: raced, created: false };
      }
      log?.event("user.session_created", { uid: user.id, sessionId: id });
      return { session, created: true };
    },
    async end(tenantId, uid, id, log) {
      const rec = await store.get<SessionRecord>(path(tenantId, id));
      if (!rec || rec.uid !== uid) throw new AppError("not-found", "session not found");
      if (rec.endedAt !== null) return rec;
      return endSession(rec, "signed-out", log);
    },
  };
}
