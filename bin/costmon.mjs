#!/usr/bin/env node
// The `costmon` command. In a checkout it runs the TypeScript sources through tsx, so edits take
// effect without a build; where only the bundle exists (an installed package), it runs that.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "functions", "src", "cli", "main.ts");
const bundled = join(root, "dist", "cli", "main.mjs");
let mod;
if (existsSync(source) && process.env.COSTMON_BUNDLED !== "1") {
  const { register } = await import("tsx/esm/api");
  register();
  mod = await import(pathToFileURL(source).href);
} else {
  mod = await import(pathToFileURL(bundled).href);
}
process.exit(await mod.main(process.argv.slice(2)));
