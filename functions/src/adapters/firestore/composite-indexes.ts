import type { WhereOp } from "#kernel/ports.js";
import { compareStrings } from "../local/document-values.js";
import type { RegisteredQuery } from "./query-registry.js";

/**
 * The composite indexes registered queries need, in firestore.indexes.json's format.
 *
 * Firestore serves a query on one field from its automatic single-field indexes. A query on two
 * or more fields needs a composite index: first the equality fields (`==`, `in`;
 * `array-contains` as an array field), then the order the store asks for (explicit orderBy, then
 * inequality fields not ordered, lexicographic, in the last direction: firestore-query.ts), the
 * document id following in that direction implicitly. Queries with only equality filters could
 * be served by merging single-field indexes, but Firestore advises a composite index for them
 * (a merge can be slow, or refused, on large collections), so they get one too.
 *
 * @example
 *   indexesFor(QUERY_REGISTRY).indexes; // [{ collectionGroup: "alert_deliveries", queryScope: "COLLECTION", fields: [...] }, ...]
 */
export interface IndexField {
  fieldPath: string;
  order?: "ASCENDING" | "DESCENDING";
  arrayConfig?: "CONTAINS";
}

export interface CompositeIndex {
  collectionGroup: string;
  queryScope: "COLLECTION" | "COLLECTION_GROUP";
  fields: IndexField[];
}

export interface IndexFile {
  indexes: CompositeIndex[];
  fieldOverrides: unknown[];
}

const INEQUALITY: ReadonlySet<WhereOp> = new Set<WhereOp>(["!=", "<", "<=", ">", ">="]);

/** Every combination of the optional filters: each is a query of its own. */
function variants(q: RegisteredQuery): RegisteredQuery[] {
  const optional = [...new Set(q.optional ?? [])];
  const out: RegisteredQuery[] = [];
  for (let mask = 0; mask < 1 << optional.length; mask++) {
    const dropped = new Set(optional.filter((_, i) => (mask & (1 << i)) !== 0));
    out.push({ ...q, where: (q.where ?? []).filter(([f]) => !dropped.has(f)), optional: [] });
  }
  return out;
}

/** The composite index one concrete query needs, or null when single-field indexes serve it. */
export function indexFor(q: RegisteredQuery): CompositeIndex | null {
  const where = q.where ?? [];
  const order = (q.orderBy ?? []).map((o) => ({ field: o.field, desc: o.direction === "desc" }));
  const lastDesc = order.length > 0 ? (order[order.length - 1] as { desc: boolean }).desc : false;
  const ordered = new Set(order.map((o) => o.field));
  const inequality = [...new Set(where.filter(([f, op]) => INEQUALITY.has(op) && !ordered.has(f)).map(([f]) => f))].sort(compareStrings);
  for (const f of inequality) order.push({ field: f, desc: lastDesc });
  const orderFields = new Set(order.map((o) => o.field));
  const fields: IndexField[] = [];
  const seen = new Set<string>();
  for (const [f, op] of where) {
    if (INEQUALITY.has(op) || orderFields.has(f)) continue;
    const key = `${f}:${op === "array-contains" ? "contains" : "eq"}`;
    if (seen.has(key)) continue;
    seen.add(key);
    fields.push(op === "array-contains" ? { fieldPath: f, arrayConfig: "CONTAINS" } : { fieldPath: f, order: "ASCENDING" });
  }
  for (const o of order) fields.push({ fieldPath: o.field, order: o.desc ? "DESCENDING" : "ASCENDING" });
  if (fields.length < 2) return null;
  return { collectionGroup: q.collection, queryScope: q.scope ?? "COLLECTION", fields };
}

const keyOf = (i: CompositeIndex) => JSON.stringify([i.collectionGroup, i.queryScope, i.fields.map((f) => [f.fieldPath, f.order ?? "", f.arrayConfig ?? ""])]);

/** Each distinct index the registered queries need, in a stable order, as firestore.indexes.json holds them. */
export function indexesFor(registry: readonly RegisteredQuery[]): IndexFile {
  const byKey = new Map<string, CompositeIndex>();
  for (const q of registry) {
    for (const v of variants(q)) {
      const index = indexFor(v);
      if (index) byKey.set(keyOf(index), index);
    }
  }
  const indexes = [...byKey.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, i]) => i);
  return { indexes, fieldOverrides: [] };
}

/** The identity of an index for comparing files (field order matters; formatting does not). */
export function indexKey(i: CompositeIndex): string {
  return keyOf(i);
}
