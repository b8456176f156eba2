import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import { ConfigError } from "./config-error.js";
import { type Layer, type Tree, isPlainObject, mergeLayers, pathKey, setPath, sourceOfPath } from "./config-layers.js";
import { type AppConfig, AppConfigSchema } from "./config-schema.js";
import { isSecretKey } from "./mask-secrets.js";
import { isContainerPath, resolvePath } from "./schema-paths.js";

export { ConfigError } from "./config-error.js";

/**
 * F7 loadConfig (issue 4). Sources, highest priority first:
 *   1. environment variables `COSTMON_*` (`COSTMON_SESSION_IDLE_TIMEOUT=45m` → session.idle_timeout);
 *   2. secrets (`opts.secrets`, keyed by path or env-style name);
 *   3. `config/<env>.yaml`;
 *   4. `config/base.yaml` (required);
 *   5. built-in defaults ({@link BUILT_IN_DEFAULTS}).
 * Then the seed's coercion rules (`*_enabled` → boolean, durations → ms)
 * and the strict zod schema. Any problem throws a {@link ConfigError} listing each key with the
 * source that set it; values of secret-like keys are never echoed.
 */
export interface LoadConfigOptions {
  /** Environment to read `COSTMON_*` from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** "dev", "prod", ...; default: COSTMON_ENV, else "prod" when NODE_ENV=production, else "dev". */
  envName?: string;
  /** Folder with base.yaml and <env>.yaml; default `./config` under the working directory. */
  configDir?: string;
  /** Secret values keyed by config path ("alerts.slack_webhook_url") or env-style name ("ALERTS_SLACK_WEBHOOK_URL"). */
  secrets?: Record<string, string>;
}

export const ENV_PREFIX = "COSTMON_";

/** The lowest layer: what a bare checkout needs even if base.yaml forgets it. */
export const BUILT_IN_DEFAULTS: Readonly<Tree> = Object.freeze({
  data_dir: ".data",
  logging: { level: "info" },
  feature_flags: {},
});

const ENV_NAME = /^[a-z][a-z0-9-]{0,30}$/;

export async function loadConfig(opts: LoadConfigOptions = {}): Promise<AppConfig> {
  const env = opts.env ?? process.env;
  const envName = opts.envName ?? env.COSTMON_ENV ?? (env.NODE_ENV === "production" ? "prod" : "dev");
  if (!ENV_NAME.test(envName)) {
    throw new ConfigError([`environment name "${envName}" must match ${ENV_NAME} (from COSTMON_ENV or envName)`]);
  }
  const configDir = resolve(opts.configDir ?? join(process.cwd(), "config"));
  const problems: string[] = [];

  const fileLayers: Layer[] = [
    { source: "built-in defaults", values: structuredClone(BUILT_IN_DEFAULTS) as Tree },
    await yamlLayer(join(configDir, "base.yaml"), "config/base.yaml", true, problems),
    await yamlLayer(join(configDir, `${envName}.yaml`), `config/${envName}.yaml`, false, problems),
  ];
  // Flat names are matched case-insensitively against keys the files define (flag and endpoint names).
  const known = mergeLayers(fileLayers).tree;
  const layers: Layer[] = [
    ...fileLayers,
    flatLayer("secrets", secretEntries(opts.secrets ?? {}), known, problems),
    flatLayer("env", envEntries(env), known, problems),
    { source: "environment name", values: { env: envName } },
  ];

  const { tree, provenance } = mergeLayers(layers);
  coerceBySuffix(tree, [], provenance, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const parsed = AppConfigSchema.safeParse(tree);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue, tree, provenance));
    throw new ConfigError(problems);
  }
  return parsed.data;
}

async function yamlLayer(file: string, label: string, required: boolean, problems: string[]): Promise<Layer> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" && !required) return { source: label, values: {} };
    problems.push(`${label}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    return { source: label, values: {} };
  }
  let doc: unknown;
  try {
    // YAML 1.2 core schema: dates and other YAML 1.1 forms stay strings for the zod schema to judge.
    doc = loadYaml(text, { schema: CORE_SCHEMA, filename: label });
  } catch (e) {
    problems.push(`${label}: YAML syntax error: ${(e as Error).message.split("\n")[0]}`);
    return { source: label, values: {} };
  }
  if (doc === null || doc === undefined) return { source: label, values: {} };
  if (!isPlainObject(doc)) {
    problems.push(`${label}: the top level must be a mapping of keys`);
    return { source: label, values: {} };
  }
  return { source: label, values: doc };
}

interface FlatEntry {
  /** "env COSTMON_X" or "secret alerts.x" */
  label: string;
  segments: string[];
  /** Already a dotted path (secrets given by path). */
  dotted: boolean;
  value: string;
}

function envEntries(env: NodeJS.ProcessEnv): FlatEntry[] {
  const out: FlatEntry[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    out.push({ label: `env ${name}`, segments: name.slice(ENV_PREFIX.length).split("_"), dotted: false, value });
  }
  return out;
}

function secretEntries(secrets: Record<string, string>): FlatEntry[] {
  return Object.entries(secrets).map(([name, value]) =>
    name.includes(".")
      ? { label: `secret ${name}`, segments: name.split("."), dotted: true, value }
      : { label: `secret ${name}`, segments: name.split("_"), dotted: false, value },
  );
}

/** Turns flat entries into a layer, resolving each name to a schema path. */
function flatLayer(source: string, entries: FlatEntry[], known: Tree, problems: string[]): Layer {
  const values: Tree = {};
  const sourceOf = new Map<string, string>();
  for (const entry of entries) {
    const resolved = entry.dotted ? entry.segments : resolvePath(AppConfigSchema, entry.segments);
    const path = resolved && matchKnownCase(known, resolved);
    if (!path || path.some((p) => p.length === 0)) {
      problems.push(`${entry.label}: no such config key (expected e.g. COSTMON_SESSION_IDLE_TIMEOUT for session.idle_timeout)`);
      continue;
    }
    let value: unknown = entry.value;
    if (isContainerPath(AppConfigSchema, path)) {
      try {
        value = JSON.parse(entry.value);
      } catch {
        problems.push(`${entry.label}: ${pathKey(path)} is a section; give it as a JSON object`);
        continue;
      }
    }
    setPath(values, path, value);
    markSources(sourceOf, path, value, entry.label);
  }
  return { source, values, sourceOf };
}

/** Replaces each key by a key of `known` at the same place that differs only in case. */
function matchKnownCase(known: Tree, path: string[]): string[] {
  const out: string[] = [];
  let node: unknown = known;
  for (const key of path) {
    let actual = key;
    if (isPlainObject(node) && !Object.hasOwn(node, key)) {
      actual = Object.keys(node).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key;
    }
    out.push(actual);
    node = isPlainObject(node) ? node[actual] : undefined;
  }
  return out;
}

function markSources(sourceOf: Map<string, string>, path: string[], value: unknown, label: string): void {
  sourceOf.set(pathKey(path), label);
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) markSources(sourceOf, [...path, k], v, label);
  }
}

/**
 * The seed's rules by key name, applied to string values wherever they occur (also inside records):
 * `enabled`/`*_enabled` → boolean. Durations are coerced by the schema's
 * `duration()` fields. Mistakes are reported here with key and source, before zod runs.
 */
function coerceBySuffix(node: Tree, path: string[], provenance: Map<string, string>, problems: string[]): void {
  for (const [key, value] of Object.entries(node)) {
    const here = [...path, key];
    if (isPlainObject(value)) {
      coerceBySuffix(value, here, provenance, problems);
      continue;
    }
    const source = sourceOfPath(provenance, here) ?? "unknown source";
    if ((key === "enabled" || key.endsWith("_enabled")) && typeof value !== "boolean") {
      const t = typeof value === "string" ? value.trim().toLowerCase() : "";
      if (["true", "1", "yes", "on"].includes(t)) node[key] = true;
      else if (["false", "0", "no", "off"].includes(t)) node[key] = false;
      else problems.push(`${pathKey(here)} (from ${source}): expected true or false, got ${show(key, value)}`);
    }
  }
}

function show(key: string, value: unknown): string {
  if (isSecretKey(key)) return "a value (hidden: secret-like key)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(tree: Tree, path: readonly PropertyKey[]): unknown {
  let node: unknown = tree;
  for (const key of path) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function describeIssue(issue: IssueLike, tree: Tree, provenance: Map<string, string>): string {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys) {
    return issue.keys
      .map((k) => {
        const full = [...path, k];
        return `unknown key "${pathKey(full)}" (from ${sourceOfPath(provenance, full) ?? "unknown source"})`;
      })
      .join("; ");
  }
  const value = valueAt(tree, issue.path);
  const where = pathKey(path) || "(root)";
  if (value === undefined) {
    return `${where} is missing: set it in config/base.yaml or ${ENV_PREFIX}${path.join("_").toUpperCase()} (${issue.message})`;
  }
  const last = path[path.length - 1] ?? "";
  return `${where} (from ${sourceOfPath(provenance, path) ?? "unknown source"}): ${issue.message}; got ${show(last, value)}`;
}
