import { z } from "zod";
import type { DocumentData, DocumentStore } from "#kernel/ports.js";
import { AppError, notFound } from "#kernel/errors.js";

/** Document ids the API accepts: what Firestore allows, minus anything path-like. */
export const DocId = z.string().regex(/^[A-Za-z0-9_.~-]{1,128}$/, "invalid id").refine((s) => s !== "." && s !== "..", "invalid id");
export const PageSize = z.number().int().min(1).max(200).default(50);
export const Cursor = z.string().min(1).max(2000).optional();

export interface ListPage<T> {
  items: (T & { id: string })[];
  next: string | null;
}

/** One page of a tenant collection (a `paths.*` collection), ids included. The cursor comes from the store's own `next`. */
export async function listTenantDocs<T extends DocumentData>(
  store: DocumentStore,
  collectionPath: string,
  opts: { limit: number; cursor?: string | undefined; where?: [string, "==", unknown][] },
): Promise<ListPage<T>> {
  let page: Awaited<ReturnType<DocumentStore["list"]>>;
  try {
    page = await store.list<T>(collectionPath, {
      limit: opts.limit,
      ...(opts.where?.length ? { where: opts.where } : {}),
      ...(opts.cursor ? { startAfter: opts.cursor } : {}),
    });
  } catch (err) {
    // A cursor from another query or tenant is the caller's mistake, not ours.
    if (opts.cursor && err instanceof TypeError) throw new AppError("invalid-argument", "invalid cursor");
    throw err;
  }
  return { items: page.docs.map((d) => ({ ...(d.data as T), id: d.id })), next: page.next ?? null };
}

/** One document by its `paths.*` path, id included; `not-found` names `what`. */
export async function getTenantDoc<T extends DocumentData>(store: DocumentStore, path: string, id: string, what: string): Promise<T & { id: string }> {
  const doc = await store.get<T>(path);
  if (!doc) throw notFound(`${what} ${id}`);
  return { ...doc, id };
}
