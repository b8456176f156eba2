import { z } from "zod";
import type { Doc, DocumentData, ListQuery, Page, WhereOp } from "#kernel/ports.js";
import { compareStrings, compareValues, kindOf, valuesEqual } from "./document-values.js";

/**
 * Evaluates a ListQuery over the documents of one collection, the way Firestore does:
 * - a filter never matches a document that lacks the field; `!=` also skips null
 *   (Firestore docs, "Not equal (!=)");
 * - range filters only match values of the filter value's type ("Query limitations": mixed types);
 * - `in` takes 1 to 30 values;
 * - order is the explicit orderBy fields, then inequality fields not yet ordered (lexicographic),
 *   then the document id, implicit ones in the direction of the last explicit orderBy;
 *   a document without an ordered field is left out;
 * - cursors are positions in that order, so a page never repeats or skips a document.
 */

const WHERE_OPS = ["==", "!=", "<", "<=", ">", ">=", "in", "array-contains"] as const satisfies readonly WhereOp[];
const INEQUALITY: ReadonlySet<WhereOp> = new Set<WhereOp>(["!=", "<", "<=", ">", ">="]);
export const MAX_IN_VALUES = 30;

const FieldName = z.string().min(1, "field name must not be empty");

const ListQuerySchema = z
  .object({
    where: z.array(z.tuple([FieldName, z.enum(WHERE_OPS), z.unknown()])).optional(),
    orderBy: z
      .array(z.object({ field: FieldName, direction: z.enum(["asc", "desc"]).optional() }).strict())
      .optional(),
    limit: z.number().int().positive().optional(),
    startAfter: z.string().min(1).optional(),
  })
  .strict();

interface OrderKey {
  field: string;
  desc: boolean;
}

interface Cursor {
  /** Order fields the cursor was made for, to refuse a cursor from another query. */
  o: string[];
  v: unknown[];
  id: string;
}

export function validateListQuery(query: ListQuery | undefined): ListQuery {
  const parsed = ListQuerySchema.safeParse(query ?? {});
  if (!parsed.success) throw new TypeError(`invalid list query: ${z.prettifyError(parsed.error)}`);
  const q = parsed.data as ListQuery;
  for (const [field, op, value] of q.where ?? []) {
    if (op === "in") {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES) {
        throw new TypeError(`invalid list query: "in" on ${field} needs an array of 1 to ${MAX_IN_VALUES} values`);
      }
    } else if (op !== "==" && op !== "!=" && op !== "array-contains" && (value === null || value === undefined)) {
      throw new TypeError(`invalid list query: ${op} on ${field} cannot compare with null`);
    } else if (value === undefined) {
      throw new TypeError(`invalid list query: ${op} on ${field} needs a value`);
    }
  }
  if ((q.where ?? []).filter(([, op]) => op === "array-contains").length > 1) {
    throw new TypeError('invalid list query: at most one "array-contains" filter');
  }
  return q;
}

function has(data: DocumentData, field: string): boolean {
  return Object.hasOwn(data, field);
}

export function matchesFilter(data: DocumentData, field: string, op: WhereOp, value: unknown): boolean {
  if (!has(data, field)) return false;
  const v = data[field];
  switch (op) {
    case "==":
      return valuesEqual(v, value);
    case "!=":
      return v !== null && !valuesEqual(v, value);
    case "in":
      return (value as unknown[]).some((x) => valuesEqual(v, x));
    case "array-contains":
      return Array.isArray(v) && v.some((x) => valuesEqual(x, value));
    default: {
      if (kindOf(v) !== kindOf(value)) return false;
      const c = compareValues(v, value);
      if (op === "<") return c < 0;
      if (op === "<=") return c <= 0;
      if (op === ">") return c > 0;
      return c >= 0;
    }
  }
}

function orderKeys(q: ListQuery): OrderKey[] {
  const keys: OrderKey[] = (q.orderBy ?? []).map((o) => ({ field: o.field, desc: o.direction === "desc" }));
  const lastDesc = keys.length > 0 ? (keys[keys.length - 1] as OrderKey).desc : false;
  const ordered = new Set(keys.map((k) => k.field));
  const inequalityFields = [
    ...new Set((q.where ?? []).filter(([f, op]) => INEQUALITY.has(op) && !ordered.has(f)).map(([f]) => f)),
  ].sort(compareStrings);
  for (const f of inequalityFields) keys.push({ field: f, desc: lastDesc });
  return keys;
}

function lastDirectionDesc(q: ListQuery): boolean {
  const ob = q.orderBy ?? [];
  return ob.length > 0 && ob[ob.length - 1]?.direction === "desc";
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), "utf8").toString("base64url");
}

function decodeCursor(text: string, keys: OrderKey[]): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new TypeError("invalid list query: startAfter is not a cursor from this store");
  }
  const parsed = z
    .object({ o: z.array(z.string()), v: z.array(z.unknown()), id: z.string() })
    .safeParse(c);
  const expected = keys.map((k) => `${k.field}:${k.desc ? "desc" : "asc"}`);
  if (!parsed.success || JSON.stringify(parsed.data.o) !== JSON.stringify(expected)) {
    throw new TypeError("invalid list query: startAfter is not a cursor from this query");
  }
  return parsed.data as Cursor;
}

interface Candidate<T extends DocumentData> {
  doc: Doc<T>;
  key: unknown[];
}

/** Runs `query` over `docs`, which must all be direct children of one collection. */
export function runListQuery<T extends DocumentData>(docs: Iterable<Doc<T>>, query?: ListQuery): Page<T> {
  const q = validateListQuery(query);
  const keys = orderKeys(q);
  const idDesc = lastDirectionDesc(q);
  const cmp = (a: { key: unknown[]; id: string }, b: { key: unknown[]; id: string }): number => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a.key[i], b.key[i]);
      if (c !== 0) return (keys[i] as OrderKey).desc ? -c : c;
    }
    const c = compareStrings(a.id, b.id);
    return idDesc ? -c : c;
  };

  const selected: Candidate<T>[] = [];
  for (const doc of docs) {
    if (!(q.where ?? []).every(([f, op, v]) => matchesFilter(doc.data, f, op, v))) continue;
    if (!keys.every((k) => has(doc.data, k.field))) continue;
    selected.push({ doc, key: keys.map((k) => doc.data[k.field]) });
  }
  selected.sort((a, b) => cmp({ key: a.key, id: a.doc.id }, { key: b.key, id: b.doc.id }));

  let start = 0;
  if (q.startAfter !== undefined) {
    const c = decodeCursor(q.startAfter, keys);
    const pos = { key: c.v, id: c.id };
    while (start < selected.length && cmp({ key: (selected[start] as Candidate<T>).key, id: (selected[start] as Candidate<T>).doc.id }, pos) <= 0) start++;
  }
  const end = q.limit === undefined ? selected.length : Math.min(selected.length, start + q.limit);
  const page = selected.slice(start, end);
  const result: Page<T> = { docs: page.map((c) => c.doc) };
  const last = page[page.length - 1];
  if (end < selected.length && last) {
    result.next = encodeCursor({ o: keys.map((k) => `${k.field}:${k.desc ? "desc" : "asc"}`), v: last.key, id: last.doc.id });
  }
  return result;
}
