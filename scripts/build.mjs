#!/usr/bin/env node
// Emits the deployable functions (functions/lib: an ESM bundle with code splitting, so SDK
// clients imported lazily load only when first used) and the bundled CLI (dist/cli).
// SDKs with native parts, protos or large dynamic trees stay external and are listed in the
// generated functions/lib/package.json, which Cloud Functions installs at deploy time.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const root = JSON.parse(readFileSync("package.json", "utf8"));
const EXTERNAL = [
  "firebase-admin",
  "@google-cloud/*",
  "@aws-sdk/*",
  "@smithy/*",
  "@azure/*",
  "@duckdb/*",
  "google-auth-library",
  "hyparquet",
];
const externalDeps = Object.fromEntries(
  Object.entries(root.dependencies).filter(([name]) =>
    EXTERNAL.some((p) => (p.endsWith("/*") ? name.startsWith(p.slice(0, -1)) : name === p)),
  ),
);

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  external: EXTERNAL,
  logLevel: "info",
  // ESM output still meets CommonJS dependencies that call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};

rmSync("functions/lib", { recursive: true, force: true });
rmSync("dist", { recursive: true, force: true });

await build({
  ...common,
  entryPoints: { index: "functions/src/index.ts" },
  outdir: "functions/lib",
  splitting: true,
  outExtension: { ".js": ".mjs" },
});
writeFileSync(
  "functions/lib/package.json",
  `${JSON.stringify(
    {
      name: "cost-monitoring-functions",
      private: true,
      type: "module",
      main: "index.mjs",
      engines: { node: "20" },
      dependencies: externalDeps,
    },
    null,
    2,
  )}\n`,
);

await build({ ...common, entryPoints: { main: "functions/src/cli/main.ts" }, outdir: "dist/cli", splitting: true, outExtension: { ".js": ".mjs" } });
console.log("built functions/lib and dist/cli");
