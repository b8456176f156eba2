import { readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

/**
 * What the code says each deployed function needs, for the drift checks (check d). Nothing here is
 * written by hand per function:
 *
 * - **Trigger** (callable, plain HTTP, Pub/Sub topic, schedule and time zone): from the functions
 *   themselves, loaded through functions/src/entry-points.ts, the one list of deployed functions.
 *   A function with `push` and `topic` serves a Pub/Sub push subscription; one with `schedule` is
 *   called by Cloud Scheduler; one with a `declaration` is a callable; anything else is plain HTTP.
 * - **Resources**: from the source, with the TypeScript compiler. From each function's
 *   declaration the analysis follows every call into project code (not into deps.ts, the
 *   adapters or the shared middleware of foundation/pipeline, which every function has) and
 *   records (1) which members of the composition root's `AppDeps` it uses, (2) which methods of the
 *   ports it calls (EventBus.publish with its topic, CostWarehouse, SecretStore with the secret's
 *   name, CredentialStore, AlertDispatcher, AlertSink) and (3) which config keys it reads.
 *   A publish to a topic chosen at run time (a plain `string`, as a replay of dead letters does)
 *   counts as a publish to every topic a function reads.
 *   `entrypoints/define.ts` sends what an event function gives up on to `<its topic>.dead-letter`;
 *   that is read from define.ts's text, so a change of the dead-letter handling shows up here.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SRC = join(ROOT, "functions", "src");

export type Trigger = "callable" | "http" | "pubsub" | "scheduler";

export interface FunctionFacts {
  name: string;
  /** functions/src/… module that declares it. */
  module: string;
  trigger: Trigger;
  topic?: string;
  schedule?: string;
  timeZone?: string;
  /** Topics it publishes to (unprefixed), its own dead-letter twin included. */
  publishes: string[];
  /** AppDeps members it uses. */
  deps: string[];
  /** Port methods it calls, e.g. `CostWarehouse.replaceWindow`, `SecretStore.get:alert-secrets`. */
  ports: string[];
  /** Config keys its own code reads (dotted). */
  configKeys: string[];
}

export interface SecretNeeds {
  /** Secret kinds (tenant prefixes) or platform secret names it reads. */
  read: string[];
  write: string[];
  delete: string[];
}

/** What a function needs from the platform, derived from its facts. */
export interface FunctionNeeds {
  bigquery: "none" | "read" | "write";
  /** Uses the LLM usage ledger: on gcp it runs BigQuery jobs and inserts into `llm_usage`. */
  llmLedger: boolean;
  firebaseAuth: boolean;
  publishes: string[];
  secrets: SecretNeeds;
  /** Config keys delivered as secrets in the environment (the operations channel). */
  configSecrets: string[];
  /** Environment variables the deployment must set for it. */
  env: string[];
}

/** Tenant secrets made at run time: their name prefix (`{kind}/{tenant}/{item}`). */
export const TENANT_SECRET_KINDS = ["cloud-creds", "alert-secrets"] as const;

/** Config keys that are secrets of the platform's own operations channel (delivered from Secret Manager). */
export const OPS_CONFIG_SECRETS = ["alerts.slack_webhook_url", "alerts.pagerduty_routing_key"] as const;

/** Config key → the COSTMON_* variable that sets it (load-config.ts: `A_B` → `a.b`). */
export const envName = (key: string): string => `COSTMON_${key.replace(/\./g, "_").toUpperCase()}`;

/* ------------------------------------------------------------------ triggers, from the loaded functions */

interface LoadedTrigger {
  trigger: Trigger;
  topic?: string;
  schedule?: string;
  timeZone?: string;
}

export async function loadTriggers(): Promise<Map<string, LoadedTrigger>> {
  const mod = (await import(pathToFileURL(join(SRC, "entry-points.ts")).href)) as {
    ENTRY_POINTS: Record<string, unknown>;
    loadEntryPoint(name: string): Promise<unknown>;
  };
  const out = new Map<string, LoadedTrigger>();
  for (const name of Object.keys(mod.ENTRY_POINTS)) {
    const loaded = await mod.loadEntryPoint(name);
    if (typeof loaded !== "function") throw new Error(`entry point ${name} exports no function named ${name}`);
    const fn = loaded as unknown as Record<string, unknown>;
    if (typeof fn.topic === "string" && typeof fn.push === "function") out.set(name, { trigger: "pubsub", topic: fn.topic });
    else if (typeof fn.schedule === "string") out.set(name, { trigger: "scheduler", schedule: fn.schedule, timeZone: String(fn.timeZone ?? "Etc/UTC") });
    else if (fn.declaration && typeof fn.declaration === "object") out.set(name, { trigger: "callable" });
    else out.set(name, { trigger: "http" });
  }
  return out;
}

/** Each entry's module, read from entry-points.ts (`name: () => import("./entrypoints/x.js")`). */
export function entryModules(): Map<string, string> {
  const text = readFileSync(join(SRC, "entry-points.ts"), "utf8");
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\s*(\w+):\s*\(\)\s*=>\s*import\("\.\/([^"]+)\.js"\)/gm)) {
    out.set(m[1] as string, `${m[2] as string}.ts`);
  }
  return out;
}

/* ------------------------------------------------------------------ static analysis */

const PORTS: Record<string, string> = {
  EventBus: "kernel/ports.ts",
  SecretStore: "kernel/ports.ts",
  CostWarehouse: "domain/billing/ports.ts",
  CredentialStore: "foundation/infrastructure/credential-store.ts",
  CredentialWriter: "domain/api/cloud-accounts.ts",
  AlertDispatcher: "domain/alerts/dispatcher.ts",
  AlertSink: "foundation/observability/alert-rules.ts",
};

/**
 * A publish to a topic known only at run time (a replay of dead-lettered messages publishes each
 * to the topic it came from): it may reach any topic a function reads, and is granted those.
 */
export const ANY_SUBSCRIBED_TOPIC = "*";

/** Project files the analysis does not enter: the composition root, the adapters, the shared middleware. */
const OPAQUE = (rel: string) =>
  rel === "deps.ts" || rel === join("entrypoints", "define.ts") || rel.startsWith(`adapters${sep}`) || rel.startsWith(join("foundation", "pipeline") + sep);

function program(): ts.Program {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of ts.sys.readDirectory(dir, [".ts"], undefined, undefined)) files.push(e);
  };
  walk(SRC);
  return ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  });
}

interface Found {
  deps: Set<string>;
  ports: Set<string>;
  publishes: Set<string>;
  configKeys: Set<string>;
  problems: string[];
}

function relSrc(file: string): string {
  return relative(SRC, file);
}

/** The dotted config path of a property declared in config-schema.ts (`alerts.dashboard_url`). */
function configPath(decl: ts.Node): string | null {
  const parts: string[] = [];
  let n: ts.Node | undefined = decl;
  while (n) {
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name)) parts.unshift(n.name.text);
    if (ts.isVariableDeclaration(n)) return ts.isIdentifier(n.name) && n.name.text === "AppConfigSchema" ? parts.join(".") : null;
    n = n.parent;
  }
  return null;
}

function interfaceOf(decl: ts.Declaration): { name: string; file: string } | null {
  const parent = decl.parent;
  if (parent && ts.isInterfaceDeclaration(parent)) return { name: parent.name.text, file: relSrc(decl.getSourceFile().fileName) };
  return null;
}

function stringLiterals(t: ts.Type): string[] | null {
  if (t.isStringLiteral()) return [t.value];
  if (t.isUnion() && t.types.every((x) => x.isStringLiteral())) return t.types.map((x) => (x as ts.StringLiteralType).value);
  return null;
}

/** The topic a publish call names: a literal type (TOPICS.x), deadLetterTopic(TOPICS.x), or a string. */
function topicOf(arg: ts.Expression, checker: ts.TypeChecker): string[] | null {
  if (ts.isCallExpression(arg) && ts.isIdentifier(arg.expression) && arg.expression.text === "deadLetterTopic" && arg.arguments[0]) {
    const inner = topicOf(arg.arguments[0], checker);
    return inner ? inner.map((t) => `${t}.dead-letter`) : null;
  }
  return stringLiterals(checker.getTypeAtLocation(arg));
}

/** Which secret a SecretStore call names (see the rules in the module comment of the analysis). */
function secretOf(arg: ts.Expression, checker: ts.TypeChecker): string | null {
  const lit = stringLiterals(checker.getTypeAtLocation(arg));
  if (lit && lit.length === 1) return lit[0] as string;
  if (ts.isStringLiteral(arg)) return arg.text;
  // A call to a name-building function: the static prefix of the template it returns.
  if (ts.isCallExpression(arg)) {
    const sym = checker.getSymbolAtLocation(arg.expression);
    const target = sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    for (const d of target?.declarations ?? []) {
      let prefix: string | null = null;
      const visit = (n: ts.Node) => {
        if (prefix) return;
        if (ts.isTemplateExpression(n)) {
          const m = /^([a-z][a-z0-9-]*)\//.exec(n.head.text);
          if (m) prefix = m[1] as string;
        }
        ts.forEachChild(n, visit);
      };
      visit(d);
      if (prefix) return prefix;
    }
  }
  // A channel document's secretRef: the names upsertAlertChannel writes there (`alert-secrets/{t}/{id}`).
  if (ts.isPropertyAccessExpression(arg) && arg.name.text === "secretRef") {
    const sym = checker.getSymbolAtLocation(arg.name);
    const file = sym?.declarations?.[0]?.getSourceFile().fileName;
    if (file && relSrc(file) === join("domain", "alerts", "channel-config.ts")) return "alert-secrets";
  }
  return null;
}

function analyse(prog: ts.Program, file: string, exportName: string): Found {
  const checker = prog.getTypeChecker();
  const found: Found = { deps: new Set(), ports: new Set(), publishes: new Set(), configKeys: new Set(), problems: [] };
  const sf = prog.getSourceFile(file);
  if (!sf) {
    found.problems.push(`cannot read ${relSrc(file)}`);
    return found;
  }
  const seen = new Set<ts.Node>();
  const queue: ts.Node[] = [];
  const enqueue = (n: ts.Node | undefined) => {
    if (n && !seen.has(n)) {
      seen.add(n);
      queue.push(n);
    }
  };
  ts.forEachChild(sf, (n) => {
    if (ts.isVariableStatement(n)) {
      for (const d of n.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === exportName) enqueue(d);
    }
    if (ts.isFunctionDeclaration(n) && n.name?.text === exportName) enqueue(n);
  });
  if (queue.length === 0) found.problems.push(`${relSrc(file)} declares no ${exportName}`);

  const onSymbol = (node: ts.Node, sym: ts.Symbol | undefined) => {
    if (!sym) return;
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    for (const d of target.declarations ?? []) {
      const f = d.getSourceFile().fileName;
      if (!f.startsWith(SRC) || f.endsWith(".d.ts")) continue;
      const rel = relSrc(f);
      const iface = interfaceOf(d);
      if (iface) {
        if (iface.name === "AppDeps" && iface.file === "deps.ts") found.deps.add(target.name);
        const portFile = PORTS[iface.name];
        if (portFile && iface.file === portFile) {
          const call = node.parent?.parent;
          const args = call && ts.isCallExpression(call) && call.expression === node.parent ? call.arguments : undefined;
          if (iface.name === "EventBus" && target.name === "publish" && args?.[0]) {
            const topics = topicOf(args[0], checker);
            if (topics) for (const t of topics) found.publishes.add(t);
            else if (checker.getTypeAtLocation(args[0]).flags & ts.TypeFlags.String) found.publishes.add(ANY_SUBSCRIBED_TOPIC);
            else found.problems.push(`${rel}: publishes to a topic the analysis cannot name (${args[0].getText()})`);
          }
          if (iface.name === "SecretStore" && args?.[0]) {
            const secret = secretOf(args[0], checker);
            if (secret) found.ports.add(`SecretStore.${target.name}:${secret}`);
            else found.problems.push(`${node.getSourceFile().fileName}: SecretStore.${target.name} on a secret the analysis cannot name (${args[0].getText()})`);
          } else {
            found.ports.add(`${iface.name}.${target.name}`);
          }
        }
        continue;
      }
      if (rel === join("foundation", "config", "config-schema.ts")) {
        const p = configPath(d);
        if (p) found.configKeys.add(p);
        continue;
      }
      if (OPAQUE(rel)) continue;
      if (ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d) || ts.isFunctionExpression(d) || ts.isArrowFunction(d)) enqueue(d);
      else if (ts.isVariableDeclaration(d) && d.initializer) enqueue(d.initializer);
      else if (ts.isPropertyAssignment(d) || ts.isShorthandPropertyAssignment(d)) enqueue(d);
    }
  };

  const visit = (n: ts.Node) => {
    if (ts.isIdentifier(n)) onSymbol(n, checker.getSymbolAtLocation(n));
    if (ts.isBindingElement(n) && ts.isObjectBindingPattern(n.parent)) {
      const name = (n.propertyName ?? n.name).getText();
      const prop = checker.getTypeAtLocation(n.parent).getProperty(name);
      onSymbol(n, prop);
    }
    ts.forEachChild(n, visit);
  };
  while (queue.length > 0) visit(queue.shift() as ts.Node);
  return found;
}

/** define.ts forwards what an event function gives up on to `<topic>.dead-letter` (and stops at a dead-letter topic). */
function forwardsToOwnDeadLetter(): boolean {
  const text = readFileSync(join(SRC, "entrypoints", "define.ts"), "utf8");
  return /bus\.publish\(\s*`\$\{message\.topic\}\$\{DEAD_LETTER\}`/.test(text) && /const DEAD_LETTER = "\.dead-letter"/.test(text);
}

export interface CodeFacts {
  functions: FunctionFacts[];
  /** Every topic some function subscribes to or publishes to (unprefixed), dead-letter twins included. */
  topics: string[];
  problems: string[];
  /** config/base.yaml's selfops.dead_letter_max_attempts: Pub/Sub's max delivery attempts must match. */
  deadLetterMaxAttempts: number;
}

let cached: Promise<CodeFacts> | undefined;

/** The facts of every function in entry-points.ts (computed once per process). */
export function codeFacts(): Promise<CodeFacts> {
  cached ??= computeFacts();
  return cached;
}

async function computeFacts(): Promise<CodeFacts> {
  const triggers = await loadTriggers();
  const modules = entryModules();
  const prog = program();
  const selfDeadLetter = forwardsToOwnDeadLetter();
  const problems: string[] = [];
  const functions: FunctionFacts[] = [];
  for (const [name, trig] of triggers) {
    const module = modules.get(name);
    if (!module) {
      problems.push(`entry-points.ts: cannot find the module of ${name}`);
      continue;
    }
    const found = analyse(prog, join(SRC, module), name);
    problems.push(...found.problems.map((p) => `${name}: ${p}`));
    const publishes = new Set(found.publishes);
    if (trig.trigger === "pubsub" && selfDeadLetter && trig.topic && !trig.topic.endsWith(".dead-letter")) publishes.add(`${trig.topic}.dead-letter`);
    functions.push({
      name,
      module: join("functions", "src", module),
      ...trig,
      publishes: [...publishes].sort(),
      deps: [...found.deps].sort(),
      ports: [...found.ports].sort(),
      configKeys: [...found.configKeys].sort(),
    });
  }
  const subscribed = functions.filter((f) => f.topic).map((f) => f.topic as string);
  for (const f of functions) {
    if (!f.publishes.includes(ANY_SUBSCRIBED_TOPIC)) continue;
    f.publishes = [...new Set([...f.publishes.filter((t) => t !== ANY_SUBSCRIBED_TOPIC), ...subscribed])].sort();
  }
  const topics = new Set<string>();
  for (const f of functions) {
    if (f.topic) topics.add(f.topic);
    for (const t of f.publishes) topics.add(t);
  }
  for (const t of [...topics]) if (!t.endsWith(".dead-letter")) topics.add(`${t}.dead-letter`);
  const base = readFileSync(join(ROOT, "config", "base.yaml"), "utf8");
  const dl = /^\s*dead_letter_max_attempts:\s*(\d+)/m.exec(base);
  return { functions, topics: [...topics].sort(), problems, deadLetterMaxAttempts: dl ? Number(dl[1]) : Number.NaN };
}

/* ------------------------------------------------------------------ needs, from the facts */

/** Config keys every deployed instance needs set for Google Cloud whatever it does. */
const BASE_ENV = ["env", "runtime", "project.id"];

/**
 * What a function needs, by rule from its facts:
 * - BigQuery: `write` when it calls CostWarehouse.replaceWindow or upsert, `read` for any other
 *   warehouse use; then the bigquery.* keys are needed;
 * - the LLM ledger: `llmLedger` or `llmUsage` (the service over it) from deps; on gcp its reads
 *   are queries and its writes (every read may flush the outbox) insertAll into `llm_usage`;
 * - Firebase Auth (revocation lookups): callables, health (platform admins may read details) and
 *   mcp (bearer ID tokens);
 * - secrets: SecretStore calls by name; CredentialStore calls, `sourceFor` (the collectors read
 *   credentials) and `prefetchCredentials` on `cloud-creds`; the dispatcher reads `alert-secrets`;
 * - the operations channel's secrets: users of `opsAlerts` or of the dispatcher (it alerts the
 *   operations channel when a delivery is dead-lettered);
 * - environment: COSTMON_ENV, _RUNTIME, _PROJECT_ID for all; the OIDC audience and service
 *   accounts for Pub/Sub and scheduled functions; the topic prefix for publishers; CORS origins
 *   for callables; and every config key the function's own code reads that a deployment sets.
 */
export function needsOf(f: FunctionFacts): FunctionNeeds {
  const ports = new Set(f.ports);
  const deps = new Set(f.deps);
  const warehouse = [...ports].filter((p) => p.startsWith("CostWarehouse."));
  const bigquery = warehouse.some((p) => /\.(replaceWindow|upsert)$/.test(p)) ? "write" : warehouse.length > 0 || deps.has("warehouse") ? "read" : "none";
  const llmLedger = deps.has("llmLedger") || deps.has("llmUsage") || deps.has("platformLlmUsage");
  const secrets: SecretNeeds = { read: [], write: [], delete: [] };
  const add = (list: string[], s: string) => {
    if (!list.includes(s)) list.push(s);
  };
  for (const p of ports) {
    const m = /^SecretStore\.(get|put|delete):(.+)$/.exec(p);
    if (m) {
      const kind = (TENANT_SECRET_KINDS as readonly string[]).find((k) => m[2] === k || (m[2] as string).startsWith(`${k}/`)) ?? (m[2] as string);
      add(m[1] === "get" ? secrets.read : m[1] === "put" ? secrets.write : secrets.delete, kind);
    }
    const c = /^Credential(?:Store|Writer)\.(get|put|delete|prefetch)$/.exec(p);
    if (c) add(c[1] === "put" ? secrets.write : c[1] === "delete" ? secrets.delete : secrets.read, "cloud-creds");
  }
  if (deps.has("sourceFor") || deps.has("prefetchCredentials")) add(secrets.read, "cloud-creds");
  if (deps.has("dispatcher")) add(secrets.read, "alert-secrets");
  const ops = deps.has("opsAlerts") || deps.has("dispatcher");
  const configSecrets = ops ? [...OPS_CONFIG_SECRETS] : [];
  const keys = new Set(BASE_ENV);
  if (f.trigger === "pubsub" || f.trigger === "scheduler") {
    keys.add("auth.oidc_audience");
    keys.add("auth.oidc_service_accounts");
  }
  if (f.trigger === "callable") keys.add("server.cors_origins");
  if (f.publishes.length > 0) keys.add("pubsub.topic_prefix");
  if (bigquery !== "none") for (const k of ["bigquery.location", "bigquery.cost_dataset", "bigquery.staging_dataset"]) keys.add(k);
  if (llmLedger) keys.add("bigquery.location");
  if (ops) for (const k of ["alerts.slack_enabled", "alerts.pagerduty_enabled", ...OPS_CONFIG_SECRETS]) keys.add(k);
  for (const k of f.configKeys) if (DEPLOYMENT_KEYS.has(k)) keys.add(k);
  for (const s of secrets.read) if (!(TENANT_SECRET_KINDS as readonly string[]).includes(s)) add(secrets.read, s);
  for (const list of [secrets.read, secrets.write, secrets.delete]) list.sort();
  return {
    bigquery,
    llmLedger,
    firebaseAuth: f.trigger === "callable" || f.name === "health" || f.name === "mcp",
    publishes: f.publishes,
    secrets,
    configSecrets,
    env: [...keys].map((k) => (k === "env" ? "COSTMON_ENV" : envName(k))).sort(),
  };
}

/** Config keys whose base.yaml value is a local default that a deployment must replace when read. */
const DEPLOYMENT_KEYS = new Set(["alerts.dashboard_url", "firestore.database_id", "pubsub.topic_prefix", "auth.oidc_audience", "auth.oidc_service_accounts"]);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const facts = await codeFacts();
  const out = facts.functions.map((f) => ({ ...f, needs: needsOf(f) }));
  console.log(JSON.stringify({ functions: out, topics: facts.topics, problems: facts.problems, deadLetterMaxAttempts: facts.deadLetterMaxAttempts }, null, 2));
  process.exit(0);
}
