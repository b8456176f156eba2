import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BlockSchema, NestedBlockSchema, ProviderSchema } from "./generate-provider-schema.js";
import { type Expr, functionsCalled, type Traversal, traversals } from "./hcl-expr.js";
import { type Body, exprOf, type Finding, finding, HclSyntaxError, moduleSource, TERRAFORM_FUNCTIONS, type TfModule } from "./tf-module.js";

/**
 * The checks that need no evaluation: (b) every reference resolves and (c) every resource and data
 * source, argument and nested block is one the Google provider has, with its required arguments
 * and blocks present; plus the provider pin and the state backend of each root module.
 */

const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), "google-provider-schema.json");
let schemaCache: ProviderSchema | undefined;
export function providerSchema(): ProviderSchema {
  schemaCache ??= JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as ProviderSchema;
  return schemaCache;
}

const RESOURCE_META = new Set(["count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]);
const DATA_META = new Set(["count", "for_each", "depends_on", "provider", "lifecycle"]);
const MODULE_META = new Set(["source", "version", "providers", "count", "for_each", "depends_on"]);
const VARIABLE_KEYS = new Set(["type", "default", "description", "sensitive", "nullable", "validation", "ephemeral"]);
const OUTPUT_KEYS = new Set(["value", "description", "sensitive", "depends_on", "precondition", "ephemeral"]);

const isBlockList = (v: unknown): v is Body[] => Array.isArray(v) && v.every((x) => x !== null && typeof x === "object" && !Array.isArray(x));

/* ------------------------------------------------------------------ (c) provider schema */

function checkBlock(body: Body, schema: BlockSchema, where: string, meta: ReadonlySet<string>, file: string, out: Finding[]): void {
  const present = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (meta.has(key)) continue;
    if (key === "dynamic") {
      for (const [name, dyns] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        const nested = schema.b[name];
        if (!nested) {
          out.push(finding("schema", file, `${where}: unknown nested block "${name}" (dynamic)`));
          continue;
        }
        present.add(name);
        for (const dyn of Array.isArray(dyns) ? (dyns as Body[]) : []) {
          for (const k of Object.keys(dyn)) {
            if (!["for_each", "iterator", "labels", "content"].includes(k)) out.push(finding("schema", file, `${where}: dynamic "${name}" has an unknown argument "${k}"`));
          }
          if (!("for_each" in dyn)) out.push(finding("schema", file, `${where}: dynamic "${name}" lacks for_each`));
          const content = Array.isArray(dyn.content) ? (dyn.content as Body[])[0] : undefined;
          if (!content) out.push(finding("schema", file, `${where}: dynamic "${name}" lacks a content block`));
          else checkBlock(content, nested, `${where}.${name}`, new Set(), file, out);
        }
      }
      continue;
    }
    if (Object.hasOwn(schema.a, key)) {
      present.add(key);
      continue;
    }
    const nested: NestedBlockSchema | undefined = schema.b[key];
    if (nested) {
      present.add(key);
      if (!isBlockList(value)) {
        out.push(finding("schema", file, `${where}: "${key}" is a nested block; write it as a block (${key} { ... }), not as an argument`));
        continue;
      }
      if (nested.l === 0 && value.length > 1) out.push(finding("schema", file, `${where}: at most one "${key}" block is allowed`));
      for (const b of value) checkBlock(b, nested, `${where}.${key}`, new Set(), file, out);
      continue;
    }
    out.push(finding("schema", file, `${where}: unknown argument "${key}"`));
  }
  for (const [name, req] of Object.entries(schema.a)) {
    if (req === 1 && !present.has(name)) out.push(finding("schema", file, `${where}: missing required argument "${name}"`));
  }
  for (const [name, nested] of Object.entries(schema.b)) {
    if (nested.r === 1 && !present.has(name)) out.push(finding("schema", file, `${where}: missing required block "${name}"`));
  }
}

export function checkSchema(m: TfModule): Finding[] {
  const out: Finding[] = [];
  const schema = providerSchema();
  for (const r of [...m.resources.values(), ...m.data.values()]) {
    const kind = r.mode === "managed" ? "resource" : "data source";
    const where = `${r.mode === "data" ? "data." : ""}${r.type}.${r.name}`;
    if (!r.type.startsWith("google_")) {
      if (r.mode === "managed" && r.type === "terraform_data") continue;
      out.push(finding("schema", r.file, `${where}: ${kind} type "${r.type}" is not from the hashicorp/google provider this checker knows`));
      continue;
    }
    const s = r.mode === "managed" ? schema.resources[r.type] : schema.data_sources[r.type];
    if (!s) {
      out.push(finding("schema", r.file, `${where}: unknown ${kind} type "${r.type}" (hashicorp/google ${schema.provider.version})`));
      continue;
    }
    checkBlock(r.body, s, where, r.mode === "managed" ? RESOURCE_META : DATA_META, r.file, out);
  }
  for (const p of m.providers) {
    if (p.name !== "google") {
      out.push(finding("schema", p.file, `provider "${p.name}": only hashicorp/google is used here`));
      continue;
    }
    checkBlock(p.body, schema.provider_config, `provider "google"`, new Set(["alias"]), p.file, out);
  }
  for (const [name, v] of m.variables) {
    for (const k of Object.keys(v.body)) if (!VARIABLE_KEYS.has(k)) out.push(finding("schema", v.file, `variable "${name}": unknown argument "${k}"`));
  }
  for (const [name, o] of m.outputs) {
    for (const k of Object.keys(o.body)) if (!OUTPUT_KEYS.has(k)) out.push(finding("schema", o.file, `output "${name}": unknown argument "${k}"`));
    if (!("value" in o.body)) out.push(finding("schema", o.file, `output "${name}": missing required argument "value"`));
  }
  return out;
}

/* ------------------------------------------------------------------ (b) references */

interface RefContext {
  m: TfModule;
  modules: Map<string, TfModule>;
  file: string;
  where: string;
  out: Finding[];
}

function attrAfter(t: Traversal, from: number): string | undefined {
  for (let i = from; i < t.steps.length; i++) {
    const s = t.steps[i];
    if (s && "attr" in s) return s.attr;
    if (s && "splat" in s) continue;
  }
  return undefined;
}

function stepAttr(t: Traversal, i: number): string | undefined {
  const s = t.steps[i];
  return s && "attr" in s ? s.attr : undefined;
}

function exportedAttrs(s: BlockSchema): Set<string> {
  return new Set(["id", ...Object.keys(s.a), ...Object.keys(s.b), ...(s.c ?? [])]);
}

function checkTraversal(t: Traversal, ctx: RefContext, bound: ReadonlySet<string>): void {
  const { m, out, file, where } = ctx;
  const schema = providerSchema();
  const say = (msg: string) => out.push(finding("references", file, `${where}: ${msg}`));
  const first = stepAttr(t, 0);
  switch (t.root) {
    case "var":
      if (!first || !m.variables.has(first)) say(`reference to undeclared variable var.${first ?? "?"}`);
      return;
    case "local":
      if (!first || !m.locals.has(first)) say(`reference to undeclared local value local.${first ?? "?"}`);
      return;
    case "module": {
      const call = first ? m.modules.get(first) : undefined;
      if (!first || !call) {
        say(`reference to undeclared module module.${first ?? "?"}`);
        return;
      }
      const out2 = stepAttr(t, 1);
      const dir = moduleSource(m, call.body);
      const child = dir ? ctx.modules.get(dir) : undefined;
      if (out2 && child && !child.outputs.has(out2)) say(`module.${first}.${out2}: module "${first}" (${child.rel}) has no output "${out2}"`);
      return;
    }
    case "data": {
      const type = first;
      const name = stepAttr(t, 1);
      if (!type || !name || !m.data.has(`${type}.${name}`)) {
        say(`reference to undeclared data source data.${type ?? "?"}.${name ?? "?"}`);
        return;
      }
      const ds = schema.data_sources[type];
      const attr = attrAfter(t, 2);
      if (ds && attr && !exportedAttrs(ds).has(attr)) say(`data.${type}.${name}.${attr}: ${type} has no attribute "${attr}"`);
      return;
    }
    case "path":
      if (!first || !["module", "root", "cwd"].includes(first)) say(`unknown path.${first ?? "?"}`);
      return;
    case "terraform":
      if (first !== "workspace") say(`unknown terraform.${first ?? "?"}`);
      return;
    case "each":
    case "count":
    case "self":
      if (!bound.has(t.root)) say(`"${t.root}" used outside a block that sets ${t.root === "each" ? "for_each" : t.root === "count" ? "count" : "it"}`);
      return;
    default: {
      if (bound.has(t.root)) return;
      if (!first) {
        say(`unknown name "${t.root}"`);
        return;
      }
      const r = m.resources.get(`${t.root}.${first}`);
      if (!r) {
        say(`reference to undeclared resource ${t.root}.${first}`);
        return;
      }
      const rs = schema.resources[t.root];
      const attr = attrAfter(t, 1);
      if (rs && attr && !exportedAttrs(rs).has(attr)) say(`${t.root}.${first}.${attr}: ${t.root} has no attribute "${attr}"`);
    }
  }
}

function checkExpr(e: Expr, ctx: RefContext, bound: ReadonlySet<string>): void {
  for (const t of traversals(e, bound)) checkTraversal(t, ctx, bound);
  for (const f of functionsCalled(e)) {
    if (!TERRAFORM_FUNCTIONS.has(f)) ctx.out.push(finding("references", ctx.file, `${ctx.where}: call to unknown function ${f}()`));
  }
}

function checkValue(value: unknown, ctx: RefContext, bound: ReadonlySet<string>): void {
  let e: Expr;
  try {
    e = exprOf(value);
  } catch (err) {
    if (err instanceof HclSyntaxError) {
      ctx.out.push(finding("syntax", ctx.file, `${ctx.where}: ${err.message}`));
      return;
    }
    throw err;
  }
  checkExpr(e, ctx, bound);
}

/** Walks a block body: arguments are expressions, nested blocks recurse, dynamic blocks bind their iterator. */
function checkBody(body: Body, ctx: RefContext, bound: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(body)) {
    if (key === "lifecycle" || key === "provider") continue;
    if (key === "dynamic") {
      for (const [name, dyns] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        for (const dyn of Array.isArray(dyns) ? (dyns as Body[]) : []) {
          if ("for_each" in dyn) checkValue(dyn.for_each, ctx, bound);
          const iterator = typeof dyn.iterator === "string" ? dyn.iterator.replace(/^\$\{(.*)\}$/, "$1") : name;
          const inner = new Set(bound);
          inner.add(iterator);
          for (const c of Array.isArray(dyn.content) ? (dyn.content as Body[]) : []) checkBody(c, { ...ctx, where: `${ctx.where}.${name}` }, inner);
        }
      }
      continue;
    }
    if (isBlockList(value) && value.length > 0) {
      for (const b of value) checkBody(b, ctx, bound);
      continue;
    }
    checkValue(value, ctx, bound);
  }
}

export function checkReferences(m: TfModule, modules: Map<string, TfModule>): Finding[] {
  const out: Finding[] = [];
  const ctx = (file: string, where: string): RefContext => ({ m, modules, file, where, out });
  const none = new Set<string>();
  for (const [name, l] of m.locals) checkValue(l.value, ctx(l.file, `local.${name}`), none);
  for (const [name, o] of m.outputs) {
    if ("value" in o.body) checkValue(o.body.value, ctx(o.file, `output.${name}`), none);
    if ("depends_on" in o.body) checkValue(o.body.depends_on, ctx(o.file, `output.${name}`), none);
  }
  for (const [name, v] of m.variables) {
    if ("default" in v.body) checkValue(v.body.default, ctx(v.file, `variable.${name}`), none);
    for (const val of Array.isArray(v.body.validation) ? (v.body.validation as Body[]) : []) {
      checkBody(val, ctx(v.file, `variable.${name}.validation`), none);
    }
  }
  for (const r of [...m.resources.values(), ...m.data.values()]) {
    const bound = new Set<string>(["self"]);
    if ("for_each" in r.body) bound.add("each");
    if ("count" in r.body) bound.add("count");
    checkBody(r.body, ctx(r.file, `${r.mode === "data" ? "data." : ""}${r.type}.${r.name}`), bound);
  }
  for (const [name, call] of m.modules) {
    const c = ctx(call.file, `module.${name}`);
    const bound = new Set<string>();
    if ("for_each" in call.body) bound.add("each");
    if ("count" in call.body) bound.add("count");
    const dir = moduleSource(m, call.body);
    const child = dir ? modules.get(dir) : undefined;
    if (!child) {
      out.push(finding("references", call.file, `module.${name}: source ${JSON.stringify(call.body.source)} is not a module directory in the checked tree`));
    }
    for (const [key, value] of Object.entries(call.body)) {
      if (key === "source" || key === "version" || key === "providers") continue;
      checkValue(value, c, bound);
      if (child && !MODULE_META.has(key) && !child.variables.has(key)) {
        out.push(finding("references", call.file, `module.${name}: module ${child.rel} has no variable "${key}"`));
      }
    }
    if (child) {
      for (const [v, decl] of child.variables) {
        if (!("default" in decl.body) && !(v in call.body)) out.push(finding("references", call.file, `module.${name}: required variable "${v}" of ${child.rel} is not set`));
      }
    }
  }
  for (const p of m.providers) checkBody(p.body, ctx(p.file, `provider.${p.name}`), none);
  return out;
}

/* ------------------------------------------------------------------ provider pin and backend */

type Version = [number, number, number];
const parseVersion = (s: string): Version => {
  const [a = 0, b = 0, c = 0] = s.split(".").map((x) => Number.parseInt(x, 10));
  return [a, b, c];
};
const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Whether `version` satisfies a Terraform version constraint (`~> 6.50`, `>= 6.0, < 7.0`, `6.50.0`). */
export function satisfies(constraint: string, version: string): boolean {
  const v = parseVersion(version);
  return constraint.split(",").every((raw) => {
    const m = /^\s*(~>|>=|<=|!=|=|>|<)?\s*([0-9]+(?:\.[0-9]+){0,2})\s*$/.exec(raw);
    if (!m) return false;
    const op = m[1] ?? "=";
    const text = m[2] as string;
    const c = parseVersion(text);
    const parts = text.split(".").length;
    switch (op) {
      case "=":
        return cmp(v, c) === 0;
      case "!=":
        return cmp(v, c) !== 0;
      case ">":
        return cmp(v, c) > 0;
      case ">=":
        return cmp(v, c) >= 0;
      case "<":
        return cmp(v, c) < 0;
      case "<=":
        return cmp(v, c) <= 0;
      default: {
        // ~> X.Y allows >= X.Y and < (X+1).0; ~> X.Y.Z allows >= X.Y.Z and < X.(Y+1).0.
        if (cmp(v, c) < 0) return false;
        if (parts <= 2) return v[0] === c[0];
        return v[0] === c[0] && v[1] === c[1];
      }
    }
  });
}

/**
 * Every module that uses google resources pins hashicorp/google to a 6.x range that holds the
 * version the schema was generated from; root modules (used by no other module) keep their state
 * in a GCS backend.
 */
export function checkProviderAndBackend(m: TfModule, isRoot: boolean): Finding[] {
  const out: Finding[] = [];
  const schema = providerSchema();
  const usesGoogle = [...m.resources.values(), ...m.data.values()].some((r) => r.type.startsWith("google_"));
  const file = m.terraform[0]?.file ?? m.files[0] ?? m.rel;
  let google: Record<string, unknown> | undefined;
  let backend: Record<string, unknown> | undefined;
  for (const t of m.terraform) {
    for (const rp of Array.isArray(t.body.required_providers) ? (t.body.required_providers as Body[]) : []) {
      if (rp.google && typeof rp.google === "object") google = rp.google as Record<string, unknown>;
    }
    if (t.body.backend && typeof t.body.backend === "object") backend = t.body.backend as Record<string, unknown>;
  }
  if (usesGoogle || isRoot) {
    if (!google) out.push(finding("provider", file, `${m.rel}: no required_providers entry for google`));
    else {
      if (google.source !== "hashicorp/google") out.push(finding("provider", file, `${m.rel}: google provider source is ${JSON.stringify(google.source)}, expected "hashicorp/google"`));
      const c = typeof google.version === "string" ? google.version : "";
      if (!c) out.push(finding("provider", file, `${m.rel}: the google provider version is not pinned`));
      else if (!satisfies(c, schema.provider.version) || satisfies(c, "7.0.0") || satisfies(c, "5.45.0")) {
        out.push(finding("provider", file, `${m.rel}: google provider constraint "${c}" must be a 6.x range that includes ${schema.provider.version} (the schema checked against)`));
      }
    }
  }
  if (isRoot) {
    const gcs = backend?.gcs;
    if (!gcs) out.push(finding("provider", file, `${m.rel}: a root module must keep its state in a "gcs" backend`));
    else {
      const b = (Array.isArray(gcs) ? gcs[0] : gcs) as Body | undefined;
      if (!b || typeof b.prefix !== "string") out.push(finding("provider", file, `${m.rel}: the gcs backend needs a prefix (the bucket comes from -backend-config)`));
    }
  }
  return out;
}
