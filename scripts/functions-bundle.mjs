// How the deployable functions are bundled; shared by scripts/build.mjs and the cold-start bench
// so that the bench measures exactly what ships.
import { dirname, resolve } from "node:path";
import { build } from "esbuild";

/**
 * Left out of the bundle and installed at deploy time: SDKs with native parts, protos or large
 * dynamic trees. DuckDB's JS API (@duckdb/node-api, ~60 small CommonJS files) is bundled, because
 * resolving and compiling those files one by one cost more of a cold start than its native
 * binding does; only the binding package, which carries the .node file, stays external.
 */
export const FUNCTIONS_EXTERNAL = [
  "firebase-admin",
  "@google-cloud/*",
  "@aws-sdk/*",
  "@smithy/*",
  "@azure/*",
  "@duckdb/node-bindings",
  "google-auth-library",
  "hyparquet",
];

/**
 * zod's `z` namespace re-exports every message locale (`z.locales`, about 260 kB minified of the
 * ~450 kB zod chunk), so no tree shaking can drop them. We only ever use English, which zod
 * configures itself, so the locale index resolves to English alone: less code to parse on every
 * cold start. (`z.locales.xx` would fail to bundle, not fail at run time.)
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: resolve(dirname(args.importer), "../locales/en.js"), namespace: "zod-locales" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

/** Options common to every bundle: Node 20 ESM, with a require() for CommonJS dependencies. */
export const COMMON_OPTIONS = {
  bundle: true,
  plugins: [zodEnglishOnly],
  platform: "node",
  target: "node20",
  format: "esm",
  external: FUNCTIONS_EXTERNAL,
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};

/**
 * Builds functions/src/deploy.ts into `outdir` (index.mjs plus lazily loaded chunks), and the
 * instance's start script functions/src/serve.ts (server.mjs: the same functions served behind the
 * request-body guard). Minified, because parsing less code is most of what a bundle can save at
 * cold start; the source map keeps stack traces readable.
 */
export async function bundleFunctions(outdir, { logLevel = "info" } = {}) {
  await build({
    ...COMMON_OPTIONS,
    entryPoints: { index: "functions/src/deploy.ts", server: "functions/src/serve.ts" },
    outdir,
    splitting: true,
    minify: true,
    sourcemap: true,
    outExtension: { ".js": ".mjs" },
    logLevel,
  });
  return `${outdir}/index.mjs`;
}
