/**
 * FOCUS Tags is a JSON object of key/value pairs (FOCUS 1.2, column Tags). Values should be
 * strings; numbers, booleans and nested values are kept as their JSON text so no tag is lost.
 */
export type TagMap = Record<string, string>;

export type TagParse = { ok: true; tags: TagMap } | { ok: false; message: string };

export function parseTags(text: string | null): TagParse {
  if (text === null) return { ok: true, tags: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: "Tags is not valid JSON" };
  }
  if (value === null) return { ok: true, tags: {} };
  if (typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: "Tags must be a JSON object of key/value pairs" };
  }
  const tags: TagMap = {};
  for (const [k, v] of Object.entries(value)) {
    tags[k] = typeof v === "string" ? v : v === null ? "" : JSON.stringify(v);
  }
  return { ok: true, tags };
}

/**
 * Tags of a record merged from several rows: only the pairs every row agrees on survive,
 * so a daily record never claims a tag that some of its hours did not carry.
 */
export function intersectTags(a: TagMap, b: TagMap): TagMap {
  const out: TagMap = {};
  for (const [k, v] of Object.entries(a)) if (Object.hasOwn(b, k) && b[k] === v) out[k] = v;
  return out;
}
