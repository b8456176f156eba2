import { FieldPath, type Query, type QueryDocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import type { ListQuery, WhereOp } from "#kernel/ports.js";
import { segment } from "#kernel/document-paths.js";
import { compareStrings } from "../local/document-values.js";
import { validateListQuery } from "../local/document-query.js";
import { checked, invalid } from "./firestore-errors.js";
import { fromFirestoreValue } from "./firestore-values.js";

/**
 * A ListQuery as a Firestore query, with the order made explicit: the orderBy fields, then the
 * inequality fields not yet ordered (lexicographic), then the document id, the implicit ones in
 * the direction of the last explicit orderBy. That is the order Firestore applies on its own
 * (and the local stores copy); spelling it out lets a cursor carry one value per order field,
 * which `startAfter(...values, id)` turns back into the position after the last document seen.
 *
 * The cursor is opaque to callers: base64url JSON of the order it was made for and the values.
 * A cursor from another query (other order) or that is not one at all is `invalid-argument`.
 */

const INEQUALITY: ReadonlySet<WhereOp> = new Set<WhereOp>(["!=", "<", "<=", ">", ">="]);

export interface OrderKey {
  field: string;
  desc: boolean;
}

export interface PreparedQuery {
  query: ListQuery;
  keys: OrderKey[];
  idDesc: boolean;
}

/** Validates a ListQuery with the local stores' rules (`in` 1–30 values, positive whole limit…). */
export function prepareQuery(query: ListQuery | undefined): PreparedQuery {
  const q = checked(() => validateListQuery(query));
  const named = [...(q.where ?? []).map(([f]) => f), ...(q.orderBy ?? []).map((o) => o.field)];
  for (const f of named) {
    if (/^__.*__$/.test(f)) throw invalid(`invalid list query: field name ${JSON.stringify(f)} is reserved`);
  }
  const keys: OrderKey[] = (q.orderBy ?? []).map((o) => ({ field: o.field, desc: o.direction === "desc" }));
  const lastDesc = keys.length > 0 ? (keys[keys.length - 1] as OrderKey).desc : false;
  const ordered = new Set(keys.map((k) => k.field));
  const inequality = [...new Set((q.where ?? []).filter(([f, op]) => INEQUALITY.has(op) && !ordered.has(f)).map(([f]) => f))];
  for (const f of inequality.sort(compareStrings)) keys.push({ field: f, desc: lastDesc });
  return { query: q, keys, idDesc: lastDesc };
}

const orderSpec = (keys: OrderKey[]) => keys.map((k) => `${k.field}:${k.desc ? "desc" : "asc"}`);

/** A cursor value: JSON as read, or a Timestamp kept exact so the position is too. */
const CursorValue = z.union([z.strictObject({ j: z.unknown() }), z.strictObject({ t: z.tuple([z.number().int(), z.number().int().min(0)]) })]);
const CursorSchema = z.strictObject({ o: z.array(z.string()), v: z.array(CursorValue), id: z.string() });

function encodeValue(v: unknown): z.infer<typeof CursorValue> {
  return v instanceof Timestamp ? { t: [v.seconds, v.nanoseconds] } : { j: fromFirestoreValue(v) };
}

/** The cursor after `doc` in the order of `p`. */
export function cursorAfter(doc: QueryDocumentSnapshot, p: PreparedQuery): string {
  const cursor = { o: orderSpec(p.keys), v: p.keys.map((k) => encodeValue(doc.get(new FieldPath(k.field)))), id: doc.id };
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

function decodeCursor(text: string, p: PreparedQuery): { values: unknown[]; id: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch (err) {
    throw invalid("invalid list query: startAfter is not a cursor from this store", err);
  }
  const parsed = CursorSchema.safeParse(raw);
  if (!parsed.success || parsed.data.v.length !== p.keys.length) {
    throw invalid("invalid list query: startAfter is not a cursor from this store");
  }
  if (JSON.stringify(parsed.data.o) !== JSON.stringify(orderSpec(p.keys))) {
    throw invalid("invalid list query: startAfter is not a cursor from this query");
  }
  const id = checked(() => segment(parsed.data.id, "cursor"));
  const values = parsed.data.v.map((v) => ("t" in v ? new Timestamp(v.t[0], v.t[1]) : v.j));
  return { values, id };
}

/**
 * The Firestore query for one page: filters, the explicit order, the cursor, and one document
 * more than the limit, which tells whether another page follows.
 */
export function buildQuery(base: Query, p: PreparedQuery): Query {
  let q = base;
  for (const [field, op, value] of p.query.where ?? []) q = q.where(new FieldPath(field), op, value);
  for (const k of p.keys) q = q.orderBy(new FieldPath(k.field), k.desc ? "desc" : "asc");
  q = q.orderBy(FieldPath.documentId(), p.idDesc ? "desc" : "asc");
  if (p.query.startAfter !== undefined) {
    const { values, id } = decodeCursor(p.query.startAfter, p);
    q = q.startAfter(...values, id);
  }
  if (p.query.limit !== undefined) q = q.limit(p.query.limit + 1);
  return q;
}
