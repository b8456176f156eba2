import { isObject, Unknown, type Value } from "./hcl-eval.js";
import { type Expr, parseTemplate } from "./hcl-expr.js";

/**
 * Terraform type constraints (`string`, `list(string)`, `map(object({ a = number, b = optional(bool) }))`,
 * `any`) and whether a value conforms, as `terraform plan` checks a variable's value against its
 * `type`: an object type needs each of its attributes unless it is `optional(...)`; extra
 * attributes are dropped; unknown values conform.
 */
export type TfType =
  | { t: "string" | "number" | "bool" | "any" }
  | { t: "list" | "set" | "map"; of: TfType }
  | { t: "object"; attrs: Record<string, { type: TfType; optional: boolean }> }
  | { t: "tuple"; items: TfType[] };

export function parseType(text: string): TfType {
  return fromExpr(parseTemplate(text));
}

function fromExpr(e: Expr): TfType {
  if (e.k === "var" && ["string", "number", "bool", "any"].includes(e.name)) return { t: e.name as "string" | "number" | "bool" | "any" };
  if (e.k === "call") {
    const arg = e.args[0];
    if ((e.name === "list" || e.name === "set" || e.name === "map") && arg) return { t: e.name, of: fromExpr(arg) };
    if (e.name === "tuple" && arg?.k === "tuple") return { t: "tuple", items: arg.items.map(fromExpr) };
    if (e.name === "object" && arg?.k === "object") {
      const attrs: Record<string, { type: TfType; optional: boolean }> = {};
      for (const it of arg.items) {
        const key = it.key.k === "lit" ? String(it.key.v) : it.key.k === "var" ? it.key.name : "?";
        const v = it.value;
        if (v.k === "call" && v.name === "optional" && v.args[0]) attrs[key] = { type: fromExpr(v.args[0]), optional: true };
        else attrs[key] = { type: fromExpr(v), optional: false };
      }
      return { t: "object", attrs };
    }
  }
  throw new Error("unsupported type constraint");
}

/** Why `v` does not conform to `type`, or null when it does. */
export function typeMismatch(v: Value, type: TfType, path = ""): string | null {
  if (v instanceof Unknown || v === null || type.t === "any") return null;
  const at = path ? `${path}: ` : "";
  switch (type.t) {
    case "string":
      return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? null : `${at}a string is required`;
    case "number":
      return typeof v === "number" || (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) ? null : `${at}a number is required`;
    case "bool":
      return typeof v === "boolean" || v === "true" || v === "false" ? null : `${at}a bool is required`;
    case "list":
    case "set":
      if (!Array.isArray(v)) return `${at}a ${type.t} is required`;
      for (let i = 0; i < v.length; i++) {
        const m = typeMismatch(v[i], type.of, `${path}[${i}]`);
        if (m) return m;
      }
      return null;
    case "tuple":
      if (!Array.isArray(v) || v.length !== type.items.length) return `${at}a tuple of ${type.items.length} elements is required`;
      for (let i = 0; i < v.length; i++) {
        const m = typeMismatch(v[i], type.items[i] as TfType, `${path}[${i}]`);
        if (m) return m;
      }
      return null;
    case "map":
      if (!isObject(v)) return `${at}a map is required`;
      for (const [k, x] of Object.entries(v)) {
        const m = typeMismatch(x, type.of, `${path}["${k}"]`);
        if (m) return m;
      }
      return null;
    case "object":
      if (!isObject(v)) return `${at}an object is required`;
      for (const [k, a] of Object.entries(type.attrs)) {
        if (!Object.hasOwn(v, k)) {
          if (a.optional) continue;
          return `${path ? `${path}: ` : ""}attribute "${k}" is required`;
        }
        const m = typeMismatch(v[k], a.type, `${path}.${k}`);
        if (m) return m;
      }
      return null;
  }
}
