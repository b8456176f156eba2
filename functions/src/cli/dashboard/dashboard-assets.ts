import { readFileSync } from "node:fs";
import { projectPath } from "../project-root.js";

/**
 * The dashboard's browser code, bundled on start with esbuild (preact, the Firebase JS SDK and
 * ECharts, all from node_modules: the page loads nothing from any other origin). esbuild is a
 * development dependency and the dashboard a development server: it is loaded on first use, and
 * the CLI bundle leaves it out (scripts/build.mjs), so it must be installed where this runs.
 */
export interface DashboardAssets {
  /** URL path → body and content type. */
  files: Map<string, { body: Buffer; type: string }>;
}

export async function buildDashboardAssets(): Promise<DashboardAssets> {
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch (err) {
    throw new Error("the dashboard bundles its page with esbuild, a development dependency: run it from a checkout after npm ci", { cause: err });
  }
  const result = await esbuild.build({
    entryPoints: [projectPath("dashboard/src/main.ts")],
    tsconfig: projectPath("dashboard/tsconfig.json"),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    write: false,
    outdir: "/assets",
    legalComments: "none",
    logLevel: "silent",
  });
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const f of result.outputFiles) {
    const name = f.path.slice(f.path.lastIndexOf("/") + 1);
    files.set(`/assets/${name}`, { body: Buffer.from(f.contents), type: name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8" });
  }
  files.set("/assets/app.css", { body: readFileSync(projectPath("dashboard/src/app.css")), type: "text/css; charset=utf-8" });
  return { files };
}
