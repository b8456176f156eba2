import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { repoRoot } from "../../support/shared-data.js";

/** The shipped config/base.yaml as an object, for building test variants of it. */
export function shippedBase(): Record<string, unknown> {
  return parse(readFileSync(join(repoRoot, "config", "base.yaml"), "utf8")) as Record<string, unknown>;
}

export const shippedConfigDir = join(repoRoot, "config");

/** A temporary config folder with the given files (objects are written as YAML, strings as is). */
export function tempConfigDir(files: Record<string, Record<string, unknown> | string>): {
  dir: string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), "costmon-config-"));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === "string" ? content : stringify(content));
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
