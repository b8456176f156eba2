import type { DocumentData } from "#kernel/ports.js";

/**
 * Value semantics shared by the local document stores, following Firestore's documented ordering
 * ("Ordering of value types"): null < boolean < number < string < array < map. Stored data is
 * JSON (a Date becomes its ISO string), so only those types occur. Strings compare by UTF-8 bytes,
 * as Firestore does, not by UTF-16 code units as JS `<` does.
 */

export type ValueKind = 0 | 1 | 2 | 3 | 4 | 5;

export function kindOf(v: unknown): ValueKind {
  if (v === null || v === undefined) return 0;
  if (typeof v === "boolean") return 1;
  if (typeof v === "number") return 2;
  if (typeof v === "string") return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

function cmpNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Math.sign(Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
}

/** Total order over stored values, across types (type rank first). */
export function compareValues(a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) return cmpNum(ka, kb);
  switch (ka) {
    case 0:
      return 0;
    case 1:
      return cmpNum(Number(a), Number(b));
    case 2:
      return cmpNum(a as number, b as number);
    case 3:
      return compareStrings(a as string, b as string);
    case 4: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareValues(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return cmpNum(xa.length, xb.length);
    }
    default: {
      const ma = a as Record<string, unknown>;
      const mb = b as Record<string, unknown>;
      const ea = Object.keys(ma).sort(compareStrings);
      const eb = Object.keys(mb).sort(compareStrings);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const c = compareStrings(ea[i] as string, eb[i] as string) || compareValues(ma[ea[i] as string], mb[eb[i] as string]);
        if (c !== 0) return c;
      }
      return cmpNum(ea.length, eb.length);
    }
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/**
 * Normalizes caller data into what is stored: a JSON object, deep-copied so that later
 * mutation by the caller cannot change the stored document.
 */
export function toStoredData(data: unknown): DocumentData {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new TypeError("document data must be a plain object");
  }
  let text: string;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw new TypeError(`document data is not serializable: ${(err as Error).message}`);
  }
  return JSON.parse(text) as DocumentData;
}
