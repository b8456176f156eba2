import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root, wherever the checkout lives. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** `../shared/data` beside the checkout: real public material the tests read but never copy. */
export const sharedDataRoot = resolve(repoRoot, "../shared/data");

export function sharedData(...parts: string[]): string {
  const p = join(sharedDataRoot, ...parts);
  if (!existsSync(p)) throw new Error(`shared test data missing: ${p} (expected ../shared/data beside the checkout)`);
  return p;
}
