import { DocumentReference, GeoPoint, Timestamp } from "firebase-admin/firestore";
import type { DocumentData } from "#kernel/ports.js";
import { toStoredData } from "../local/document-values.js";
import { checked, invalid } from "./firestore-errors.js";

/**
 * What crosses the DocumentStore port is plain JSON, the same as in the local stores: strings,
 * numbers, booleans, null, arrays and maps. Going in, data is copied through JSON (a Date becomes
 * its ISO string, undefined fields vanish, so Firestore never makes a Timestamp of ours) and then
 * checked against Firestore's own limits before anything is sent, so that a `setMany` longer than
 * one batch cannot fail half-way on a value. Coming out, the types Firestore has and JSON has not
 * (a Timestamp another writer stored, a GeoPoint, a reference, bytes, a vector) become JSON.
 */

/** Firestore refuses field paths deeper than this (the SDK's MAX_DEPTH). */
const MAX_DEPTH = 20;

function checkValue(v: unknown, depth: number, inArray: boolean, where: string): void {
  if (depth > MAX_DEPTH) throw invalid(`document data is nested deeper than ${MAX_DEPTH} levels at ${where}`);
  if (Array.isArray(v)) {
    // Firestore stores no array directly inside another array.
    if (inArray) throw invalid(`document data holds an array directly inside an array at ${where}`);
    for (const [i, x] of v.entries()) checkValue(x, depth + 1, true, `${where}[${i}]`);
    return;
  }
  if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k.length === 0 || /^__.*__$/.test(k)) throw invalid(`document data holds a field name Firestore refuses at ${where}: ${JSON.stringify(k)}`);
      checkValue(x, depth + 1, false, where ? `${where}.${k}` : k);
    }
  }
}

/**
 * Caller data → what is written: a JSON copy that Firestore accepts; `invalid-argument` otherwise.
 *
 * @example
 *   toFirestoreData({ at: new Date(0), skip: undefined }); // { at: "1970-01-01T00:00:00.000Z" }
 */
export function toFirestoreData(data: unknown): DocumentData {
  const stored = checked(() => toStoredData(data));
  for (const [k, v] of Object.entries(stored)) {
    if (k.length === 0 || /^__.*__$/.test(k)) throw invalid(`document data holds a field name Firestore refuses: ${JSON.stringify(k)}`);
    checkValue(v, 0, false, k);
  }
  return stored;
}

/** One value read from Firestore → JSON. */
export function fromFirestoreValue(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (v instanceof Timestamp) return v.toDate().toISOString();
  if (v instanceof GeoPoint) return { latitude: v.latitude, longitude: v.longitude };
  if (v instanceof DocumentReference) return v.path;
  // firebase-admin does not export VectorValue, the class of a stored vector: recognize it by name.
  if (v.constructor?.name === "VectorValue" && typeof (v as { toArray?: unknown }).toArray === "function") {
    return (v as { toArray(): number[] }).toArray();
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (Array.isArray(v)) return v.map(fromFirestoreValue);
  const out: DocumentData = {};
  for (const [k, x] of Object.entries(v)) out[k] = fromFirestoreValue(x);
  return out;
}

/** A document's data as read → what the port returns. */
export function fromFirestoreData(data: DocumentData): DocumentData {
  return fromFirestoreValue(data) as DocumentData;
}
