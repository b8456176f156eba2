import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { CORE_SCHEMA, load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppConfigSchema } from "#foundation/config/config-schema.js";
import { repoRoot } from "../../support/shared-data.js";

/**
 * Configured means used: every key of config/*.yaml is a key of the schema, and every key of the
 * schema is read by the code. A key nobody reads is a promise the product does not keep.
 */

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else return s;
  }
}

/** The schema's keys as dotted paths; a record (endpoint overrides, flags) counts as one key. */
function schemaKeys(schema: z.ZodType, prefix: string[] = []): string[][] {
  const node = unwrap(schema);
  if (node instanceof z.ZodObject) {
    return Object.entries(node.shape as Record<string, z.ZodType>).flatMap(([k, child]) => schemaKeys(child, [...prefix, k]));
  }
  return [prefix];
}

/** The keys a YAML document sets, down to the schema's own keys (record contents are free). */
function yamlKeys(value: unknown, schema: z.ZodType, prefix: string[] = []): { path: string[]; known: boolean }[] {
  const node = unwrap(schema);
  if (node instanceof z.ZodObject && value !== null && typeof value === "object" && !Array.isArray(value)) {
    const shape = node.shape as Record<string, z.ZodType>;
    return Object.entries(value).flatMap(([k, v]) =>
      Object.hasOwn(shape, k) ? yamlKeys(v, shape[k] as z.ZodType, [...prefix, k]) : [{ path: [...prefix, k], known: false }],
    );
  }
  return [{ path: prefix, known: true }];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

const src = join(repoRoot, "functions", "src");
// The config module defines and loads the keys; reading them means using them anywhere else.
const code = sourceFiles(src)
  .filter((f) => !relative(src, f).startsWith(join("foundation", "config")))
  .map((f) => readFileSync(f, "utf8"))
  .join("\n");

/** A key is read when the code names it with its parent, `parent.key`, as config is used (`c.alerts.dashboard_url`). */
function isRead(path: string[]): boolean {
  const key = path[path.length - 1] as string;
  const parent = path[path.length - 2];
  const pattern = parent === undefined ? new RegExp(`\\.${key}\\b`) : new RegExp(`\\b${parent}\\.${key}\\b`);
  return pattern.test(code);
}

const configFiles = readdirSync(join(repoRoot, "config")).filter((f) => f.endsWith(".yaml"));

describe("config keys", () => {
  it("finds the shipped files and the schema's keys", () => {
    expect(configFiles).toEqual(expect.arrayContaining(["base.yaml", "dev.yaml", "prod.yaml"]));
    expect(schemaKeys(AppConfigSchema).length).toBeGreaterThan(30);
  });

  it.each(configFiles)("config/%s sets only keys of the schema", (file) => {
    const doc = load(readFileSync(join(repoRoot, "config", file), "utf8"), { schema: CORE_SCHEMA });
    const unknown = yamlKeys(doc, AppConfigSchema)
      .filter((k) => !k.known)
      .map((k) => k.path.join("."));
    expect(unknown).toEqual([]);
  });

  it("base.yaml sets every key of the schema but the environment's name", () => {
    const doc = load(readFileSync(join(repoRoot, "config", "base.yaml"), "utf8"), { schema: CORE_SCHEMA });
    const set = new Set(yamlKeys(doc, AppConfigSchema).map((k) => k.path.join(".")));
    const missing = schemaKeys(AppConfigSchema)
      .map((p) => p.join("."))
      .filter((p) => p !== "env" && !set.has(p));
    expect(missing).toEqual([]);
  });

  it("the code reads every key of the schema", () => {
    const unread = schemaKeys(AppConfigSchema)
      .filter((p) => !isRead(p))
      .map((p) => p.join("."));
    expect(unread).toEqual([]);
  });

  it("would notice a key nobody reads", () => {
    expect(isRead(["alerts", "no_such_key_anywhere"])).toBe(false);
    expect(isRead(["alerts", "dashboard_url"])).toBe(true);
  });
});
