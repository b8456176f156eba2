/**
 * Firestore's path model: slash-separated segments, collections at odd depths, documents at even
 * depths ("tenants/t1" is a document, "tenants/t1/budgets" a collection). Segments are non-empty,
 * may not be "." or "..", and may not match __.*__ (reserved), as in Firestore's limits page.
 */

export interface DocPath {
  path: string;
  collection: string;
  id: string;
}

function segments(path: string, kind: "document" | "collection"): string[] {
  if (typeof path !== "string" || path.length === 0) throw new TypeError(`invalid ${kind} path: empty`);
  const parts = path.split("/");
  for (const p of parts) {
    if (p.length === 0 || p === "." || p === ".." || /^__.*__$/.test(p)) {
      throw new TypeError(`invalid ${kind} path ${JSON.stringify(path)}: bad segment ${JSON.stringify(p)}`);
    }
  }
  return parts;
}

export function parseDocPath(path: string): DocPath {
  const parts = segments(path, "document");
  if (parts.length % 2 !== 0) {
    throw new TypeError(`invalid document path ${JSON.stringify(path)}: needs an even number of segments`);
  }
  const id = parts[parts.length - 1] as string;
  return { path, collection: parts.slice(0, -1).join("/"), id };
}

export function parseCollectionPath(path: string): string {
  const parts = segments(path, "collection");
  if (parts.length % 2 !== 1) {
    throw new TypeError(`invalid collection path ${JSON.stringify(path)}: needs an odd number of segments`);
  }
  return path;
}
