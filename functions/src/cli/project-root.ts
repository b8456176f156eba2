import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_NAME = "ai-cost-monitoring-platform";

let cached: { root: string; version: string } | undefined;

/**
 * The checkout (or installed package) this CLI belongs to, found by walking up from this module
 * to the package.json that names the project. The sources and the bundle sit at different
 * depths, so a fixed relative path would be right for only one of them.
 */
function project(): { root: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, "utf8")) as { name?: string; version?: string };
      if (parsed.name === PACKAGE_NAME) {
        cached = { root: dir, version: parsed.version ?? "0.0.0" };
        return cached;
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const projectRoot = (): string => project().root;

/** The version in package.json, for `costmon --version`. */
export const packageVersion = (): string => project().version;

/**
 * A default path (config/, .data) inside the project, so the CLI behaves the same from any
 * working directory. Paths the user types resolve against the working directory as usual.
 */
export const projectPath = (relative: string): string => resolve(projectRoot(), relative);
