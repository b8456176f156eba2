import { build } from "esbuild";

/** The deployable bundle, built like scripts/build.mjs (same externals, code splitting), into bench/out. */
export const EXTERNAL = ["firebase-admin", "@google-cloud/*", "@aws-sdk/*", "@smithy/*", "@azure/*", "@duckdb/*", "google-auth-library", "hyparquet"];

export async function bundleFunctions(outdir: string): Promise<string> {
  await build({
    entryPoints: { index: "functions/src/index.ts" },
    outdir,
    bundle: true,
    splitting: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outExtension: { ".js": ".mjs" },
    external: EXTERNAL,
    logLevel: "warning",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return `${outdir}/index.mjs`;
}
