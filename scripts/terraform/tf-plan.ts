import { relative } from "node:path";
import { HclEvalError, evaluate, isObject, isResolver, type RootResolver, type Scope, toStr, typeName, Unknown, type Value } from "./hcl-eval.js";
import { HclSyntaxError } from "./hcl-expr.js";
import { parseType, typeMismatch } from "./tf-types.js";
import { type Body, exprOf, type Finding, finding, moduleSource, type ResourceBlock, type TfModule } from "./tf-module.js";

/**
 * What `terraform plan` would create for a root module, worked out from the parsed files alone:
 * module calls are instantiated with their inputs, `count` and `for_each` are expanded, and every
 * argument is evaluated (hcl-eval.ts), values only the cloud knows staying {@link Unknown} with the
 * attribute they came from. The instances feed the drift checks and the plan preview.
 */

export interface ResourceInstance {
  /** Full address, e.g. `module.platform.module.messaging.google_pubsub_topic.topic["alerts"]`. */
  addr: string;
  /** Address of the resource block without the instance key. */
  block: string;
  modulePath: string;
  type: string;
  name: string;
  mode: "managed" | "data";
  key?: string | number;
  file: string;
  /** Evaluated arguments; nested blocks are lists of evaluated objects. */
  config: Record<string, Value>;
}

export interface Plan {
  instances: ResourceInstance[];
  findings: Finding[];
}

const SKIP = new Set(["count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"]);
const isBlockList = (v: unknown): v is Body[] => Array.isArray(v) && v.length > 0 && v.every((x) => x !== null && typeof x === "object" && !Array.isArray(x));

function keySuffix(key: string | number | undefined): string {
  if (key === undefined) return "";
  return typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

class InstanceProxy implements RootResolver {
  private cfg: Record<string, Value> | undefined;
  constructor(
    private readonly owner: ModuleInstance,
    readonly block: ResourceBlock,
    readonly key: string | number | undefined,
    readonly each: Value,
  ) {}
  get addr(): string {
    return `${this.owner.path}${this.block.mode === "data" ? "data." : ""}${this.block.type}.${this.block.name}${keySuffix(this.key)}`;
  }
  config(): Record<string, Value> {
    this.cfg ??= this.owner.evaluateConfig(this);
    return this.cfg;
  }
  get(attr: string): Value {
    const cfg = this.config();
    if (Object.hasOwn(cfg, attr) && !(cfg[attr] instanceof Unknown && this.block.mode === "data")) return cfg[attr];
    return new Unknown([`${this.addr}.${attr}`]);
  }
}

export class ModuleInstance {
  private readonly varMemo = new Map<string, Value>();
  private readonly localMemo = new Map<string, Value>();
  private readonly children = new Map<string, ModuleInstance>();
  private readonly proxies = new Map<string, InstanceProxy[] | InstanceProxy | Record<string, InstanceProxy>>();
  private readonly computing = new Set<string>();

  constructor(
    readonly module: TfModule,
    readonly all: Map<string, TfModule>,
    readonly path: string,
    readonly rootDir: string,
    private readonly inputs: Map<string, () => Value>,
    private readonly rootVars: Record<string, Value> | undefined,
    readonly findings: Finding[],
    /** The file of the module call that made this instance. */
    readonly callFile?: string,
  ) {}

  private guard<T>(key: string, fn: () => T): T {
    if (this.computing.has(key)) throw new HclEvalError(`cycle through ${this.path}${key}`);
    this.computing.add(key);
    try {
      return fn();
    } finally {
      this.computing.delete(key);
    }
  }

  scope(): Scope {
    return {
      moduleDir: this.module.dir,
      root: (name) => this.root(name),
    };
  }

  eval(value: unknown, locals: Map<string, Value> = new Map()): Value {
    let e: ReturnType<typeof exprOf>;
    try {
      e = exprOf(value);
    } catch (err) {
      if (err instanceof HclSyntaxError) throw new HclEvalError(err.message);
      throw err;
    }
    return evaluate(e, this.scope(), locals);
  }

  private root(name: string): Value | RootResolver {
    switch (name) {
      case "var":
        return { get: (n: string) => this.variable(n) };
      case "local":
        return { get: (n: string) => this.local(n) };
      case "module":
        return { get: (n: string) => this.moduleOutputs(n) };
      case "data":
        return { get: (type: string) => ({ get: (n: string) => this.ref("data", type, n) }) };
      case "path":
        return { module: relative(this.rootDir, this.module.dir) || ".", root: ".", cwd: "." };
      case "terraform":
        return { workspace: "default" };
      default:
        return { get: (n: string) => this.ref("managed", name, n) };
    }
  }

  variable(name: string): Value {
    if (this.varMemo.has(name)) return this.varMemo.get(name);
    const decl = this.module.variables.get(name);
    if (!decl) throw new HclEvalError(`no variable "${name}" in ${this.module.rel}`);
    const v = this.guard(`var.${name}`, () => {
      const given = this.inputs.get(name);
      if (given) {
        const x = given();
        if (x === null && "default" in decl.body && decl.body.nullable === false) return this.eval(decl.body.default);
        return x;
      }
      if (this.rootVars && Object.hasOwn(this.rootVars, name)) return this.rootVars[name];
      if ("default" in decl.body) return this.eval(decl.body.default);
      if (this.rootVars) return new Unknown([`var.${name}`]);
      throw new HclEvalError(`variable "${name}" of ${this.module.rel} is required but not set`);
    });
    this.varMemo.set(name, v);
    if (typeof decl.body.type === "string") {
      let mismatch: string | null = null;
      try {
        mismatch = typeMismatch(v, parseType(decl.body.type));
      } catch {
        mismatch = null;
      }
      if (mismatch) {
        const where = this.inputs.has(name) ? (this.callFile ?? decl.file) : decl.file;
        this.findings.push(finding("plan", where, `${this.path}var.${name}: the value does not match the variable's type (${mismatch})`));
      }
    }
    return v;
  }

  local(name: string): Value {
    if (this.localMemo.has(name)) return this.localMemo.get(name);
    const def = this.module.locals.get(name);
    if (!def) throw new HclEvalError(`no local value "${name}" in ${this.module.rel}`);
    const v = this.guard(`local.${name}`, () => this.eval(def.value));
    this.localMemo.set(name, v);
    return v;
  }

  child(name: string): ModuleInstance {
    const existing = this.children.get(name);
    if (existing) return existing;
    const call = this.module.modules.get(name);
    if (!call) throw new HclEvalError(`no module "${name}" in ${this.module.rel}`);
    if ("count" in call.body || "for_each" in call.body) throw new HclEvalError(`module "${name}": count and for_each on modules are not supported by this checker`);
    const dir = moduleSource(this.module, call.body);
    const mod = dir ? this.all.get(dir) : undefined;
    if (!mod) throw new HclEvalError(`module "${name}": source not found`);
    const inputs = new Map<string, () => Value>();
    for (const [k, v] of Object.entries(call.body)) {
      if (["source", "version", "providers", "depends_on"].includes(k)) continue;
      inputs.set(k, () => this.eval(v));
    }
    const inst = new ModuleInstance(mod, this.all, `${this.path}module.${name}.`, this.rootDir, inputs, undefined, this.findings, call.file);
    this.children.set(name, inst);
    return inst;
  }

  moduleOutputs(name: string): RootResolver {
    const c = this.child(name);
    return { get: (o) => c.output(o) };
  }

  output(name: string): Value {
    const o = this.module.outputs.get(name);
    if (!o) throw new HclEvalError(`module ${this.module.rel} has no output "${name}"`);
    return this.guard(`output.${name}`, () => this.eval(o.body.value));
  }

  /** Instances of a resource block: one, a list (count) or a map (for_each). */
  instances(block: ResourceBlock): InstanceProxy[] | InstanceProxy | Record<string, InstanceProxy> {
    const id = `${block.mode}.${block.type}.${block.name}`;
    const memo = this.proxies.get(id);
    if (memo) return memo;
    const made = this.guard(`${block.type}.${block.name}#expand`, () => {
      if ("for_each" in block.body) {
        const fe = this.eval(block.body.for_each);
        if (fe instanceof Unknown) {
          throw new HclEvalError(`for_each depends on values known only after apply (${fe.refs.slice(0, 3).join(", ")})`);
        }
        const out: Record<string, InstanceProxy> = {};
        if (Array.isArray(fe)) {
          for (const k of fe) out[toStr(k)] = new InstanceProxy(this, block, toStr(k), toStr(k));
        } else if (isObject(fe)) {
          for (const [k, v] of Object.entries(fe)) out[k] = new InstanceProxy(this, block, k, v);
        } else {
          throw new HclEvalError(`for_each must be a map or a set of strings, got ${typeName(fe)}`);
        }
        return out;
      }
      if ("count" in block.body) {
        const n = this.eval(block.body.count);
        if (n instanceof Unknown) throw new HclEvalError(`count depends on values known only after apply (${n.refs.slice(0, 3).join(", ")})`);
        if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new HclEvalError(`count must be a whole number, got ${typeName(n)}`);
        return Array.from({ length: n }, (_x, i) => new InstanceProxy(this, block, i, undefined));
      }
      return new InstanceProxy(this, block, undefined, undefined);
    });
    this.proxies.set(id, made);
    return made;
  }

  private ref(mode: "managed" | "data", type: string, name: string): Value {
    const block = (mode === "managed" ? this.module.resources : this.module.data).get(`${type}.${name}`);
    if (!block) throw new HclEvalError(`no ${mode === "data" ? "data source" : "resource"} ${type}.${name} in ${this.module.rel}`);
    return this.instances(block) as Value;
  }

  evaluateConfig(p: InstanceProxy): Record<string, Value> {
    const locals = new Map<string, Value>();
    if ("for_each" in p.block.body) locals.set("each", { key: p.key, value: p.each });
    if ("count" in p.block.body) locals.set("count", { index: p.key });
    return this.guard(`${p.block.type}.${p.block.name}${keySuffix(p.key)}`, () => this.evalBody(p.block.body, locals, p.block.file, p.addr, true));
  }

  private evalBody(body: Body, locals: Map<string, Value>, file: string, addr: string, top: boolean): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const [key, value] of Object.entries(body)) {
      if (top && SKIP.has(key)) continue;
      if (key === "dynamic") {
        for (const [name, dyns] of Object.entries((value ?? {}) as Record<string, unknown>)) {
          for (const dyn of Array.isArray(dyns) ? (dyns as Body[]) : []) {
            const iterator = typeof dyn.iterator === "string" ? dyn.iterator.replace(/^\$\{(.*)\}$/, "$1") : name;
            let coll: Value;
            try {
              coll = this.eval(dyn.for_each, locals);
            } catch (err) {
              this.report(err, file, `${addr}: dynamic "${name}"`);
              continue;
            }
            if (coll instanceof Unknown) {
              this.findings.push(finding("plan", file, `${addr}: dynamic "${name}" for_each depends on values known only after apply`));
              continue;
            }
            const entries: [Value, Value][] = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : isObject(coll) ? Object.entries(coll) : [];
            const content = Array.isArray(dyn.content) ? ((dyn.content as Body[])[0] ?? {}) : {};
            const list = (out[name] as Value[] | undefined) ?? [];
            out[name] = list;
            for (const [k, v] of entries) {
              const inner = new Map(locals);
              inner.set(iterator, { key: k, value: v });
              list.push(this.evalBody(content, inner, file, `${addr}.${name}`, false));
            }
          }
        }
        continue;
      }
      if (isBlockList(value)) {
        out[key] = value.map((b) => this.evalBody(b, locals, file, `${addr}.${key}`, false));
        continue;
      }
      try {
        out[key] = this.eval(value, locals);
      } catch (err) {
        this.report(err, file, `${addr}.${key}`);
        out[key] = new Unknown([`error:${addr}.${key}`]);
      }
    }
    return out;
  }

  report(err: unknown, file: string, where: string): void {
    if (err instanceof HclEvalError) this.findings.push(finding("plan", file, `${where}: ${err.message}`));
    else throw err;
  }

  /** Every resource instance of this module and its children, configs evaluated. */
  collect(into: ResourceInstance[]): void {
    for (const block of [...this.module.resources.values(), ...this.module.data.values()]) {
      let made: ReturnType<ModuleInstance["instances"]>;
      try {
        made = this.instances(block);
      } catch (err) {
        this.report(err, block.file, `${this.path}${block.mode === "data" ? "data." : ""}${block.type}.${block.name}`);
        continue;
      }
      const list = made instanceof InstanceProxy ? [made] : Array.isArray(made) ? made : Object.values(made);
      for (const p of list) {
        let config: Record<string, Value>;
        try {
          config = p.config();
        } catch (err) {
          this.report(err, block.file, p.addr);
          continue;
        }
        into.push({
          addr: p.addr,
          block: `${this.path}${block.mode === "data" ? "data." : ""}${block.type}.${block.name}`,
          modulePath: this.path,
          type: block.type,
          name: block.name,
          mode: block.mode,
          ...(p.key !== undefined ? { key: p.key } : {}),
          file: block.file,
          config,
        });
      }
    }
    for (const name of [...this.module.modules.keys()].sort()) {
      try {
        this.child(name).collect(into);
      } catch (err) {
        this.report(err, this.module.modules.get(name)?.file ?? this.module.rel, `${this.path}module.${name}`);
      }
    }
    // Outputs must evaluate too (an output naming something absent fails the plan).
    for (const [name, o] of this.module.outputs) {
      try {
        this.output(name);
      } catch (err) {
        this.report(err, o.file, `${this.path}output.${name}`);
      }
    }
  }
}

export { isResolver };

/** Plans a root module: every instance it would create, and what made evaluation fail. */
export function planRoot(root: TfModule, all: Map<string, TfModule>, rootVars: Record<string, Value>, rootDir: string): Plan {
  const findings: Finding[] = [];
  const inst = new ModuleInstance(root, all, "", rootDir, new Map(), rootVars, findings);
  const instances: ResourceInstance[] = [];
  inst.collect(instances);
  return { instances, findings };
}

/** Counts of managed instances by resource type, sorted by type. */
export function countsByType(plan: Plan): [string, number][] {
  const counts = new Map<string, number>();
  for (const i of plan.instances) if (i.mode === "managed") counts.set(i.type, (counts.get(i.type) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}
