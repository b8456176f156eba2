import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { paths } from "#kernel/document-paths.js";

/**
 * A static scan of every `x.list(collection, query)` call in functions/src (two arguments: the
 * DocumentStore's shape), with the TypeScript parser, giving each query's collection id and the
 * fields it filters or orders on. It follows what the code does today:
 * - `where` / `orderBy` as array literals, or as a local variable initialised with one, plus the
 *   tuples `.push`ed onto it in the same function (those count as optional);
 * - a conditional spread `...(c ? { where } : {})` (optional too);
 * - wrappers: a function whose `list(` call takes its query (or its `where`, or its collection)
 *   from a parameter is followed to every call of that function by name, in any file;
 * - the collection as `paths.x(...)`, a function returning `paths.x(...)`, or a wrapper's parameter.
 * What it cannot follow it reports as `unresolved` (a field or operator that is not a literal, a
 * query from elsewhere), so the test fails rather than passing over it. What it can miss: a call
 * that is not spelled `.list(` with two arguments (an alias of the method, `store["list"]`, a
 * query passed through an object property or returned by a helper, a wrapper called through
 * another name), and a wrapper whose callers build the query in a shape listed as unresolved.
 */
export type FieldRole = "eq" | "contains" | "range" | "order";

export interface ScannedField {
  field: string;
  role: FieldRole;
  optional: boolean;
}

export interface ScannedQuery {
  /** The file that builds the filters (the wrapper's caller for a wrapper), relative to functions/src. */
  file: string;
  line: number;
  collection: string | null;
  fields: ScannedField[];
  unresolved: string[];
}

const ROLE: Record<string, FieldRole> = {
  "==": "eq",
  in: "eq",
  "array-contains": "contains",
  "!=": "range",
  "<": "range",
  "<=": "range",
  ">": "range",
  ">=": "range",
};

interface Source {
  file: string;
  sf: ts.SourceFile;
}

type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

/** What a wrapper takes from its caller: the query, its `where`, and the collection, by parameter index. */
interface Wrapper {
  name: string;
  /** Where it is defined: its callers are in this file or import the name. */
  file: string;
  queryParam?: { index: number; property?: string };
  collectionParam?: number;
  /** Fields and collection fixed inside the wrapper. */
  inner: Partial<ScannedQuery>;
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

function lineOf(src: Source, node: ts.Node): number {
  return src.sf.getLineAndCharacterOfPosition(node.getStart(src.sf)).line + 1;
}

function enclosingFunction(node: ts.Node): FunctionLike | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n)) return n;
  }
  return undefined;
}

function functionName(fn: FunctionLike): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const p = fn.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

function paramIndex(fn: FunctionLike | undefined, name: string): number | undefined {
  if (!fn) return undefined;
  const i = fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === name);
  return i >= 0 ? i : undefined;
}

/** The initializer of `const name = …` in the functions around `from` (or the file). */
function initializerOf(from: ts.Node, name: string): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const scope = enclosingFunction(from) ?? from.getSourceFile();
  walk(scope, (n) => {
    if (!found && ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer) found = n.initializer;
  });
  return found;
}

function collectionOfPathsCall(expr: ts.Expression): string | null {
  if (!ts.isCallExpression(expr)) return null;
  const callee = expr.expression;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "paths") {
    const fn = (paths as unknown as Record<string, (...a: string[]) => string>)[callee.name.text];
    if (!fn) return null;
    return fn(...expr.arguments.map(() => "x")).split("/").at(-1) ?? null;
  }
  if (ts.isIdentifier(callee)) {
    // A local helper whose one statement returns paths.x(…).
    let ret: ts.Expression | undefined;
    walk(expr.getSourceFile(), (n) => {
      if (ts.isFunctionDeclaration(n) && n.name?.text === callee.text && n.body?.statements.length === 1) {
        const s = n.body.statements[0];
        if (s && ts.isReturnStatement(s) && s.expression) ret = s.expression;
      }
    });
    return ret ? collectionOfPathsCall(ret) : null;
  }
  return null;
}

interface Resolved {
  fields: ScannedField[];
  unresolved: string[];
  queryParam?: { index: number; property?: string };
}

function tupleField(el: ts.Expression, optional: boolean, out: Resolved): void {
  if (ts.isArrayLiteralExpression(el) && el.elements.length >= 2) {
    const [f, op] = el.elements;
    if (f && op && ts.isStringLiteral(f) && ts.isStringLiteral(op) && ROLE[op.text]) {
      out.fields.push({ field: f.text, role: ROLE[op.text] as FieldRole, optional });
      return;
    }
  }
  out.unresolved.push(`filter ${el.getText()}`);
}

function resolveWhere(expr: ts.Expression, optional: boolean, out: Resolved, fn: FunctionLike | undefined): void {
  if (ts.isArrayLiteralExpression(expr)) {
    for (const el of expr.elements) tupleField(el, optional, out);
    return;
  }
  if (ts.isIdentifier(expr)) {
    const init = initializerOf(expr, expr.text);
    if (init && ts.isArrayLiteralExpression(init)) {
      resolveWhere(init, optional, out, fn);
      // Tuples pushed later are added only sometimes.
      walk(enclosingFunction(expr) ?? expr.getSourceFile(), (n) => {
        if (
          ts.isCallExpression(n) &&
          ts.isPropertyAccessExpression(n.expression) &&
          n.expression.name.text === "push" &&
          ts.isIdentifier(n.expression.expression) &&
          n.expression.expression.text === expr.text
        ) {
          for (const a of n.arguments) tupleField(a, true, out);
        }
      });
      return;
    }
  }
  if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression)) {
    const i = paramIndex(fn, expr.expression.text);
    if (i !== undefined) {
      out.queryParam = { index: i, property: expr.name.text };
      return;
    }
  }
  out.unresolved.push(`where ${expr.getText()}`);
}

function resolveOrderBy(expr: ts.Expression, optional: boolean, out: Resolved): void {
  if (ts.isArrayLiteralExpression(expr)) {
    for (const el of expr.elements) {
      const field = ts.isObjectLiteralExpression(el)
        ? el.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === "field")
        : undefined;
      if (field && ts.isStringLiteral(field.initializer)) out.fields.push({ field: field.initializer.text, role: "order", optional });
      else out.unresolved.push(`orderBy ${el.getText()}`);
    }
    return;
  }
  out.unresolved.push(`orderBy ${expr.getText()}`);
}

function resolveQuery(expr: ts.Expression, optional: boolean, out: Resolved, fn: FunctionLike | undefined): void {
  if (ts.isParenthesizedExpression(expr)) {
    resolveQuery(expr.expression, optional, out, fn);
    return;
  }
  if (ts.isConditionalExpression(expr)) {
    resolveQuery(expr.whenTrue, true, out, fn);
    resolveQuery(expr.whenFalse, true, out, fn);
    return;
  }
  if (ts.isIdentifier(expr)) {
    const i = paramIndex(fn, expr.text);
    if (i !== undefined) {
      out.queryParam = { index: i };
      return;
    }
    const init = initializerOf(expr, expr.text);
    if (init) resolveQuery(init, optional, out, fn);
    else out.unresolved.push(`query ${expr.getText()}`);
    return;
  }
  if (!ts.isObjectLiteralExpression(expr)) {
    out.unresolved.push(`query ${expr.getText()}`);
    return;
  }
  for (const p of expr.properties) {
    if (ts.isSpreadAssignment(p)) resolveQuery(p.expression, optional, out, fn);
    else if (ts.isPropertyAssignment(p) && p.name.getText() === "where") resolveWhere(p.initializer, optional, out, fn);
    else if (ts.isShorthandPropertyAssignment(p) && p.name.text === "where") resolveWhere(p.name, optional, out, fn);
    else if (ts.isPropertyAssignment(p) && p.name.getText() === "orderBy") resolveOrderBy(p.initializer, optional, out);
    else if (ts.isShorthandPropertyAssignment(p) && p.name.text === "orderBy") out.unresolved.push("orderBy variable");
  }
}

function readSources(dir: string, root: string): Source[] {
  const out: Source[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...readSources(full, root));
    else if (e.name.endsWith(".ts")) {
      out.push({ file: relative(root, full), sf: ts.createSourceFile(full, readFileSync(full, "utf8"), ts.ScriptTarget.ES2022, true) });
    }
  }
  return out;
}

/** Scans functions/src under `srcRoot` and returns every query that names a field, or that could not be read. */
export function scanListCalls(srcRoot: string): ScannedQuery[] {
  const sources = readSources(srcRoot, srcRoot);
  const results: ScannedQuery[] = [];
  const wrappers: Wrapper[] = [];

  for (const src of sources) {
    walk(src.sf, (n) => {
      if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression) || n.expression.name.text !== "list") return;
      const [collectionArg, queryArg] = n.arguments;
      if (!collectionArg || !queryArg) return;
      const fn = enclosingFunction(n);
      const out: Resolved = { fields: [], unresolved: [] };
      resolveQuery(queryArg, false, out, fn);
      const collectionParam = ts.isIdentifier(collectionArg) ? paramIndex(fn, collectionArg.text) : undefined;
      const collection = collectionOfPathsCall(collectionArg);
      const name = fn ? functionName(fn) : undefined;
      if (out.queryParam && name) {
        wrappers.push({
          name,
          file: src.file,
          queryParam: out.queryParam,
          ...(collectionParam !== undefined ? { collectionParam } : {}),
          inner: { collection, fields: out.fields, unresolved: out.unresolved },
        });
        return;
      }
      if (out.fields.length > 0 || out.unresolved.length > 0) {
        results.push({ file: src.file, line: lineOf(src, n), collection, fields: out.fields, unresolved: out.unresolved });
      }
    });
  }

  const importsName = (src: Source, name: string) =>
    src.sf.statements.some(
      (s) =>
        ts.isImportDeclaration(s) &&
        s.importClause?.namedBindings !== undefined &&
        ts.isNamedImports(s.importClause.namedBindings) &&
        s.importClause.namedBindings.elements.some((e) => e.name.text === name),
    );
  for (const w of wrappers) {
    for (const src of sources.filter((s) => s.file === w.file || importsName(s, w.name))) {
      walk(src.sf, (n) => {
        if (!ts.isCallExpression(n)) return;
        const callee = n.expression;
        const called = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        if (called !== w.name || !w.queryParam) return;
        const arg = n.arguments[w.queryParam.index];
        const fn = enclosingFunction(n);
        const out: Resolved = { fields: [...(w.inner.fields ?? [])], unresolved: [...(w.inner.unresolved ?? [])] };
        if (arg) {
          if (w.queryParam.property && ts.isObjectLiteralExpression(arg)) {
            // The wrapper reads one property of this argument, conditionally: optional.
            for (const p of arg.properties) {
              if (ts.isPropertyAssignment(p) && p.name.getText() === w.queryParam.property) resolveWhere(p.initializer, true, out, fn);
              else if (ts.isShorthandPropertyAssignment(p) && p.name.text === w.queryParam.property) resolveWhere(p.name, true, out, fn);
            }
          } else if (!w.queryParam.property) resolveQuery(arg, false, out, fn);
          else out.unresolved.push(`${w.name} argument ${arg.getText()}`);
        }
        if (out.queryParam) out.unresolved.push(`${w.name} called with a query from a parameter`);
        const collArg = w.collectionParam !== undefined ? n.arguments[w.collectionParam] : undefined;
        const collection = collArg ? collectionOfPathsCall(collArg) : (w.inner.collection ?? null);
        if (out.fields.length > 0 || out.unresolved.length > 0) {
          results.push({ file: src.file, line: lineOf(src, n), collection, fields: out.fields, unresolved: out.unresolved });
        }
      });
    }
  }
  return results;
}
