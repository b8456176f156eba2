import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { type Expr, HclSyntaxError, toExpr } from "./hcl-expr.js";

/**
 * Terraform configuration read without terraform: every `.tf` file is parsed on its own with
 * @cdktf/hcl2json (`parse(fileName, text)`, so a syntax error names its file), and each directory
 * holding `.tf` files becomes one module: its variables, locals, outputs, resources, data sources,
 * module calls, providers and `terraform` settings, each remembering the file it came from.
 */

export type Body = Record<string, unknown>;

export interface Located {
  file: string;
  body: Body;
}
export interface ResourceBlock extends Located {
  type: string;
  name: string;
  mode: "managed" | "data";
}
export interface LocalDef {
  file: string;
  value: unknown;
}

export interface TfModule {
  /** Absolute directory. */
  dir: string;
  /** Directory relative to the checked tree, for messages. */
  rel: string;
  files: string[];
  variables: Map<string, Located>;
  locals: Map<string, LocalDef>;
  outputs: Map<string, Located>;
  resources: Map<string, ResourceBlock>;
  data: Map<string, ResourceBlock>;
  modules: Map<string, Located>;
  providers: { file: string; name: string; body: Body }[];
  terraform: Located[];
}

/** A problem found by the checker: the file it is in and what is wrong. */
export interface Finding {
  check: string;
  file: string;
  message: string;
}

export function finding(check: string, file: string, message: string): Finding {
  return { check, file, message };
}

/** Every directory under `root` (itself included) that holds `.tf` files, sorted. */
export function moduleDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith(".tf"))) out.push(dir);
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith(".")) walk(join(dir, e.name));
  };
  walk(root);
  return out.sort();
}

/** Parses one file; a syntax error becomes a finding naming the file. */
export async function parseFile(file: string, display: string): Promise<{ json?: Body; error?: Finding }> {
  const text = readFileSync(file, "utf8");
  try {
    const json = (await parse(display, text)) as Body;
    return { json };
  } catch (e) {
    const msg = String((e as Error).message ?? e).replace(/^Error: /, "");
    return { error: finding("syntax", display, msg) };
  }
}

const asArray = (v: unknown): Body[] => (Array.isArray(v) ? (v as Body[]) : v && typeof v === "object" ? [v as Body] : []);

/** Loads every module under `root`; syntax errors and duplicate declarations are findings. */
export async function loadModules(root: string): Promise<{ modules: Map<string, TfModule>; findings: Finding[] }> {
  const findings: Finding[] = [];
  const modules = new Map<string, TfModule>();
  const base = resolve(root);
  for (const dir of moduleDirs(base)) {
    const rel = relative(base, dir) || ".";
    const m: TfModule = {
      dir,
      rel,
      files: [],
      variables: new Map(),
      locals: new Map(),
      outputs: new Map(),
      resources: new Map(),
      data: new Map(),
      modules: new Map(),
      providers: [],
      terraform: [],
    };
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".tf") && statSync(join(dir, f)).isFile())
      .sort();
    for (const f of files) {
      const display = join(rel === "." ? "" : rel, f);
      m.files.push(display);
      const { json, error } = await parseFile(join(dir, f), display);
      if (error) {
        findings.push(error);
        continue;
      }
      if (!json) continue;
      const dup = (what: string, name: string) => findings.push(finding("references", display, `duplicate ${what} "${name}"`));
      for (const [name, bodies] of Object.entries((json.variable ?? {}) as Record<string, unknown>)) {
        if (m.variables.has(name)) dup("variable", name);
        m.variables.set(name, { file: display, body: asArray(bodies)[0] ?? {} });
      }
      for (const block of asArray(json.locals)) {
        for (const [name, value] of Object.entries(block)) {
          if (m.locals.has(name)) dup("local", name);
          m.locals.set(name, { file: display, value });
        }
      }
      for (const [name, bodies] of Object.entries((json.output ?? {}) as Record<string, unknown>)) {
        if (m.outputs.has(name)) dup("output", name);
        m.outputs.set(name, { file: display, body: asArray(bodies)[0] ?? {} });
      }
      for (const [name, bodies] of Object.entries((json.module ?? {}) as Record<string, unknown>)) {
        if (m.modules.has(name)) dup("module", name);
        m.modules.set(name, { file: display, body: asArray(bodies)[0] ?? {} });
      }
      for (const [mode, key] of [
        ["managed", "resource"],
        ["data", "data"],
      ] as const) {
        for (const [type, byName] of Object.entries((json[key] ?? {}) as Record<string, unknown>)) {
          for (const [name, bodies] of Object.entries((byName ?? {}) as Record<string, unknown>)) {
            const target = mode === "managed" ? m.resources : m.data;
            const addr = `${type}.${name}`;
            if (target.has(addr)) dup(mode === "managed" ? "resource" : "data source", addr);
            target.set(addr, { file: display, type, name, mode, body: asArray(bodies)[0] ?? {} });
          }
        }
      }
      for (const [name, bodies] of Object.entries((json.provider ?? {}) as Record<string, unknown>)) {
        for (const body of asArray(bodies)) m.providers.push({ file: display, name, body });
      }
      for (const body of asArray(json.terraform)) m.terraform.push({ file: display, body });
    }
    modules.set(dir, m);
  }
  return { modules, findings };
}

/** The directory a module call's `source` points at (local paths only). */
export function moduleSource(parent: TfModule, call: Body): string | null {
  const src = call.source;
  if (typeof src !== "string" || !(src.startsWith("./") || src.startsWith("../"))) return null;
  const dir = resolve(parent.dir, src);
  return existsSync(dir) ? dir : null;
}

const exprCache = new WeakMap<object, Expr>();
const primitiveCache = new Map<string, Expr>();

/** The expression of an attribute value (cached; a parse failure throws HclSyntaxError). */
export function exprOf(value: unknown): Expr {
  if (typeof value === "string") {
    let e = primitiveCache.get(value);
    if (!e) {
      e = toExpr(value);
      primitiveCache.set(value, e);
    }
    return e;
  }
  if (value !== null && typeof value === "object") {
    let e = exprCache.get(value);
    if (!e) {
      e = toExpr(value);
      exprCache.set(value, e);
    }
    return e;
  }
  return toExpr(value);
}

export { HclSyntaxError };

/** Every Terraform built-in function (1.x), for catching misspelt calls. */
export const TERRAFORM_FUNCTIONS: ReadonlySet<string> = new Set(
  (
    "abs abspath alltrue anytrue base64decode base64encode base64gzip base64sha256 base64sha512 basename bcrypt can ceil chomp " +
    "chunklist cidrhost cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat contains csvdecode dirname distinct " +
    "element endswith file filebase64 filebase64sha256 filebase64sha512 fileexists filemd5 fileset filesha1 filesha256 filesha512 " +
    "flatten floor format formatdate formatlist indent index issensitive join jsondecode jsonencode keys length log lookup lower " +
    "matchkeys max md5 merge min nonsensitive one parseint pathexpand plantimestamp pow range regex regexall replace reverse " +
    "rsadecrypt sensitive setintersection setproduct setsubtract setunion sha1 sha256 sha512 signum slice sort split startswith " +
    "strcontains strrev substr sum templatefile templatestring textdecodebase64 textencodebase64 timeadd timecmp timestamp title " +
    "tobool tolist tomap tonumber toset tostring transpose trim trimprefix trimspace trimsuffix try type upper urlencode uuid " +
    "uuidv5 values yamldecode yamlencode zipmap"
  ).split(" "),
);
