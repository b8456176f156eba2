#!/usr/bin/env node
// Emits the deployable functions (functions/lib: an ESM bundle with code splitting, so SDK
// clients imported lazily load only when first used) and the bundled CLI (dist/cli).
// External packages (scripts/functions-bundle.mjs) are listed in the generated
// functions/lib/package.json, which Cloud Functions installs at deploy time.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { bundleFunctions, COMMON_OPTIONS, FUNCTIONS_EXTERNAL } from "./functions-bundle.mjs";

const root = JSON.parse(readFileSync("package.json", "utf8"));
const duckdbApi = JSON.parse(readFileSync("node_modules/@duckdb/node-api/package.json", "utf8"));
// The bundled DuckDB API needs its native binding package, at the version it was built against.
const installed = { ...root.dependencies, ...duckdbApi.dependencies };
const externalDeps = Object.fromEntries(
  Object.entries(installed)
    .filter(([name]) => FUNCTIONS_EXTERNAL.some((p) => (p.endsWith("/*") ? name.startsWith(p.slice(0, -1)) : name === p)))
    .sort(([a], [b]) => a.localeCompare(b)),
);

rmSync("functions/lib", { recursive: true, force: true });
rmSync("dist", { recursive: true, force: true });

await bundleFunctions("functions/lib");
writeFileSync(
  "functions/lib/package.json",
  `${JSON.stringify(
    {
      name: "cost-monitoring-functions",
      private: true,
      type: "module",
      main: "index.mjs",
      // The start script serves behind the request-body guard (functions/src/serve.ts).
      scripts: { start: "node server.mjs" },
      engines: { node: "20" },
      dependencies: externalDeps,
    },
    null,
    2,
  )}\n`,
);

await build({
  ...COMMON_OPTIONS,
  entryPoints: { main: "functions/src/cli/main.ts" },
  // `costmon dashboard` bundles its page with esbuild at start; esbuild cannot bundle itself.
  external: [...FUNCTIONS_EXTERNAL, "esbuild"],
  outdir: "dist/cli",
  splitting: true,
  sourcemap: true,
  outExtension: { ".js": ".mjs" },
  logLevel: "info",
});
console.log("built functions/lib and dist/cli");
