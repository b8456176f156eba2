import type { DocumentData, DocumentWrite } from "#kernel/ports.js";
import { type DocPath, parseDocPath } from "./document-paths.js";
import { toStoredData } from "./document-values.js";

/** A `setMany` entry after validation: parsed path, stored (copied) data. */
export interface PreparedWrite {
  doc: DocPath;
  data: DocumentData;
  merge: boolean;
}

/**
 * Checks a whole `setMany` batch before anything is written, with `set`'s rules (path model,
 * plain serializable object), so that a bad entry anywhere leaves the store untouched.
 */
export function prepareWrites(writes: readonly DocumentWrite[]): PreparedWrite[] {
  if (!Array.isArray(writes)) throw new TypeError("writes must be an array");
  return writes.map((w, i) => {
    if (w === null || typeof w !== "object") throw new TypeError(`write at index ${i} must be an object`);
    try {
      return { doc: parseDocPath(w.path), data: toStoredData(w.data), merge: w.merge === true };
    } catch (err) {
      throw new TypeError(`write at index ${i}: ${(err as Error).message}`);
    }
  });
}
