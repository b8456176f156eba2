import { z } from "zod";

/**
 * Maps a flat key (`RATE_LIMIT_OVERRIDES_getCostSummary_POINTS` split on "_") to a config path
 * (`["rate_limit", "overrides", "getCostSummary", "points"]`) using the schema, because snake_case
 * keys contain "_" themselves: `A_B → a.b` alone would be ambiguous. Schema keys match
 * case-insensitively; record keys (endpoint or flag names) keep their case.
 */
function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.unwrap() as z.ZodType;
    } else return s;
  }
}

export function resolvePath(schema: z.ZodType, segments: string[]): string[] | null {
  if (segments.length === 0) return [];
  const node = unwrap(schema);
  if (node instanceof z.ZodObject) {
    const shape = node.shape as Record<string, z.ZodType>;
    // Longest key first, so "rate_limit" wins over a hypothetical "rate".
    for (let take = segments.length; take >= 1; take--) {
      const key = segments.slice(0, take).join("_").toLowerCase();
      const child = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (!child) continue;
      const rest = resolvePath(child, segments.slice(take));
      if (rest) return [key, ...rest];
    }
    return null;
  }
  if (node instanceof z.ZodRecord) {
    const valueSchema = node.valueType as z.ZodType;
    for (let take = 1; take <= segments.length; take++) {
      const rest = resolvePath(valueSchema, segments.slice(take));
      if (rest) return [segments.slice(0, take).join("_"), ...rest];
    }
    return null;
  }
  // A leaf: only an exact end of the segments lands here.
  return null;
}

/** Whether the path names an object or record (so a JSON value may be given for it). */
export function isContainerPath(schema: z.ZodType, path: string[]): boolean {
  let node = unwrap(schema);
  for (const key of path) {
    if (node instanceof z.ZodObject) {
      const child = (node.shape as Record<string, z.ZodType>)[key];
      if (!child) return false;
      node = unwrap(child);
    } else if (node instanceof z.ZodRecord) {
      node = unwrap(node.valueType as z.ZodType);
    } else return false;
  }
  return node instanceof z.ZodObject || node instanceof z.ZodRecord;
}
