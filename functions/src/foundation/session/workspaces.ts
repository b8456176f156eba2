import { randomUUID } from "node:crypto";
import { type Clock, type DocumentStore, systemClock } from "#kernel/ports.js";
import { AppError } from "#kernel/errors.js";
import { paths } from "#kernel/document-paths.js";

/**
 * F2 workspaces: saved dashboard views (filters, grouping, date range) with a visibility:
 * `private` (owner only), `shared` (listed members of the tenant) or `public` (everyone in the
 * tenant). Authorization of writes is the pipeline's (scope own/workspace/all); this module
 * only decides who can *see* a view.
 */
export const VISIBILITIES = ["private", "shared", "public"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export interface WorkspaceRecord {
  [k: string]: unknown;
  id: string;
  tenantId: string;
  ownerId: string;
  name: string;
  visibility: Visibility;
  sharedWith: string[];
  view: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface WorkspaceInput {
  id?: string;
  name: string;
  visibility: Visibility;
  sharedWith: string[];
  view: Record<string, unknown>;
}

export interface WorkspaceService {
  get(tenantId: string, id: string): Promise<WorkspaceRecord | null>;
  /** The view if `uid` may see it, else not-found (never reveals that a private view exists). */
  getVisible(tenantId: string, id: string, uid: string): Promise<WorkspaceRecord>;
  save(tenantId: string, ownerId: string, input: WorkspaceInput, existing: WorkspaceRecord | null): Promise<WorkspaceRecord>;
  listVisible(tenantId: string, uid: string): Promise<WorkspaceRecord[]>;
  delete(tenantId: string, id: string): Promise<void>;
}

export function canSee(ws: WorkspaceRecord, uid: string): boolean {
  return ws.ownerId === uid || ws.visibility === "public" || (ws.visibility === "shared" && ws.sharedWith.includes(uid));
}

export function createWorkspaceService(store: DocumentStore, clock: Clock = systemClock): WorkspaceService {
  const path = paths.workspace;
  const get = (t: string, id: string) => store.get<WorkspaceRecord>(path(t, id));
  return {
    get,
    async getVisible(tenantId, id, uid) {
      const ws = await get(tenantId, id);
      if (!ws || !canSee(ws, uid)) throw new AppError("not-found", `workspace ${id} not found`);
      return ws;
    },
    async save(tenantId, ownerId, input, existing) {
      const now = clock.now().toISOString();
      const id = existing?.id ?? input.id ?? randomUUID();
      const rec: WorkspaceRecord = {
        id,
        tenantId,
        ownerId: existing?.ownerId ?? ownerId,
        name: input.name,
        visibility: input.visibility,
        sharedWith: input.visibility === "shared" ? [...new Set(input.sharedWith)] : [],
        view: input.view,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await store.set(path(tenantId, id), rec);
      return rec;
    },
    async listVisible(tenantId, uid) {
      const page = await store.list<WorkspaceRecord>(paths.workspaces(tenantId), { limit: 500 });
      return page.docs.map((d) => d.data).filter((w) => canSee(w, uid));
    },
    async delete(tenantId, id) {
      await store.delete(path(tenantId, id));
    },
  };
}
