/**
 * HCL expressions as @cdktf/hcl2json hands them over: every attribute value that is not a plain
 * literal arrives as a template string (`"${var.x}"`, `"projects/${var.p}/topics/x"`). This module
 * parses such templates into a small syntax tree (the HCL expression grammar: literals, templates,
 * traversals with attributes, indexes and splats, function calls, tuples, objects, for
 * expressions, unary, binary and conditional operators), which the checker uses twice: to find
 * every reference (check b) and to evaluate arguments for the drift checks and the plan preview.
 * Template directives (`%{if}`, `%{for}`) are not supported and are reported as such.
 */

export type Expr =
  | { k: "lit"; v: unknown }
  | { k: "tmpl"; parts: (string | Expr)[] }
  | { k: "var"; name: string }
  | { k: "attr"; obj: Expr; name: string }
  | { k: "index"; obj: Expr; key: Expr }
  | { k: "splat"; obj: Expr; each: Expr }
  | { k: "call"; name: string; args: Expr[]; expand: boolean }
  | { k: "tuple"; items: Expr[] }
  | { k: "object"; items: { key: Expr; value: Expr }[] }
  | { k: "for"; tuple: boolean; keyVar?: string; valVar: string; coll: Expr; keyExpr?: Expr; valExpr: Expr; cond?: Expr; group: boolean }
  | { k: "unary"; op: "!" | "-"; x: Expr }
  | { k: "binary"; op: string; l: Expr; r: Expr }
  | { k: "cond"; c: Expr; t: Expr; f: Expr }
  | { k: "splatItem" };

export class HclSyntaxError extends Error {}

/* ------------------------------------------------------------------ lexer */

type Tok =
  | { t: "id"; v: string }
  | { t: "num"; v: number }
  | { t: "str"; parts: (string | Expr)[] }
  | { t: "op"; v: string }
  | { t: "eof" };

const OPS = ["...", "==", "!=", "<=", ">=", "&&", "||", "=>", "+", "-", "*", "/", "%", "<", ">", "!", "?", ":", "=", ".", ",", "(", ")", "[", "]", "{", "}"];
const ID_START = /[A-Za-z_]/;
const ID_CONT = /[A-Za-z0-9_-]/;

class Lexer {
  i = 0;
  constructor(
    readonly src: string,
    readonly end: number = src.length,
  ) {}

  private skip(): void {
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined || this.i >= this.end) return;
      if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        this.i++;
      } else if (c === "#" || (c === "/" && this.src[this.i + 1] === "/")) {
        while (this.i < this.end && this.src[this.i] !== "\n") this.i++;
      } else if (c === "/" && this.src[this.i + 1] === "*") {
        const close = this.src.indexOf("*/", this.i + 2);
        if (close < 0) throw new HclSyntaxError("unterminated comment");
        this.i = close + 2;
      } else {
        return;
      }
    }
  }

  next(): Tok {
    this.skip();
    if (this.i >= this.end) return { t: "eof" };
    const s = this.src;
    const c = s[this.i] as string;
    if (ID_START.test(c)) {
      let j = this.i + 1;
      while (j < this.end && ID_CONT.test(s[j] as string)) j++;
      const v = s.slice(this.i, j);
      this.i = j;
      return { t: "id", v };
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(s.slice(this.i, this.end));
      const text = m?.[0] ?? c;
      this.i += text.length;
      return { t: "num", v: Number(text) };
    }
    if (c === '"') {
      const { parts, end } = parseQuoted(s, this.i + 1);
      this.i = end;
      return { t: "str", parts };
    }
    if (c === "<" && s[this.i + 1] === "<") throw new HclSyntaxError("heredoc inside an expression is not supported");
    for (const op of OPS) {
      if (s.startsWith(op, this.i)) {
        this.i += op.length;
        return { t: "op", v: op };
      }
    }
    throw new HclSyntaxError(`unexpected character ${JSON.stringify(c)}`);
  }
}

/** Index just past the `}` closing an interpolation that starts at `start` (just after `${`). */
function interpolationEnd(s: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i = parseQuoted(s, i + 1).end;
      continue;
    }
    if (c === "{") depth++;
    if (c === "}") {
      if (depth === 0) return i + 1;
      depth--;
    }
    i++;
  }
  throw new HclSyntaxError("unterminated interpolation (a \"$\" \"{\" without its \"}\")");
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** A quoted template starting just after its opening quote: literal parts and interpolations. */
function parseQuoted(s: string, start: number): { parts: (string | Expr)[]; end: number } {
  const parts: (string | Expr)[] = [];
  let lit = "";
  let i = start;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '"') {
      if (lit) parts.push(lit);
      return { parts, end: i + 1 };
    }
    if (c === "\\") {
      const e = s[i + 1] as string;
      if (e === "u") {
        lit += String.fromCharCode(Number.parseInt(s.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      lit += ESCAPES[e] ?? e;
      i += 2;
      continue;
    }
    if (c === "$" && s[i + 1] === "$" && s[i + 2] === "{") {
      lit += "${";
      i += 3;
      continue;
    }
    if (c === "%" && s[i + 1] === "{") throw new HclSyntaxError("template directives (%{...}) are not supported");
    if (c === "$" && s[i + 1] === "{") {
      const end = interpolationEnd(s, i + 2);
      if (lit) parts.push(lit);
      lit = "";
      parts.push(parseExpression(s.slice(i + 2, end - 1)));
      i = end;
      continue;
    }
    lit += c;
    i++;
  }
  throw new HclSyntaxError("unterminated string");
}

/**
 * A JSON string from hcl2json: a template whose literal text is taken as is and whose `${...}`
 * parts are expressions. A string that is exactly one interpolation is that expression.
 */
export function parseTemplate(text: string): Expr {
  const parts: (string | Expr)[] = [];
  let lit = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      lit += "${";
      i += 3;
      continue;
    }
    if (text.startsWith("%{", i) && !text.startsWith("%%{", i)) throw new HclSyntaxError("template directives (%{...}) are not supported");
    if (text.startsWith("${", i)) {
      const end = interpolationEnd(text, i + 2);
      if (lit) parts.push(lit);
      lit = "";
      parts.push(parseExpression(text.slice(i + 2, end - 1)));
      i = end;
      continue;
    }
    lit += text[i];
    i++;
  }
  if (lit) parts.push(lit);
  if (parts.length === 1 && typeof parts[0] !== "string") return parts[0] as Expr;
  if (parts.length === 0) return { k: "lit", v: "" };
  if (parts.every((p) => typeof p === "string")) return { k: "lit", v: parts.join("") };
  return { k: "tmpl", parts };
}

/* ------------------------------------------------------------------ parser */

const BINARY_PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

class Parser {
  private tok: Tok;
  private readonly lx: Lexer;
  constructor(src: string) {
    this.lx = new Lexer(src);
    this.tok = this.lx.next();
  }

  private advance(): Tok {
    const t = this.tok;
    this.tok = this.lx.next();
    return t;
  }
  private isOp(v: string): boolean {
    return this.tok.t === "op" && this.tok.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new HclSyntaxError(`expected "${v}" but found ${describe(this.tok)}`);
    this.advance();
  }
  private isId(v?: string): boolean {
    return this.tok.t === "id" && (v === undefined || this.tok.v === v);
  }
  private ident(): string {
    if (this.tok.t !== "id") throw new HclSyntaxError(`expected a name but found ${describe(this.tok)}`);
    return (this.advance() as { v: string }).v;
  }

  parseAll(): Expr {
    const e = this.expr();
    if (this.tok.t !== "eof") throw new HclSyntaxError(`unexpected ${describe(this.tok)} after the expression`);
    return e;
  }

  expr(): Expr {
    const c = this.binary(1);
    if (this.isOp("?")) {
      this.advance();
      const t = this.expr();
      this.expectOp(":");
      const f = this.expr();
      return { k: "cond", c, t, f };
    }
    return c;
  }

  private binary(min: number): Expr {
    let l = this.unary();
    for (;;) {
      const t = this.tok;
      const p = t.t === "op" ? BINARY_PRECEDENCE[t.v] : undefined;
      if (p === undefined || p < min || t.t !== "op") return l;
      this.advance();
      const r = this.binary(p + 1);
      l = { k: "binary", op: t.v, l, r };
    }
  }

  private unary(): Expr {
    if (this.isOp("!") || this.isOp("-")) {
      const op = (this.advance() as { v: "!" | "-" }).v;
      return { k: "unary", op, x: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      if (this.isOp(".")) {
        this.advance();
        if (this.isOp("*")) {
          this.advance();
          e = { k: "splat", obj: e, each: this.splatTail() };
          continue;
        }
        if (this.tok.t === "num") {
          e = { k: "index", obj: e, key: { k: "lit", v: (this.advance() as { v: number }).v } };
          continue;
        }
        e = { k: "attr", obj: e, name: this.ident() };
        continue;
      }
      if (this.isOp("[")) {
        this.advance();
        if (this.isOp("*")) {
          this.advance();
          this.expectOp("]");
          e = { k: "splat", obj: e, each: this.splatTail() };
          continue;
        }
        const key = this.expr();
        this.expectOp("]");
        e = { k: "index", obj: e, key };
        continue;
      }
      return e;
    }
  }

  /** The traversal applied to each element after a splat (`[*].a.b`). */
  private splatTail(): Expr {
    let e: Expr = { k: "splatItem" };
    for (;;) {
      if (this.isOp(".") ) {
        this.advance();
        e = { k: "attr", obj: e, name: this.ident() };
      } else if (this.isOp("[") ) {
        this.advance();
        const key = this.expr();
        this.expectOp("]");
        e = { k: "index", obj: e, key };
      } else {
        return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.tok;
    if (t.t === "num") {
      this.advance();
      return { k: "lit", v: t.v };
    }
    if (t.t === "str") {
      this.advance();
      const parts = t.parts;
      if (parts.length === 0) return { k: "lit", v: "" };
      if (parts.every((p) => typeof p === "string")) return { k: "lit", v: parts.join("") };
      return { k: "tmpl", parts };
    }
    if (t.t === "id") {
      this.advance();
      if (t.v === "true") return { k: "lit", v: true };
      if (t.v === "false") return { k: "lit", v: false };
      if (t.v === "null") return { k: "lit", v: null };
      if (this.isOp("(")) return this.call(t.v);
      return { k: "var", name: t.v };
    }
    if (t.t === "op" && t.v === "(") {
      this.advance();
      const e = this.expr();
      this.expectOp(")");
      return e;
    }
    if (t.t === "op" && t.v === "[") return this.tuple();
    if (t.t === "op" && t.v === "{") return this.object();
    throw new HclSyntaxError(`unexpected ${describe(t)}`);
  }

  private call(name: string): Expr {
    this.expectOp("(");
    const args: Expr[] = [];
    let expand = false;
    while (!this.isOp(")")) {
      args.push(this.expr());
      if (this.isOp("...")) {
        this.advance();
        expand = true;
      }
      if (this.isOp(",")) this.advance();
      else break;
    }
    this.expectOp(")");
    return { k: "call", name, args, expand };
  }

  private tuple(): Expr {
    this.expectOp("[");
    if (this.isId("for")) return this.forExpr(true);
    const items: Expr[] = [];
    while (!this.isOp("]")) {
      items.push(this.expr());
      if (this.isOp(",")) this.advance();
      else break;
    }
    this.expectOp("]");
    return { k: "tuple", items };
  }

  private object(): Expr {
    this.expectOp("{");
    if (this.isId("for")) return this.forExpr(false);
    const items: { key: Expr; value: Expr }[] = [];
    while (!this.isOp("}")) {
      let key: Expr;
      if (this.tok.t === "id") {
        const name = (this.advance() as { v: string }).v;
        key = { k: "lit", v: name };
      } else {
        key = this.expr();
      }
      if (this.isOp("=") || this.isOp(":")) this.advance();
      else throw new HclSyntaxError(`expected "=" after an object key but found ${describe(this.tok)}`);
      items.push({ key, value: this.expr() });
      if (this.isOp(",")) this.advance();
    }
    this.expectOp("}");
    return { k: "object", items };
  }

  private forExpr(tuple: boolean): Expr {
    this.advance(); // for
    const first = this.ident();
    let keyVar: string | undefined;
    let valVar = first;
    if (this.isOp(",")) {
      this.advance();
      keyVar = first;
      valVar = this.ident();
    }
    if (!this.isId("in")) throw new HclSyntaxError(`expected "in" in a for expression but found ${describe(this.tok)}`);
    this.advance();
    const coll = this.expr();
    this.expectOp(":");
    let keyExpr: Expr | undefined;
    const first2 = this.expr();
    let valExpr = first2;
    let group = false;
    if (!tuple) {
      this.expectOp("=>");
      keyExpr = first2;
      valExpr = this.expr();
      if (this.isOp("...")) {
        this.advance();
        group = true;
      }
    }
    let cond: Expr | undefined;
    if (this.isId("if")) {
      this.advance();
      cond = this.expr();
    }
    this.expectOp(tuple ? "]" : "}");
    return { k: "for", tuple, ...(keyVar ? { keyVar } : {}), valVar, coll, ...(keyExpr ? { keyExpr } : {}), valExpr, ...(cond ? { cond } : {}), group };
  }
}

function describe(t: Tok): string {
  if (t.t === "eof") return "the end";
  if (t.t === "id") return `"${t.v}"`;
  if (t.t === "num") return String(t.v);
  if (t.t === "str") return "a string";
  return `"${t.v}"`;
}

/** Parses one HCL expression (the text inside `${...}`). */
export function parseExpression(src: string): Expr {
  return new Parser(src).parseAll();
}

/** Parses any JSON value hcl2json produced for an attribute into an expression. */
export function toExpr(value: unknown): Expr {
  if (typeof value === "string") return parseTemplate(value);
  if (Array.isArray(value)) return { k: "tuple", items: value.map(toExpr) };
  if (value !== null && typeof value === "object") {
    return { k: "object", items: Object.entries(value).map(([key, v]) => ({ key: { k: "lit", v: key }, value: toExpr(v) })) };
  }
  return { k: "lit", v: value };
}

/* ------------------------------------------------------------------ references */

/** One step after the root of a traversal. */
export type Step = { attr: string } | { index: Expr } | { splat: true };

export interface Traversal {
  root: string;
  steps: Step[];
}

/**
 * Every traversal in `e` whose root is not bound by an enclosing for expression (or by `bound`):
 * `var.x`, `local.y`, `module.m.out`, `data.t.n.attr`, `google_x.y["k"].email`, `each.value.a`.
 */
export function traversals(e: Expr, bound: ReadonlySet<string> = new Set()): Traversal[] {
  const out: Traversal[] = [];
  const visit = (x: Expr, scope: ReadonlySet<string>): void => {
    const chain = traversalOf(x);
    if (chain) {
      if (!scope.has(chain.root)) out.push(chain);
      for (const s of chain.steps) if ("index" in s) visit(s.index, scope);
      return;
    }
    switch (x.k) {
      case "lit":
      case "var":
      case "splatItem":
        return;
      case "tmpl":
        for (const p of x.parts) if (typeof p !== "string") visit(p, scope);
        return;
      case "attr":
        visit(x.obj, scope);
        return;
      case "index":
        visit(x.obj, scope);
        visit(x.key, scope);
        return;
      case "splat":
        visit(x.obj, scope);
        visit(x.each, scope);
        return;
      case "call":
        for (const a of x.args) visit(a, scope);
        return;
      case "tuple":
        for (const a of x.items) visit(a, scope);
        return;
      case "object":
        for (const it of x.items) {
          visit(it.key, scope);
          visit(it.value, scope);
        }
        return;
      case "for": {
        visit(x.coll, scope);
        const inner = new Set(scope);
        inner.add(x.valVar);
        if (x.keyVar) inner.add(x.keyVar);
        if (x.keyExpr) visit(x.keyExpr, inner);
        visit(x.valExpr, inner);
        if (x.cond) visit(x.cond, inner);
        return;
      }
      case "unary":
        visit(x.x, scope);
        return;
      case "binary":
        visit(x.l, scope);
        visit(x.r, scope);
        return;
      case "cond":
        visit(x.c, scope);
        visit(x.t, scope);
        visit(x.f, scope);
        return;
    }
  };
  visit(e, bound);
  return out;
}

/** The traversal an expression is, when it is one (a name followed by attributes, indexes, splats). */
function traversalOf(e: Expr): Traversal | null {
  const steps: Step[] = [];
  let x = e;
  for (;;) {
    if (x.k === "attr") {
      steps.unshift({ attr: x.name });
      x = x.obj;
    } else if (x.k === "index") {
      steps.unshift({ index: x.key });
      x = x.obj;
    } else if (x.k === "splat") {
      const tail: Step[] = [];
      let y = x.each;
      while (y.k === "attr" || y.k === "index") {
        tail.unshift(y.k === "attr" ? { attr: y.name } : { index: y.key });
        y = y.obj;
      }
      steps.unshift({ splat: true }, ...tail);
      x = x.obj;
    } else if (x.k === "var") {
      return { root: x.name, steps };
    } else {
      return null;
    }
  }
}

/** Names of every function `e` calls. */
export function functionsCalled(e: Expr): string[] {
  const out: string[] = [];
  const visit = (x: Expr): void => {
    switch (x.k) {
      case "call":
        out.push(x.name);
        x.args.forEach(visit);
        return;
      case "tmpl":
        for (const p of x.parts) if (typeof p !== "string") visit(p);
        return;
      case "attr":
        visit(x.obj);
        return;
      case "index":
        visit(x.obj);
        visit(x.key);
        return;
      case "splat":
        visit(x.obj);
        visit(x.each);
        return;
      case "tuple":
        x.items.forEach(visit);
        return;
      case "object":
        for (const it of x.items) {
          visit(it.key);
          visit(it.value);
        }
        return;
      case "for":
        visit(x.coll);
        if (x.keyExpr) visit(x.keyExpr);
        visit(x.valExpr);
        if (x.cond) visit(x.cond);
        return;
      case "unary":
        visit(x.x);
        return;
      case "binary":
        visit(x.l);
        visit(x.r);
        return;
      case "cond":
        visit(x.c);
        visit(x.t);
        visit(x.f);
        return;
      default:
        return;
    }
  };
  visit(e);
  return out;
}
