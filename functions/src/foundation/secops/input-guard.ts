import { INJECTION_RULES } from "./injection-rules.js";


export interface InjectionFinding {
  kind: "sql" | "prompt";
  rule: string;
}

/** Zero-width and bidi controls that attackers use to split keywords past a regex. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

function normalize(text: string): string {
  return text.normalize("NFKC").replace(INVISIBLE, "").replace(/\/\*\*\//g, " ");
}

/** First rule of {@link INJECTION_RULES} that matches `text`, or null. */
export function findInjection(text: string): InjectionFinding | null {
  const normalized = normalize(text);
  for (const r of INJECTION_RULES) {
    if (r.pattern.test(normalized)) return { kind: r.kind, rule: r.rule };
  }
  return null;
}

/**
 * Walks every string in a parsed input (objects and arrays) and returns the first injection
 * found with its dotted path. For checking all free-text fields of a callable's input at once.
 */
export function findInjectionIn(value: unknown, path = ""): (InjectionFinding & { path: string }) | null {
  if (typeof value === "string") {
    const hit = findInjection(value);
    return hit ? { ...hit, path } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const hit = findInjectionIn(item, path ? `${path}.${i}` : String(i));
      if (hit) return hit;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const hit = findInjectionIn(v, path ? `${path}.${k}` : k);
      if (hit) return hit;
    }
  }
  return null;
}
