import { AppError } from "#kernel/errors.js";
import { type DocumentData, type DocumentWrite, MAX_ATOMIC_WRITES } from "#kernel/ports.js";
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

/**
 * The other writes of one `updateWithWrites` (of the document at `updatedPath`), checked as
 * `setMany` checks its batch and folded to one write per path in list order (a replace resets
 * the path, a merge adds its top-level fields to what came before), so that every store applies
 * them the same way in one atomic step. Refuses, as `invalid-argument`, a bad write, a write to
 * the updated document itself (which of the two would win?), and more documents than one
 * atomic step may write.
 */
export function prepareAtomicWrites(updatedPath: string, writes: readonly DocumentWrite[]): PreparedWrite[] {
  let prepared: PreparedWrite[];
  try {
    prepared = prepareWrites(writes);
  } catch (err) {
    throw new AppError("invalid-argument", `updateWithWrites: ${(err as Error).message}`, { cause: err });
  }
  const folded = new Map<string, PreparedWrite>();
  for (const w of prepared) {
    if (w.doc.path === updatedPath) throw new AppError("invalid-argument", "updateWithWrites: a write may not target the updated document");
    const before = folded.get(w.doc.path);
    folded.set(w.doc.path, w.merge && before ? { ...before, data: { ...before.data, ...w.data } } : w);
  }
  if (folded.size + 1 > MAX_ATOMIC_WRITES) {
    throw new AppError("invalid-argument", `updateWithWrites: ${folded.size + 1} documents, more than ${MAX_ATOMIC_WRITES} in one atomic step`);
  }
  return [...folded.values()];
}
