import { fork } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { DuckDbDocumentStore } from "#adapters/local/duckdb-document-store.js";
import { createApiKeyService } from "#foundation/iam/api-keys.js";
import { costRow } from "../../test/entrypoints/support/seed.js";
import { bundleFunctions } from "./bundle.js";

/**
 * Cold start: process start → first successful response, for a bare functions-framework handler
 * and for getCostSummary from the bundle (API-key authentication, local DuckDB stores), each in a
 * fresh Node process, alternated; plus RSS after the first response.
 */
const OUT = resolve("bench/out/middleware");

const BARE = `
import { http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
http("bare", (req, res) => { res.status(200).json({ result: { ok: true } }); });
const s = getTestServer("bare");
s.listen(0, "127.0.0.1", () => process.send({ port: s.address().port }));
process.on("message", () => process.send({ rss: process.memoryUsage().rss }));
`;

const FULL = (bundle: string) => `
import "${bundle}";
const s = getTestServer("getCostSummary");
s.listen(0, "127.0.0.1", () => process.send({ port: s.address().port }));
process.on("message", () => process.send({ rss: process.memoryUsage().rss }));
`;

export interface ColdStart {
  ms: number;
  rssMb: number;
}

async function once(script: string, env: NodeJS.ProcessEnv, headers: Record<string, string>, body: unknown): Promise<ColdStart> {
  const t0 = performance.now();
  // execArgv: [] so the child is a plain Node process, as deployed, not one under this bench's tsx loader.
  const child = fork(script, [], { env, execArgv: [], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  try {
    const port = await new Promise<number>((res, rej) => {
      child.once("message", (m) => res((m as { port: number }).port));
      child.once("exit", (c) => rej(new Error(`child exited ${c}`)));
    });
    for (;;) {
      const r = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ data: body }) });
      const text = await r.text();
      if (r.status === 200) break;
      if (performance.now() - t0 > 60_000) throw new Error(`no success: ${r.status} ${text}`);
    }
    const ms = performance.now() - t0;
    const rss = await new Promise<number>((res) => {
      child.once("message", (m) => res((m as { rss: number }).rss));
      child.send("rss");
    });
    return { ms, rssMb: rss / 1048576 };
  } finally {
    // Wait for the exit: a stopping instance closes its stores (instance-lifecycle.ts), and the
    // next measured start must not share the CPU with that.
    const exited = new Promise((r) => child.once("exit", r));
    child.kill();
    await exited;
  }
}

export async function measureColdStart(runs: number): Promise<{ bare: ColdStart[]; full: ColdStart[] }> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const bundle = await bundleFunctions(join(OUT, "lib"), { logLevel: "warning" });
  const dataDir = join(OUT, "data");
  // Seed the local stores the function will open: one API key and a month of costs.
  const docs = await DuckDbDocumentStore.open({ dataDir });
  const { key } = await createApiKeyService(docs).create("bench-tenant", { name: "bench", skills: ["costs"], zones: ["prod"], trustLevel: 1 }, "bench");
  await docs.close();
  const wh = await DuckDbCostWarehouse.open({ dataDir });
  await wh.upsert("bench-tenant", Array.from({ length: 28 }, (_, i) => costRow("bench-tenant", `2026-02-${String(i + 1).padStart(2, "0")}`)));
  await wh.close();
  writeFileSync(join(OUT, "bare.mjs"), BARE);
  writeFileSync(join(OUT, "full.mjs"), FULL(bundle));
  const env = { ...process.env, FUNCTION_TARGET: "getCostSummary", NODE_ENV: "production", COSTMON_ENV: "prod", COSTMON_DATA_DIR: dataDir, COSTMON_PROJECT_ID: "bench", METADATA_SERVER_DETECTION: "none" };
  const bare: ColdStart[] = [];
  const full: ColdStart[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await once(join(OUT, "bare.mjs"), env, {}, {}));
    full.push(await once(join(OUT, "full.mjs"), env, { "x-api-key": key }, { start: "2026-02-01", end: "2026-02-28", groupBy: ["service"] }));
  }
  return { bare, full };
}
