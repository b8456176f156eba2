import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Expr } from "./hcl-expr.js";

/**
 * Evaluates HCL expressions the way `terraform plan` would for what is known before anything is
 * created: literals, variables, locals, module outputs, configured resource arguments. What only
 * the cloud knows (an account's e-mail, a service's URL, a data source) is an {@link Unknown} that
 * remembers which attributes it came from, so the drift checks can still tell which resource a
 * value points at. Functions are Terraform's, for the subset this repository uses; any other is an
 * error naming it.
 */

export class Unknown {
  /**
   * @param refs the attributes the value comes from (`module.x.google_service_account.fn["a"].email`)
   * @param template for a string built from a template: its text with `${?}` for each unknown part
   */
  constructor(
    readonly refs: readonly string[],
    readonly template?: string,
  ) {}
  static of(...values: unknown[]): Unknown {
    const refs = new Set<string>();
    for (const v of values) collectRefs(v, refs);
    return new Unknown([...refs].sort());
  }
}

function collectRefs(v: unknown, into: Set<string>): void {
  if (v instanceof Unknown) for (const r of v.refs) into.add(r);
  else if (Array.isArray(v)) for (const x of v) collectRefs(x, into);
  else if (isObject(v)) for (const x of Object.values(v)) collectRefs(x, into);
}

export type Value = unknown;

/** How an unknown part of a string template shows in {@link Unknown.template}. */
export const UNKNOWN_PART = "$" + "{?}";

export class HclEvalError extends Error {}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/** True when `v` or anything inside it is unknown. */
export function hasUnknown(v: unknown): boolean {
  if (v instanceof Unknown) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isObject(v)) return Object.values(v).some(hasUnknown);
  return false;
}

export interface Scope {
  /** Resolves a traversal root (`var`, `local`, `module`, `data`, a resource type, `each`, ...). */
  root(name: string): Value | RootResolver;
  /** The directory `file()` and `path.module` are relative to. */
  moduleDir: string;
}

/** A root that needs the next attribute names to resolve (a resource type needs its name, etc.). */
export interface RootResolver {
  get(name: string): Value | RootResolver;
}

export function isResolver(v: unknown): v is RootResolver {
  return typeof v === "object" && v !== null && typeof (v as RootResolver).get === "function" && !(v instanceof Unknown) && !Array.isArray(v);
}

export function evaluate(e: Expr, scope: Scope, locals: Map<string, Value> = new Map()): Value {
  const ev = (x: Expr, l: Map<string, Value>): Value => evaluate(x, scope, l);
  switch (e.k) {
    case "lit":
      return e.v;
    case "tmpl": {
      const parts = e.parts.map((p) => (typeof p === "string" ? p : ev(p, locals)));
      if (parts.some((p) => p instanceof Unknown)) {
        const text = parts.map((p) => (p instanceof Unknown ? (p.template ?? UNKNOWN_PART) : typeof p === "string" || typeof p === "number" || typeof p === "boolean" ? String(p) : UNKNOWN_PART)).join("");
        return new Unknown(Unknown.of(...parts).refs, text);
      }
      return parts.map((p) => toStr(p)).join("");
    }
    case "var": {
      if (locals.has(e.name)) return locals.get(e.name);
      return scope.root(e.name);
    }
    case "splatItem":
      return locals.get("\u0000splat");
    case "attr": {
      const obj = ev(e.obj, locals);
      return getAttr(obj, e.name);
    }
    case "index": {
      const obj = ev(e.obj, locals);
      const key = ev(e.key, locals);
      return getIndex(obj, key);
    }
    case "splat": {
      const obj = ev(e.obj, locals);
      if (obj instanceof Unknown) return obj;
      if (obj === null) return [];
      const list = Array.isArray(obj) ? obj : [obj];
      return list.map((item) => ev(e.each, new Map([...locals, ["\u0000splat", item]])));
    }
    case "call": {
      if (e.name === "try") {
        for (const a of e.args) {
          try {
            return ev(a, locals);
          } catch (err) {
            if (!(err instanceof HclEvalError)) throw err;
          }
        }
        throw new HclEvalError("try(): no argument could be evaluated");
      }
      return callFunction(e.name, e.args.map((a) => ev(a, locals)), e.expand, scope);
    }
    case "tuple":
      return e.items.map((x) => ev(x, locals));
    case "object": {
      const out: Record<string, Value> = {};
      const unknownKeys: Value[] = [];
      for (const it of e.items) {
        const k = ev(it.key, locals);
        const v = ev(it.value, locals);
        if (k instanceof Unknown) unknownKeys.push(k);
        else out[toStr(k)] = v;
      }
      return unknownKeys.length > 0 ? Unknown.of(...unknownKeys, out) : out;
    }
    case "for": {
      const coll = ev(e.coll, locals);
      if (coll instanceof Unknown) return coll;
      const entries: [Value, Value][] = Array.isArray(coll)
        ? coll.map((v, i) => [i, v])
        : isObject(coll)
          ? Object.entries(coll).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          : (() => {
              throw new HclEvalError(`a for expression needs a list, set or map, got ${typeName(coll)}`);
            })();
      const tupleOut: Value[] = [];
      const objOut: Record<string, Value> = {};
      for (const [k, v] of entries) {
        const inner = new Map(locals);
        if (e.keyVar) inner.set(e.keyVar, k);
        inner.set(e.valVar, v);
        if (e.cond) {
          const c = ev(e.cond, inner);
          if (c instanceof Unknown) return Unknown.of(c);
          if (c !== true && c !== false) throw new HclEvalError(`a for expression's "if" must be a bool, got ${typeName(c)}`);
          if (!c) continue;
        }
        if (e.tuple) {
          tupleOut.push(ev(e.valExpr, inner));
        } else {
          const key = ev(e.keyExpr as Expr, inner);
          if (key instanceof Unknown) return Unknown.of(key);
          const ks = toStr(key);
          const val = ev(e.valExpr, inner);
          if (e.group) {
            const group = (objOut[ks] as Value[] | undefined) ?? [];
            group.push(val);
            objOut[ks] = group;
          } else {
            if (Object.hasOwn(objOut, ks)) throw new HclEvalError(`duplicate key "${ks}" in a for expression (use "..." to group)`);
            objOut[ks] = val;
          }
        }
      }
      return e.tuple ? tupleOut : objOut;
    }
    case "unary": {
      const x = ev(e.x, locals);
      if (x instanceof Unknown) return x;
      if (e.op === "!") return !asBool(x);
      return -asNumber(x);
    }
    case "binary": {
      const l = ev(e.l, locals);
      if (e.op === "&&" && l === false) return false;
      if (e.op === "||" && l === true) return true;
      const r = ev(e.r, locals);
      if (l instanceof Unknown || r instanceof Unknown) return Unknown.of(l, r);
      switch (e.op) {
        case "==":
          return deepEqual(l, r);
        case "!=":
          return !deepEqual(l, r);
        case "&&":
          return asBool(l) && asBool(r);
        case "||":
          return asBool(l) || asBool(r);
        case "+":
          return asNumber(l) + asNumber(r);
        case "-":
          return asNumber(l) - asNumber(r);
        case "*":
          return asNumber(l) * asNumber(r);
        case "/":
          return asNumber(l) / asNumber(r);
        case "%":
          return asNumber(l) % asNumber(r);
        case "<":
          return asNumber(l) < asNumber(r);
        case "<=":
          return asNumber(l) <= asNumber(r);
        case ">":
          return asNumber(l) > asNumber(r);
        case ">=":
          return asNumber(l) >= asNumber(r);
      }
      throw new HclEvalError(`unknown operator ${e.op}`);
    }
    case "cond": {
      const c = ev(e.c, locals);
      if (c instanceof Unknown) return Unknown.of(c, ev(e.t, locals), ev(e.f, locals));
      return asBool(c) ? ev(e.t, locals) : ev(e.f, locals);
    }
  }
}

export function getAttr(obj: Value, name: string): Value {
  if (obj instanceof Unknown) return obj;
  if (isResolver(obj)) return obj.get(name);
  if (isObject(obj)) {
    if (!Object.hasOwn(obj, name)) throw new HclEvalError(`object has no attribute "${name}"`);
    return obj[name];
  }
  if (obj === null) throw new HclEvalError(`attribute "${name}" of null`);
  throw new HclEvalError(`attribute "${name}" of a ${typeName(obj)}`);
}

export function getIndex(obj: Value, key: Value): Value {
  if (obj instanceof Unknown) return obj;
  if (key instanceof Unknown) return Unknown.of(key, obj);
  if (isResolver(obj)) return obj.get(toStr(key));
  if (Array.isArray(obj)) {
    const i = asNumber(key);
    if (!Number.isInteger(i) || i < 0 || i >= obj.length) throw new HclEvalError(`index ${i} out of range (length ${obj.length})`);
    return obj[i];
  }
  if (isObject(obj)) {
    const k = toStr(key);
    if (!Object.hasOwn(obj, k)) throw new HclEvalError(`no element "${k}" in the map (keys: ${Object.keys(obj).slice(0, 8).join(", ")})`);
    return obj[k];
  }
  throw new HclEvalError(`index into a ${typeName(obj)}`);
}

export function typeName(v: Value): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  if (v instanceof Unknown) return "unknown value";
  if (isResolver(v)) return "reference";
  return typeof v === "object" ? "map" : typeof v;
}

export function toStr(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new HclEvalError(`expected a string, got ${typeName(v)}`);
}

function asNumber(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  throw new HclEvalError(`expected a number, got ${typeName(v)}`);
}

function asBool(v: Value): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  throw new HclEvalError(`expected a bool, got ${typeName(v)}`);
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "string") return String(a) === b;
  if (typeof b === "number" && typeof a === "string") return String(b) === a;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && deepEqual(a[k], b[k]));
  }
  return false;
}

/* ------------------------------------------------------------------ functions */

type Fn = (args: Value[], scope: Scope) => Value;

const strict = (name: string, fn: (args: Value[], scope: Scope) => Value): Fn => {
  return (args, scope) => {
    if (args.some((a) => a instanceof Unknown)) return Unknown.of(...args);
    try {
      return fn(args, scope);
    } catch (e) {
      if (e instanceof HclEvalError) throw new HclEvalError(`${name}(): ${e.message}`);
      throw e;
    }
  };
};

function jsonOf(v: Value): string {
  return JSON.stringify(v, (_k, x) => x);
}

function uniq(list: Value[]): Value[] {
  const out: Value[] = [];
  for (const x of list) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

const FUNCTIONS: Record<string, Fn> = {
  merge: strict("merge", (args) => Object.assign({}, ...args.filter((a) => a !== null).map((a) => (isObject(a) ? a : fail(`expected maps, got ${typeName(a)}`))))),
  lookup: (args) => {
    const [m, k, d] = args;
    if (m instanceof Unknown || k instanceof Unknown) return Unknown.of(m, k);
    if (!isObject(m)) throw new HclEvalError(`lookup(): expected a map, got ${typeName(m)}`);
    const key = toStr(k);
    if (Object.hasOwn(m, key)) return m[key];
    if (args.length < 3) throw new HclEvalError(`lookup(): no key "${key}" and no default`);
    return d;
  },
  keys: strict("keys", ([m]) => (isObject(m) ? Object.keys(m).sort() : fail(`expected a map, got ${typeName(m)}`))),
  values: strict("values", ([m]) =>
    isObject(m)
      ? Object.keys(m)
          .sort()
          .map((k) => m[k])
      : fail(`expected a map, got ${typeName(m)}`),
  ),
  length: (args) => {
    const [x] = args;
    if (x instanceof Unknown) return x;
    if (Array.isArray(x)) return x.length;
    if (isObject(x)) return Object.keys(x).length;
    if (typeof x === "string") return [...x].length;
    throw new HclEvalError(`length(): of a ${typeName(x)}`);
  },
  contains: strict("contains", ([list, v]) => (Array.isArray(list) ? list.some((x) => deepEqual(x, v)) : fail(`expected a list, got ${typeName(list)}`))),
  concat: strict("concat", (args) => args.flatMap((a) => (Array.isArray(a) ? a : fail(`expected lists, got ${typeName(a)}`)))),
  flatten: (args) => {
    const flat = (x: Value): Value[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);
    const [x] = args;
    if (x instanceof Unknown) return x;
    if (!Array.isArray(x)) throw new HclEvalError(`flatten(): expected a list, got ${typeName(x)}`);
    return flat(x);
  },
  distinct: strict("distinct", ([x]) => (Array.isArray(x) ? uniq(x) : fail("expected a list"))),
  toset: (args) => {
    const [x] = args;
    if (x instanceof Unknown) return x;
    if (!Array.isArray(x)) throw new HclEvalError(`toset(): expected a list, got ${typeName(x)}`);
    return uniq(x).sort((a, b) => (jsonOf(a) < jsonOf(b) ? -1 : 1));
  },
  tolist: (args) => args[0],
  tomap: (args) => args[0],
  tostring: strict("tostring", ([x]) => (x === null ? null : toStr(x))),
  tonumber: strict("tonumber", ([x]) => (x === null ? null : asNumber(x))),
  tobool: strict("tobool", ([x]) => (x === null ? null : asBool(x))),
  jsonencode: strict("jsonencode", ([x]) => jsonOf(x)),
  jsondecode: strict("jsondecode", ([x]) => JSON.parse(toStr(x)) as Value),
  base64encode: strict("base64encode", ([x]) => Buffer.from(toStr(x), "utf8").toString("base64")),
  sha256: strict("sha256", ([x]) => createHash("sha256").update(toStr(x)).digest("hex")),
  file: strict("file", ([p], scope) => {
    const path = toStr(p);
    const full = isAbsolute(path) ? path : join(scope.moduleDir, path);
    try {
      return readFileSync(full, "utf8");
    } catch {
      throw new HclEvalError(`cannot read ${path}`);
    }
  }),
  filesha256: strict("filesha256", ([p], scope) => {
    const path = toStr(p);
    const full = isAbsolute(path) ? path : join(scope.moduleDir, path);
    try {
      return createHash("sha256").update(readFileSync(full)).digest("hex");
    } catch {
      throw new HclEvalError(`cannot read ${path}`);
    }
  }),
  format: strict("format", ([f, ...rest]) => {
    let i = 0;
    return toStr(f).replace(/%([sdv%])/g, (_m, c: string) => (c === "%" ? "%" : toStr(rest[i++] ?? fail("too few arguments"))));
  }),
  join: strict("join", ([sep, list]) => (Array.isArray(list) ? list.map(toStr).join(toStr(sep)) : fail("expected a list"))),
  split: strict("split", ([sep, s]) => toStr(s).split(toStr(sep))),
  replace: strict("replace", ([s, a, b]) => {
    const pat = toStr(a);
    if (pat.length > 1 && pat.startsWith("/") && pat.endsWith("/")) return toStr(s).replace(new RegExp(pat.slice(1, -1), "g"), toStr(b).replace(/\$\{?(\d+)\}?/g, "$$$1"));
    return toStr(s).split(pat).join(toStr(b));
  }),
  lower: strict("lower", ([s]) => toStr(s).toLowerCase()),
  upper: strict("upper", ([s]) => toStr(s).toUpperCase()),
  trimprefix: strict("trimprefix", ([s, p]) => (toStr(s).startsWith(toStr(p)) ? toStr(s).slice(toStr(p).length) : toStr(s))),
  trimsuffix: strict("trimsuffix", ([s, p]) => (toStr(s).endsWith(toStr(p)) ? toStr(s).slice(0, toStr(s).length - toStr(p).length) : toStr(s))),
  substr: strict("substr", ([s, o, l]) => {
    const str = toStr(s);
    const len = asNumber(l);
    return str.substr(asNumber(o), len < 0 ? undefined : len);
  }),
  startswith: strict("startswith", ([s, p]) => toStr(s).startsWith(toStr(p))),
  endswith: strict("endswith", ([s, p]) => toStr(s).endsWith(toStr(p))),
  coalesce: (args) => {
    for (const a of args) {
      if (a instanceof Unknown) return Unknown.of(...args);
      if (a !== null && a !== "") return a;
    }
    throw new HclEvalError("coalesce(): no non-null, non-empty argument");
  },
  sort: strict("sort", ([l]) => (Array.isArray(l) ? [...l].map(toStr).sort() : fail("expected a list"))),
  zipmap: strict("zipmap", ([k, v]) =>
    Array.isArray(k) && Array.isArray(v) ? Object.fromEntries(k.map((x, i) => [toStr(x), v[i]])) : fail("expected two lists"),
  ),
  element: strict("element", ([l, i]) => (Array.isArray(l) && l.length > 0 ? l[asNumber(i) % l.length] : fail("expected a non-empty list"))),
  one: strict("one", ([l]) => (Array.isArray(l) && l.length <= 1 ? (l[0] ?? null) : fail("expected a list of at most one element"))),
  max: strict("max", (args) => Math.max(...args.map(asNumber))),
  min: strict("min", (args) => Math.min(...args.map(asNumber))),
  ceil: strict("ceil", ([x]) => Math.ceil(asNumber(x))),
  floor: strict("floor", ([x]) => Math.floor(asNumber(x))),
  abs: strict("abs", ([x]) => Math.abs(asNumber(x))),
  regex: strict("regex", ([p, s]) => {
    const m = new RegExp(toStr(p)).exec(toStr(s));
    if (!m) throw new HclEvalError("no match");
    return m.length > 1 ? m.slice(1) : m[0];
  }),
  can: () => true,
};

function fail(msg: string): never {
  throw new HclEvalError(msg);
}

export const KNOWN_FUNCTIONS: ReadonlySet<string> = new Set([...Object.keys(FUNCTIONS), "try"]);

function callFunction(name: string, args: Value[], expand: boolean, scope: Scope): Value {
  const fn = FUNCTIONS[name];
  if (!fn) throw new HclEvalError(`unknown function ${name}()`);
  let all = args;
  if (expand) {
    const last = args[args.length - 1];
    if (last instanceof Unknown) return last;
    if (!Array.isArray(last)) throw new HclEvalError(`${name}(...): the expanded argument must be a list`);
    all = [...args.slice(0, -1), ...last];
  }
  return fn(all, scope);
}
