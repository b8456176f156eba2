import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { startFirestoreEmulator } from "#adapters/emulators/firestore-emulator.js";
import { freePort } from "#adapters/emulators/emulator-process.js";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { createApiKeyService } from "#foundation/iam/api-keys.js";
import { startBigQueryJobsReplay } from "../../test/support/replay/bigquery-jobs-server.js";
import { bundleFunctions } from "../middleware/bundle.js";

/**
 * Cold start on the gcp runtime (issue 16, "Figures" 1):
 *   npx tsx bench/gcp/cold-start.ts [--runs 7] [--import-runs 7]
 *
 * Two sides, each started as a fresh `node` process per run, alternated, timed from spawn to the
 * first 200 answer to an HTTP POST:
 * - `bare`: a functions-framework HTTP handler that answers at once (`node bare.mjs`);
 * - `getCostSummary`: the deployable bundle, built as `npm run build` builds it (into bench/out),
 *   started as a deployed instance starts (`node server.mjs`, FUNCTION_TARGET=getCostSummary,
 *   COSTMON_ENV=prod, COSTMON_RUNTIME=gcp), answering a callable request authenticated by API key.
 *   Its stores are the gcp runtime's own adapters: Firestore (firebase-admin) on the official
 *   Firestore emulator (FIRESTORE_EMULATOR_HOST) for the API key, the session and audit documents;
 *   BigQuery (@google-cloud/bigquery) for the summary itself, against the BigQuery jobs replay
 *   server of the tests (BIGQUERY_EMULATOR_HOST; no BigQuery emulator runs here), which answers the
 *   summary's SELECT with 28 rows. Credentials come from a local stand-in for the metadata server
 *   (GCE_METADATA_HOST), as a Cloud Run instance gets them from its own: no key file, no network.
 * Then, in fresh processes, the time to import each heavy client module alone, after Node's own
 * start: what firebase-admin's Firestore and the BigQuery client each add to a cold start.
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const RUNS = arg("runs", 7);
/**
 * `--compare-lib DIR`: a third side, another build of the bundle (e.g. the code before a change,
 * bundled with scripts/functions-bundle.mjs into DIR), started the same way and alternated with the
 * other two; reported as `compareMs`.
 */
const COMPARE_LIB = (() => {
  const i = process.argv.indexOf("--compare-lib");
  return i >= 0 ? resolve(process.argv[i + 1] ?? "") : undefined;
})();
const IMPORT_RUNS = arg("import-runs", 7);
/**
 * `--cpu-prof DIR`: one more, unmeasured start of getCostSummary under `node --cpu-prof` (and of
 * the `--compare-lib` build, into DIR/compare), stopped right after its first answer, its profile
 * written into DIR: `npx tsx bench/gcp/cpu-profile-summary.ts DIR` says where the time went (or
 * open it in Chrome DevTools).
 */
const CPU_PROF = (() => {
  const i = process.argv.indexOf("--cpu-prof");
  return i >= 0 ? resolve(process.argv[i + 1] ?? "") : undefined;
})();
const OUT = resolve("bench/out/gcp/cold-start");
const PROJECT = "demo-bench";
const TENANT = "bench-tenant";

const BARE = `
import { http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
http("bare", (req, res) => { res.status(200).json({ result: { ok: true } }); });
getTestServer("bare").listen(Number(process.env.PORT), "127.0.0.1");
`;

/** The instance's metadata server, as far as google-auth-library asks it: a token and the project. */
async function startMetadataServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    res.setHeader("Metadata-Flavor", "Google");
    if (path === "/computeMetadata/v1/instance/service-accounts/default/token") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ access_token: "bench-token", expires_in: 3600, token_type: "Bearer" }));
    } else if (path === "/computeMetadata/v1/project/project-id") {
      res.end(PROJECT);
    } else if (path === "/computeMetadata/v1/universe/universe-domain") {
      res.end("googleapis.com");
    } else if (path === "/computeMetadata/v1/instance/service-accounts/default/email") {
      res.end(`bench@${PROJECT}.iam.gserviceaccount.com`);
    } else if (path === "/computeMetadata/v1/" || path === "/") {
      res.end("");
    } else {
      res.statusCode = 404;
      res.end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return server;
}

const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
};

interface Start {
  ms: number;
  /** Spawn until the port accepted its first connection. */
  listenMs: number;
  /** A second, identical request once the first was answered: the same work, warm. */
  warmMs: number;
  rssMiB: number;
}

async function once(args: string[], env: NodeJS.ProcessEnv, headers: Record<string, string>, body: unknown, warmCall = true): Promise<Start> {
  const port = await freePort();
  let stderr = "";
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env: { ...env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const exited = new Promise((r) => child.once("exit", r));
  const post = () => fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ data: body }) });
  try {
    // Connect until the server listens, then send the request: the first answer's time is the
    // cold start; the listen time splits it into starting the server and serving the first call.
    for (;;) {
      if (child.exitCode !== null) throw new Error(`child exited ${child.exitCode}: ${stderr}`);
      const up = await new Promise<boolean>((res) => {
        const socket = connect(port, "127.0.0.1");
        socket.once("connect", () => {
          socket.destroy();
          res(true);
        });
        socket.once("error", () => res(false));
      });
      if (up) break;
      if (performance.now() - t0 > 60_000) throw new Error(`not listening after 60 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const listenMs = performance.now() - t0;
    const r = await post();
    const text = await r.text();
    if (r.status !== 200) throw new Error(`status ${r.status}: ${text} ${stderr}`);
    const ms = performance.now() - t0;
    const rss = rssMiB(child.pid as number);
    if (!warmCall) return { ms, listenMs, warmMs: 0, rssMiB: rss };
    const w0 = performance.now();
    const again = await post();
    await again.text();
    return { ms, listenMs, warmMs: performance.now() - w0, rssMiB: rss };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

/** Milliseconds to import `specifier` in a fresh process, after Node's own start. */
async function importMs(specifier: string): Promise<number> {
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { cwd: resolve("."), stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.once("exit", (c) => (c === 0 ? res(Number(out)) : rej(new Error(`import ${specifier} exited ${c}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const r1 = (x: number) => Math.round(x * 10) / 10;
const stats = (xs: number[]) => ({ median: r1(median(xs)), worst: r1(Math.max(...xs)), best: r1(Math.min(...xs)), all: xs.map(r1) });

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
await bundleFunctions(join(OUT, "lib"), { logLevel: "warning" });
writeFileSync(join(OUT, "bare.mjs"), BARE);

const firestore = await startFirestoreEmulator();
const bigquery = await startBigQueryJobsReplay({
  answer: (job) =>
    job.kind === "query" && /^SELECT/.test(job.sql ?? "")
      ? {
          rows: {
            fields: [
              { name: "day", type: "STRING" },
              { name: "service_name", type: "STRING" },
              { name: "billed_cost_sum", type: "STRING" },
              { name: "effective_cost_sum", type: "STRING" },
            ],
            values: Array.from({ length: 28 }, (_, i) => [`2026-02-${String(i + 1).padStart(2, "0")}`, "Compute Engine", "12.5", "11.25"]),
          },
        }
      : {},
});
const metadata = await startMetadataServer();
let result: unknown;
try {
  const docs = new FirestoreDocumentStore({ projectId: PROJECT, emulatorHost: firestore.host });
  const { key } = await createApiKeyService(docs).create(TENANT, { name: "bench", skills: ["costs"], zones: ["prod"], trustLevel: 1 }, "bench");
  await docs.close();

  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("COSTMON_")));
  const env = {
    ...base,
    NODE_ENV: "production",
    FUNCTION_TARGET: "getCostSummary",
    COSTMON_ENV: "prod",
    // As the deployed services set it (docs/deploy.md).
    COSTMON_RUNTIME: "gcp",
    COSTMON_PROJECT_ID: PROJECT,
    GOOGLE_CLOUD_PROJECT: PROJECT,
    FIRESTORE_EMULATOR_HOST: firestore.host,
    BIGQUERY_EMULATOR_HOST: `${bigquery.url}/bigquery/v2`,
    // Never reached by getCostSummary; set so that no client could try Google's endpoints.
    PUBSUB_EMULATOR_HOST: "127.0.0.1:9",
    GCE_METADATA_HOST: `127.0.0.1:${(metadata.address() as AddressInfo).port}`,
    METADATA_SERVER_DETECTION: "assume-present",
  };
  const request = { start: "2026-02-01", end: "2026-02-28", groupBy: ["service"] };
  // One unmeasured start of each, so that both sides meet a warm file cache.
  await once([join(OUT, "bare.mjs")], env, {}, {});
  await once([join(OUT, "lib", "server.mjs")], env, { "x-api-key": key }, request);
  const bare: Start[] = [];
  const full: Start[] = [];
  const compare: Start[] = [];
  if (COMPARE_LIB) await once([join(COMPARE_LIB, "server.mjs")], env, { "x-api-key": key }, request);
  if (CPU_PROF) await once(["--cpu-prof", "--cpu-prof-dir", CPU_PROF, join(OUT, "lib", "server.mjs")], env, { "x-api-key": key }, request, false);
  if (CPU_PROF && COMPARE_LIB) await once(["--cpu-prof", "--cpu-prof-dir", join(CPU_PROF, "compare"), join(COMPARE_LIB, "server.mjs")], env, { "x-api-key": key }, request, false);
  for (let i = 0; i < RUNS; i++) {
    bare.push(await once([join(OUT, "bare.mjs")], env, {}, {}));
    full.push(await once([join(OUT, "lib", "server.mjs")], env, { "x-api-key": key }, request));
    if (COMPARE_LIB) compare.push(await once([join(COMPARE_LIB, "server.mjs")], env, { "x-api-key": key }, request));
  }
  const modules = ["@google-cloud/functions-framework", "firebase-admin/firestore", "@google-cloud/bigquery", "@google-cloud/pubsub", "@google-cloud/secret-manager", "@duckdb/node-api"];
  const imports: Record<string, number[]> = Object.fromEntries(modules.map((m) => [m, []]));
  for (let i = 0; i < IMPORT_RUNS; i++) for (const m of modules) imports[m]?.push(await importMs(m));
  const ratios = full.map((f, i) => f.ms / (bare[i] as Start).ms);
  result = {
    bench: "gcp/cold-start",
    command: `npx tsx bench/gcp/cold-start.ts --runs ${RUNS} --import-runs ${IMPORT_RUNS}${COMPARE_LIB ? ` --compare-lib ${COMPARE_LIB}` : ""}`,
    machine: { node: process.version, cpus: cpus().length, loadavgAtEnd: loadavg().map(r1) },
    runs: RUNS,
    bareMs: stats(bare.map((b) => b.ms)),
    getCostSummaryMs: stats(full.map((f) => f.ms)),
    listenMs: { bare: stats(bare.map((b) => b.listenMs)), getCostSummary: stats(full.map((f) => f.listenMs)) },
    warmSecondCallMs: { bare: stats(bare.map((b) => b.warmMs)), getCostSummary: stats(full.map((f) => f.warmMs)) },
    ratioOfMedians: Number((median(full.map((f) => f.ms)) / median(bare.map((b) => b.ms))).toFixed(2)),
    ratioPerPair: { median: Number(median(ratios).toFixed(2)), worst: Number(Math.max(...ratios).toFixed(2)) },
    rssAfterFirstAnswerMiB: { bare: r1(median(bare.map((b) => b.rssMiB))), getCostSummary: r1(median(full.map((f) => f.rssMiB))) },
    ...(COMPARE_LIB
      ? {
          compareLib: COMPARE_LIB,
          compareMs: stats(compare.map((c) => c.ms)),
          compareListenMs: stats(compare.map((c) => c.listenMs)),
          compareRatioOfMedians: Number((median(compare.map((c) => c.ms)) / median(bare.map((b) => b.ms))).toFixed(2)),
          compareRssMiB: r1(median(compare.map((c) => c.rssMiB))),
        }
      : {}),
    bigqueryJobsSeen: bigquery.jobs.length,
    importMsInFreshProcess: Object.fromEntries(Object.entries(imports).map(([m, xs]) => [m, stats(xs)])),
    goal: "getCostSummary / bare <= 2.0",
  };
} finally {
  metadata.close();
  await bigquery.close();
  await firestore.stop();
}
console.log(JSON.stringify(result, null, 2));
process.exit(0);
