import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CORE_SCHEMA, dump, load } from "js-yaml";
import { repoRoot } from "../../support/shared-data.js";

/** The shipped config/base.yaml as an object, for building test variants of it. */
export function shippedBase(): Record<string, unknown> {
  return load(readFileSync(join(repoRoot, "config", "base.yaml"), "utf8"), { schema: CORE_SCHEMA }) as Record<string, unknown>;
}

export const shippedConfigDir = join(repoRoot, "config");

/** A temporary config folder with the given files (objects are written as YAML, strings as is). */
export function tempConfigDir(files: Record<string, Record<string, unknown> | string>): {
  dir: string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), "costmon-config-"));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === "string" ? content : dump(content));
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
