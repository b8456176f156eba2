/**
 * Orders strings by Unicode code point, which is the byte order of their UTF-8 form: how the
 * warehouse sorts text and how Firestore orders document ids. JavaScript's `<` compares UTF-16
 * code units, which differs for characters outside the Basic Multilingual Plane.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
    // The strings agree before i, so both code points start (or continue a pair) at i.
    return a.codePointAt(i)! < b.codePointAt(i)! ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
