import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix } from "node:path";
import ts from "typescript";

/**
 * The import graph of `functions/src`, read with the TypeScript parser, and a checker of import
 * rules over it (docs/architecture.md). Paths are posix and relative to the source root
 * (`domain/nightly/fan-out.ts`); a file directly in the root (`deps.ts`) is in the room "root".
 */

/** The rooms: the first folder under functions/src. Files directly in it are the "root". */
export const ROOMS = ["kernel", "foundation", "domain", "adapters", "entrypoints", "cli"] as const;
export const ROOT = "root";
/** A file outside functions/src (config, package.json…). */
export const OUTSIDE = "outside";

export type ImportKind =
  | "import"
  | "import type"
  | "export from"
  | "export type from"
  | "import ="
  | "import()"
  | "import() type"
  | "require()";

export type Target =
  /** A project file; `exists` is false when nothing is there (a broken or moved import). */
  | { type: "file"; path: string; room: string; exists: boolean }
  /** A package, by name (`zod`, `@google-cloud/pubsub`), or a built-in (`node:fs/promises`). */
  | { type: "package"; name: string }
  /** `import(expr)` with a computed specifier: the graph cannot follow it. */
  | { type: "computed" };

export interface Edge {
  from: string;
  line: number;
  kind: ImportKind;
  /** As written; `<computed>` for a computed one. */
  specifier: string;
  target: Target;
}

export interface ImportGraph {
  files: string[];
  edges: Edge[];
}

export interface Layout {
  /** The source root relative to the package root, posix: "functions/src". */
  srcDir: string;
  /** package.json "imports" (subpath imports such as "#kernel/*"). */
  imports: Record<string, unknown>;
}

export function roomOf(path: string): string {
  if (path.startsWith("../")) return OUTSIDE;
  const slash = path.indexOf("/");
  return slash < 0 ? ROOT : path.slice(0, slash);
}

/** Reads every .ts file under `<packageRoot>/<srcDir>` and the "imports" of its package.json. */
export function readProject(packageRoot: string, srcDir = "functions/src"): { sources: Map<string, string>; layout: Layout } {
  const pkg = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { imports?: Record<string, unknown> };
  const sources = new Map<string, string>();
  const root = join(packageRoot, srcDir);
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const abs = join(entry.parentPath, entry.name);
    sources.set(posix.normalize(abs.slice(root.length + 1).split("\\").join("/")), readFileSync(abs, "utf8"));
  }
  return { sources, layout: { srcDir, imports: pkg.imports ?? {} } };
}

/** Parses every source and resolves each of its imports. */
export function buildGraph(sources: ReadonlyMap<string, string>, layout: Layout): ImportGraph {
  const files = [...sources.keys()].sort();
  const known = new Set(files);
  const edges: Edge[] = [];
  for (const from of files) {
    for (const ref of importsOf(from, sources.get(from) ?? "")) {
      edges.push({
        from,
        line: ref.line,
        kind: ref.kind,
        specifier: ref.specifier ?? "<computed>",
        target: ref.specifier === null ? { type: "computed" } : resolve(ref.specifier, from, layout, known),
      });
    }
  }
  return { files, edges };
}

interface ImportRef {
  line: number;
  kind: ImportKind;
  specifier: string | null;
}

/** Every module reference of one file, type-only ones included. */
export function importsOf(fileName: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, kind: ImportKind, spec: ts.Node | undefined) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const literal = spec && (ts.isStringLiteral(spec) || ts.isNoSubstitutionTemplateLiteral(spec));
    refs.push({ line, kind, specifier: literal ? spec.text : null });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, node.importClause?.isTypeOnly ? "import type" : "import", node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.isTypeOnly ? "export type from" : "export from", node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, "import =", node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, "import()", node.arguments[0]);
      else if (ts.isIdentifier(node.expression) && node.expression.text === "require" && node.arguments.length === 1) {
        add(node, "require()", node.arguments[0]);
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, "import() type", node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith("_")));

function resolve(spec: string, from: string, layout: Layout, known: ReadonlySet<string>): Target {
  if (spec.startsWith("#")) {
    const mapped = mapSubpathImport(spec, layout.imports);
    if (mapped === null) return { type: "file", path: spec, room: OUTSIDE, exists: false };
    return fileTarget(posix.relative(layout.srcDir, posix.normalize(mapped)), known);
  }
  if (spec.startsWith(".") || spec.startsWith("/")) {
    return fileTarget(posix.normalize(posix.join(posix.dirname(from), spec)), known);
  }
  const bare = spec.startsWith("node:") ? spec.slice(5) : spec;
  if (BUILTINS.has(bare) || BUILTINS.has(bare.split("/")[0] ?? "")) return { type: "package", name: `node:${bare}` };
  const parts = spec.split("/");
  return { type: "package", name: spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? spec) };
}

/** Node's subpath-import matching: an exact key, else the `*` pattern with the longest prefix. */
function mapSubpathImport(spec: string, imports: Record<string, unknown>): string | null {
  const exact = imports[spec];
  if (exact !== undefined) return targetString(exact);
  let best: { key: string; star: string } | undefined;
  for (const key of Object.keys(imports)) {
    const at = key.indexOf("*");
    if (at < 0) continue;
    const prefix = key.slice(0, at);
    const suffix = key.slice(at + 1);
    if (!spec.startsWith(prefix) || !spec.endsWith(suffix) || spec.length < key.length - 1) continue;
    if (!best || prefix.length > best.key.indexOf("*")) best = { key, star: spec.slice(prefix.length, spec.length - suffix.length) };
  }
  if (!best) return null;
  const target = targetString(imports[best.key]);
  return target === null ? null : target.split("*").join(best.star);
}

/** A target string, or the first of the conditions a source file would be loaded under. */
function targetString(target: unknown): string | null {
  if (typeof target === "string") return target;
  if (target && typeof target === "object") {
    const t = target as Record<string, unknown>;
    for (const condition of ["types", "import", "node", "default"]) {
      const hit = condition in t ? targetString(t[condition]) : null;
      if (hit !== null) return hit;
    }
  }
  return null;
}

/** Maps the emitted name to its source (`x.js` → `x.ts`) and tries `x.ts`, `x/index.ts`. */
function fileTarget(path: string, known: ReadonlySet<string>): Target {
  const candidates = /\.[cm]?js$/.test(path)
    ? [path.replace(/\.js$/, ".ts").replace(/\.mjs$/, ".mts").replace(/\.cjs$/, ".cts")]
    : /\.[cm]?ts$|\.json$/.test(path)
      ? [path]
      : [`${path}.ts`, `${path}/index.ts`];
  const found = candidates.find((c) => known.has(c));
  const chosen = found ?? candidates[0] ?? path;
  return { type: "file", path: chosen, room: roomOf(chosen), exists: found !== undefined };
}

// ---------------------------------------------------------------------------------------------
// Rules

export interface RuleSpec {
  rule: string;
  /** Importing files: `*` (all), `room/**` (a subtree), or one file path. */
  files: string;
  /** Files the rule leaves out, same patterns. */
  except?: string;
  /** Only these rooms may be imported (project files; OUTSIDE counts as a room). */
  mayImport?: readonly string[];
  /** These files or subtrees may not be imported. */
  mayNotImport?: readonly string[];
  /** No package matched by this list may be imported, not even type-only. */
  noPackages?: readonly string[];
  /** A warning is printed, not failed. */
  severity?: "error" | "warn";
  why: string;
}

export interface Violation {
  rule: string;
  severity: "error" | "warn";
  edge: Edge;
  why: string;
}

/** `*`, `room/**` (subtree), `root` (the files directly in the source root) or an exact path. */
export function matches(pattern: string, path: string): boolean {
  if (pattern === "*") return true;
  if (pattern === ROOT) return roomOf(path) === ROOT;
  if (pattern.endsWith("/**")) return path.startsWith(pattern.slice(0, -2));
  return pattern === path;
}

/** `@scope/*` matches a scope; a name matches itself; `node:x` matches that built-in exactly. */
export function packageMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("/*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

export function checkGraph(graph: ImportGraph, rules: readonly RuleSpec[]): Violation[] {
  const out: Violation[] = [];
  for (const edge of graph.edges) {
    for (const r of rules) {
      if (!matches(r.files, edge.from) || (r.except && matches(r.except, edge.from))) continue;
      if (breaks(r, edge.target)) out.push({ rule: r.rule, severity: r.severity ?? "error", edge, why: r.why });
    }
  }
  return out;
}

function breaks(r: RuleSpec, t: Target): boolean {
  if (t.type === "file") {
    if (r.mayImport && !r.mayImport.includes(t.room)) return true;
    return (r.mayNotImport ?? []).some((p) => matches(p, t.path));
  }
  if (t.type === "package") return (r.noPackages ?? []).some((p) => packageMatches(p, t.name));
  return false;
}

/** `functions/src/domain/x.ts:3  import type "#adapters/y.js" → adapters/y.ts  [rule: why]` */
export function formatViolation(v: Violation, srcDir = "functions/src"): string {
  const t = v.edge.target;
  const to = t.type === "file" ? ` → ${t.path}` : "";
  return `${srcDir}/${v.edge.from}:${v.edge.line}  ${v.edge.kind} "${v.edge.specifier}"${to}  [${v.rule}: ${v.why}]`;
}
