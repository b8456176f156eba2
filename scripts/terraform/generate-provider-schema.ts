#!/usr/bin/env -S npx tsx
/**
 * Writes scripts/terraform/google-provider-schema.json: the argument schema of every resource and
 * data source of the Terraform Google provider, from the jsii manifest of
 * `@cdktf/provider-google@16.12.1` (generated from hashicorp/google 6.50.0). The package is
 * 307 MB installed, so it is fetched with `npm pack` (about 31 MB), only its `package/.jsii` is
 * extracted, and nothing is installed (docs/deploy.md, "Validating offline").
 *
 * How the manifest is read:
 * - each resource class (base `cdktf.TerraformResource`) names its Terraform type in its docs
 *   (`{@link https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/<t> google_<t>}`);
 * - its initializer's `config` struct holds the arguments: `optional: true` or required;
 * - a struct-typed argument (alone, in an array, or in a union with IResolvable) is a nested block,
 *   recursively; everything else is an attribute;
 * - the snake_case name of each argument comes from its docs link (`...#<snake_name> Class#<snake_name>`),
 *   not from a camelCase conversion (21 names differ, e.g. `detectMd5Hash` → `detect_md5hash`); a
 *   property without a link (`id`, IAM resources' arguments, timeouts) falls back to the conversion;
 * - attributes a resource exports but does not take (`uri`, `email`, ...) are the class's getters
 *   that no config argument covers; they are listed so that references to them can be checked.
 * The cdktf meta-arguments (count, for_each, depends_on, lifecycle, provider, connection,
 * provisioners) are not provider arguments and are left out.
 *
 * Usage: npx tsx scripts/terraform/generate-provider-schema.ts [--jsii path/to/.jsii]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROVIDER_PACKAGE = "@cdktf/provider-google@16.12.1";
export const PROVIDER_VERSION = "6.50.0";
const OUT = join(dirname(fileURLToPath(import.meta.url)), "google-provider-schema.json");

interface JsiiTypeRef {
  primitive?: string;
  fqn?: string;
  collection?: { kind: "array" | "map"; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}
interface JsiiProperty {
  name: string;
  optional?: boolean;
  static?: boolean;
  type: JsiiTypeRef;
  docs?: { summary?: string; remarks?: string };
}
interface JsiiType {
  kind: string;
  base?: string;
  datatype?: boolean;
  docs?: { summary?: string };
  properties?: JsiiProperty[];
  initializer?: { parameters?: { name: string; type: JsiiTypeRef }[] };
}

/** A block's schema: attributes (1 required, 0 optional), nested blocks, exported-only attributes. */
export interface BlockSchema {
  a: Record<string, 0 | 1>;
  b: Record<string, NestedBlockSchema>;
  c?: string[];
}
export interface NestedBlockSchema extends BlockSchema {
  /** 1: the block is required. */
  r: 0 | 1;
  /** 1: the block may repeat (a list), 0: at most one. */
  l: 0 | 1;
}
export interface ProviderSchema {
  provider: { source: string; version: string; generated_from: string };
  provider_config: BlockSchema;
  resources: Record<string, BlockSchema>;
  data_sources: Record<string, BlockSchema>;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
const LINK = /\{@link https:\/\/registry\.terraform\.io\/providers\/hashicorp\/google\/[0-9.]+\/docs\/(?:resources|data-sources)\/[a-z0-9_]+#([A-Za-z0-9_]+) [A-Za-z0-9]+#[A-Za-z0-9_]+\}/;
const TYPE_LINK = /\{@link https:\/\/registry\.terraform\.io\/providers\/hashicorp\/google\/[0-9.]+\/docs\/(resources|data-sources)\/[a-z0-9_]+ (google_[a-z0-9_]+)\}/;

function tfName(p: JsiiProperty): string {
  const text = `${p.docs?.summary ?? ""}\n${p.docs?.remarks ?? ""}`;
  return LINK.exec(text)?.[1] ?? snake(p.name);
}

export function buildSchema(jsii: { types: Record<string, JsiiType> }): ProviderSchema {
  const types = jsii.types;
  const isStruct = (fqn: string | undefined) => fqn !== undefined && types[fqn]?.datatype === true;
  const structOf = (ref: JsiiTypeRef): { fqn: string; list: boolean } | null => {
    if (ref.fqn && isStruct(ref.fqn)) return { fqn: ref.fqn, list: false };
    const el = ref.collection?.kind === "array" ? ref.collection.elementtype : undefined;
    if (el?.fqn && isStruct(el.fqn)) return { fqn: el.fqn, list: true };
    for (const u of ref.union?.types ?? []) {
      const s = structOf(u);
      if (s) return s;
    }
    return null;
  };
  const block = (fqn: string, seen: string[]): BlockSchema => {
    const out: BlockSchema = { a: {}, b: {} };
    const struct = types[fqn];
    if (!struct) throw new Error(`jsii type ${fqn} not found`);
    for (const p of struct.properties ?? []) {
      const name = tfName(p);
      const nested = structOf(p.type);
      if (nested) {
        if (seen.includes(nested.fqn)) throw new Error(`recursive block ${nested.fqn}`);
        out.b[name] = { r: p.optional ? 0 : 1, l: nested.list ? 1 : 0, ...block(nested.fqn, [...seen, nested.fqn]) };
      } else {
        out.a[name] = p.optional ? 0 : 1;
      }
    }
    return out;
  };
  const resources: Record<string, BlockSchema> = {};
  const dataSources: Record<string, BlockSchema> = {};
  let providerConfig: BlockSchema | undefined;
  for (const [fqn, t] of Object.entries(types)) {
    if (t.kind !== "class") continue;
    const config = t.initializer?.parameters?.find((x) => x.name === "config")?.type.fqn;
    if (t.base === "cdktf.TerraformProvider" && config) providerConfig = block(config, [config]);
    if (t.base !== "cdktf.TerraformResource" && t.base !== "cdktf.TerraformDataSource") continue;
    const m = TYPE_LINK.exec(t.docs?.summary ?? "");
    if (!m || !config) throw new Error(`${fqn}: no Terraform type in its docs or no config struct`);
    const schema = block(config, [config]);
    // Exported-only attributes: getters no argument covers (camelCase → snake_case, sans *Input).
    const taken = new Set([...Object.keys(schema.a), ...Object.keys(schema.b)]);
    const computed = new Set<string>();
    for (const p of t.properties ?? []) {
      if (p.static || p.name.endsWith("Input") || p.name.startsWith("tf") || p.name === "fqn" || p.name === "friendlyUniqueId") continue;
      const n = snake(p.name);
      if (!taken.has(n)) computed.add(n);
    }
    if (computed.size > 0) schema.c = [...computed].sort();
    (m[1] === "resources" ? resources : dataSources)[m[2] as string] = schema;
  }
  if (!providerConfig) throw new Error("no provider class in the manifest");
  return {
    provider: { source: "hashicorp/google", version: PROVIDER_VERSION, generated_from: `${PROVIDER_PACKAGE} (.jsii)` },
    provider_config: providerConfig,
    resources: sortKeys(resources),
    data_sources: sortKeys(dataSources),
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Fetches the package tarball with `npm pack` (no install) and returns its `.jsii` text. */
function fetchJsii(): string {
  const dir = mkdtempSync(join(tmpdir(), "provider-google-"));
  try {
    execFileSync("npm", ["pack", PROVIDER_PACKAGE, "--silent", "--pack-destination", dir], { stdio: ["ignore", "ignore", "inherit"] });
    const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new Error(`npm pack ${PROVIDER_PACKAGE} wrote no tarball`);
    execFileSync("tar", ["-xzf", join(dir, tgz), "-C", dir, "package/.jsii"]);
    return readFileSync(join(dir, "package", ".jsii"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf("--jsii");
  const text = at > 0 && process.argv[at + 1] ? readFileSync(process.argv[at + 1] as string, "utf8") : fetchJsii();
  const schema = buildSchema(JSON.parse(text) as { types: Record<string, JsiiType> });
  writeFileSync(OUT, `${JSON.stringify(schema)}\n`);
  console.log(
    `wrote ${OUT}: ${Object.keys(schema.resources).length} resources, ${Object.keys(schema.data_sources).length} data sources (hashicorp/google ${PROVIDER_VERSION})`,
  );
}
