import { spawn, type ChildProcess } from "node:child_process";
import { subscribe } from "node:diagnostics_channel";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { z } from "zod";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { DeliveryTrackingBus } from "#adapters/emulators/delivery-tracking-bus.js";
import { freePort } from "#adapters/emulators/emulator-process.js";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { messageAttributes } from "#adapters/pubsub/message-attributes.js";
import { withEmulatorSession } from "#cli/emulator-session.js";
import { seedTenants } from "#cli/nightly/seed-tenants.js";
import { createProgress } from "#cli/progress.js";
import type { CostWarehouse } from "#domain/billing/ports.js";
import { TOPICS } from "#domain/nightly/messages.js";
import { addDays } from "#kernel/days.js";
import { COMMON_OPTIONS } from "../../scripts/functions-bundle.mjs";
import { loadAllEntryPoints } from "../../functions/src/entry-points.js";
import { CountingDocumentStore, type OpCounts } from "./counting-store.js";
import { readJson, serveWarehouse } from "./remote-warehouse.js";
import { writeSyntheticTenants } from "./synthetic-tenants.js";

/**
 * Fan-out scale, peak memory per function instance, and the per-night operation counts (issue 16,
 * "Figures" 2 and 3):
 *   npx tsx bench/gcp/fan-out.ts --tenants 200 --accounts 10 [--date 2026-11-16] [--out FILE]
 *
 * Runs the nightly through the official Firestore and Pub/Sub emulators on a generated tenants
 * file (synthetic-tenants.ts), two nights on one data folder:
 *   1. `backfill`: every account is new, so each collects `collection.history_months` (set to 1);
 *   2. `nightly`: the next day, the steady state: each account collects its trailing days.
 *
 * Each event function runs as its own instance, as deployed: its own `node` process
 * (fan-out-instance.ts, bundled with the deployed bundle's options) with FUNCTION_TARGET set,
 * loading only that function and serving it through the edge server, behind its own push
 * subscription on the Pub/Sub emulator (the push relay of the emulators runtime adds the OIDC
 * token and forwards each push to the instance's port). Every push of a function goes to its one
 * instance, with no concurrency cap of our own (the emulator's push flow control decides how many
 * are in flight), so its peak RSS is that of the busiest instance a deployment with one instance
 * per function would have. Each night starts fresh instances, so each one's peak (VmHWM, read from
 * /proc when the night is over) includes its cold start. The ledger is this process's DuckDB
 * (the emulators runtime's), which the instances reach over HTTP (remote-warehouse.ts) as a
 * deployed instance reaches BigQuery; its memory is this process's, not an instance's.
 *
 * For each night it prints end-to-end time (publish of `nightly-collect` until every delivery was
 * acknowledged), pushes acknowledged per second, peak RSS per function instance, every message
 * published (count and bytes, by topic), the Firestore operations of all instances
 * (counting-store.ts), the warehouse calls (the input of run-cost.ts's BigQuery estimate), and the
 * handler time of every push as seen at the push relay. Seeding is not counted.
 */
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const TENANTS = Number(arg("tenants", "20"));
const ACCOUNTS = Number(arg("accounts", "10"));
const DATE = arg("date", "2026-11-16");
const OUT = arg("out", "");
const dataDir = resolve(`bench/out/gcp/fan-out-${TENANTS}x${ACCOUNTS}`);
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
const tenantsFile = join(dataDir, "tenants.yaml");
writeSyntheticTenants(tenantsFile, { tenants: TENANTS, accounts: ACCOUNTS, today: DATE });
// Backfill one month for a new account (the default 13 would make night 1 a 13-month backfill).
process.env.COSTMON_COLLECTION_HISTORY_MONTHS = "1";
process.env.METADATA_SERVER_DETECTION = "none";
const cfg = await loadDemoConfig(tenantsFile);
const tenantIds = cfg.tenants.map((t) => t.id);
const quiet = createProgress({ quiet: true });

/** The instance's entry, bundled as the deployed functions are (no tsx at run time). */
const instanceDir = resolve("bench/out/gcp/fan-out-instance");
rmSync(instanceDir, { recursive: true, force: true });
await build({
  ...COMMON_OPTIONS,
  entryPoints: { instance: "bench/gcp/fan-out-instance.ts" },
  outdir: instanceDir,
  splitting: true,
  minify: true,
  sourcemap: true,
  outExtension: { ".js": ".mjs" },
  logLevel: "warning",
});
const eventFunctions = Object.entries(await loadAllEntryPoints())
  .filter(([, fn]) => typeof fn === "function" && typeof (fn as { topic?: unknown }).topic === "string" && typeof (fn as { push?: unknown }).push === "function")
  .map(([name]) => name);

/** Handler time of each push, measured at the relay (its request for `/<function>` until it answers). */
const pushTimes = new Map<string, number[]>();
const started = new WeakMap<IncomingMessage, number>();
let timing = false;
const FUNCTION_PATH = /^\/([A-Za-z]+)$/;
subscribe("http.server.request.start", (m) => {
  const { request } = m as { request: IncomingMessage };
  // The relay's requests only: this process also serves the instances' ledger and publish reports.
  const name = FUNCTION_PATH.exec(request.url ?? "")?.[1];
  if (timing && name && eventFunctions.includes(name)) started.set(request, performance.now());
});
subscribe("http.server.response.finish", (m) => {
  const { request } = m as { request: IncomingMessage };
  const t0 = started.get(request);
  if (t0 === undefined) return;
  const name = FUNCTION_PATH.exec(request.url ?? "")?.[1] as string;
  const list = pushTimes.get(name) ?? [];
  list.push(performance.now() - t0);
  pushTimes.set(name, list);
});

interface Published {
  messages: number;
  dataBytes: number;
  attributeBytes: number;
}
interface WarehouseCall {
  method: string;
  tenantId: string;
  days: number;
  records: number;
}

const daysIn = (w: { start: string; end: string } | undefined) =>
  w ? Math.round((Date.parse(`${w.end}T00:00:00Z`) - Date.parse(`${w.start}T00:00:00Z`)) / 86_400_000) + 1 : 0;

const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

/** A function instance: its process, the URL the relay pushes to and its control port. */
interface Instance {
  name: string;
  child: ChildProcess;
  url: string;
  control: string;
  startMs: number;
  stderr: () => string;
}

const statusKiB = (pid: number, field: "VmHWM" | "VmRSS") => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
};

async function listening(port: number): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      res(true);
    });
    socket.once("error", () => res(false));
  });
}

/** Starts one function's instance and waits until both its ports listen. */
async function startInstance(name: string, env: NodeJS.ProcessEnv): Promise<Instance> {
  const [port, controlPort] = [await freePort(), await freePort()];
  const t0 = performance.now();
  // Its logs (one JSON line per event, as Cloud Logging reads them) go nowhere; errors are kept.
  const child = spawn(process.execPath, [join(instanceDir, "instance.mjs")], {
    env: { ...env, FUNCTION_TARGET: name, PORT: String(port), BENCH_INSTANCE_CONTROL_PORT: String(controlPort) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-8_000);
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance ${name} exited ${child.exitCode}: ${stderr}`);
    if ((await listening(port)) && (await listening(controlPort))) break;
    if (performance.now() - t0 > 60_000) throw new Error(`instance ${name} not listening after 60 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { name, child, url: `http://127.0.0.1:${port}/`, control: `http://127.0.0.1:${controlPort}`, startMs: performance.now() - t0, stderr: () => stderr };
}

async function stopInstance(i: Instance): Promise<void> {
  if (i.child.exitCode !== null) return;
  const exited = new Promise((r) => i.child.once("exit", r));
  i.child.kill("SIGTERM");
  await exited;
}

const CountsReply = z.array(z.tuple([z.string(), z.object({ reads: z.number(), writes: z.number(), deletes: z.number(), calls: z.record(z.string(), z.number()) })]));
const PublishReport = z.strictObject({ topic: z.string(), id: z.string(), dataBytes: z.number(), attributeBytes: z.number() });

/** Adds `more` into `into`, by owner. */
function mergeCounts(into: Map<string, OpCounts>, more: Iterable<[string, OpCounts]>): void {
  for (const [owner, c] of more) {
    const t = into.get(owner) ?? { reads: 0, writes: 0, deletes: 0, calls: {} };
    t.reads += c.reads;
    t.writes += c.writes;
    t.deletes += c.deletes;
    for (const [k, v] of Object.entries(c.calls)) t.calls[k] = (t.calls[k] ?? 0) + v;
    into.set(owner, t);
  }
}

/**
 * This process's end of the instances' calls: the ledger (remote-warehouse.ts), recording each
 * call's window and size for the BigQuery estimate, and the publish reports, which enter each
 * message the instances publish in the delivery ledger and count its bytes.
 */
async function startControlServer(warehouse: CostWarehouse, bus: DeliveryTrackingBus, warehouseCalls: WarehouseCall[], published: Map<string, Published>): Promise<Server> {
  const recording = new Proxy(warehouse, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== "string" || typeof value !== "function" || !["upsert", "replaceWindow", "queryDaily", "totals", "days"].includes(prop)) return value;
      return (...a: unknown[]) => {
        const call: WarehouseCall = { method: prop, tenantId: "", days: 0, records: 0 };
        if (prop === "replaceWindow") {
          call.tenantId = (a[0] as { tenantId: string }).tenantId;
          call.days = daysIn(a[1] as { start: string; end: string });
          call.records = (a[2] as unknown[]).length;
        } else {
          call.tenantId = a[0] as string;
          if (prop === "upsert") call.records = (a[1] as unknown[]).length;
          if (prop === "queryDaily") call.days = daysIn((a[1] as { window?: { start: string; end: string } }).window);
          if (prop === "totals") call.days = daysIn(a[1] as { start: string; end: string } | undefined);
        }
        warehouseCalls.push(call);
        return (value as (...x: unknown[]) => unknown).apply(target, a);
      };
    },
  });
  const server = createServer((req, res) => {
    void (async () => {
      if (await serveWarehouse(recording, req, res)) return;
      if (req.method === "POST" && req.url === "/published") {
        const r = PublishReport.parse(await readJson(req));
        bus.ledger.publishStarted();
        bus.ledger.publishEnded(r.topic, r.id);
        const p = published.get(r.topic) ?? { messages: 0, dataBytes: 0, attributeBytes: 0 };
        p.messages++;
        p.dataBytes += r.dataBytes;
        p.attributeBytes += r.attributeBytes;
        published.set(r.topic, p);
        res.statusCode = 204;
        res.end();
        return;
      }
      res.statusCode = 404;
      res.end();
    })().catch((err: unknown) => {
      if (!res.headersSent) res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return server;
}

async function night(label: string, runDate: string) {
  let counting: CountingDocumentStore | undefined;
  let emulatorEnv: Record<string, string> = {};
  const acked = new Map<string, number>();
  const failed = new Map<string, number>();
  const published = new Map<string, Published>();
  const warehouseCalls: WarehouseCall[] = [];
  let e2eMs = 0;
  const result = await withEmulatorSession(
    {
      dataDir,
      tenantsFile,
      overrides: (env) => {
        emulatorEnv = env;
        counting = new CountingDocumentStore(new FirestoreDocumentStore({ projectId: "demo-test", emulatorHost: env.COSTMON_EMULATORS_FIRESTORE_HOST ?? "" }));
        return { documents: counting };
      },
    },
    quiet,
    async ({ deps, serve }) => {
      const store = counting as CountingDocumentStore;
      store.reset(false);
      await seedTenants(deps, cfg, tenantsFile);
      if (!(deps.bus instanceof DeliveryTrackingBus)) throw new Error("the emulators runtime's bus was expected");
      const bus = deps.bus;
      const control = await startControlServer(deps.warehouse, bus, warehouseCalls, published);
      const instances: Instance[] = [];
      try {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          ...emulatorEnv,
          COSTMON_DATA_DIR: dataDir,
          COSTMON_DEMO_TENANTS_FILE: tenantsFile,
          BENCH_CONTROL_URL: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
          BENCH_PROJECT_ID: deps.config.project.id,
        };
        for (const name of eventFunctions) instances.push(await startInstance(name, env));
        await serve(
          (name, outcome) => {
            const m = outcome === "acknowledged" ? acked : failed;
            m.set(name, (m.get(name) ?? 0) + 1);
          },
          { functionUrls: new Map(instances.map((i) => [i.name, i.url])) },
        );
        // Count the night only: not what the instances read while starting.
        for (const i of instances) await (await fetch(`${i.control}/reset`, { method: "POST" })).arrayBuffer();
        store.reset(true);
        pushTimes.clear();
        timing = true;
        // The night's first message is this process's own publish (the scheduler's), counted here.
        const trigger = { runDate, tenantIds };
        let attributeBytes = 0;
        for (const [k, v] of Object.entries(messageAttributes(trigger))) attributeBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
        published.set(TOPICS.nightlyCollect, { messages: 1, dataBytes: Buffer.byteLength(JSON.stringify(trigger)), attributeBytes });
        const t0 = performance.now();
        await bus.publish(TOPICS.nightlyCollect, trigger);
        await bus.drain();
        e2eMs = performance.now() - t0;
        timing = false;
        const counts = new Map(store.counts());
        for (const i of instances) mergeCounts(counts, CountsReply.parse(await (await fetch(`${i.control}/counts`)).json()));
        const memory = Object.fromEntries(
          instances.map((i) => {
            const pid = i.child.pid as number;
            return [i.name, { peakRssMiB: r1(statusKiB(pid, "VmHWM") / 1024), rssAtEndMiB: r1(statusKiB(pid, "VmRSS") / 1024), startMs: Math.round(i.startMs) }];
          }),
        );
        store.reset(false);
        return { counts, memory, publishedByBus: bus.ledger.counts().published };
      } finally {
        for (const i of instances) await stopInstance(i);
        await new Promise<void>((r) => control.close(() => r()));
      }
    },
  );
  await counting?.close().catch(() => undefined);
  const perTenant = [...result.counts.entries()].filter(([k]) => k !== "(platform)").map(([, c]) => c);
  const all = new Map<string, OpCounts>();
  mergeCounts(all, [...result.counts.values()].map((c): [string, OpCounts] => ["all", c]));
  const total = all.get("all") ?? { reads: 0, writes: 0, deletes: 0, calls: {} };
  const pushes = [...acked.values()].reduce((a, b) => a + b, 0);
  return {
    night: label,
    runDate,
    endToEndMs: Math.round(e2eMs),
    pushesAcknowledged: pushes,
    pushesFailed: [...failed.values()].reduce((a, b) => a + b, 0),
    messagesPerSecond: r1(pushes / (e2eMs / 1000)),
    acknowledgedByFunction: Object.fromEntries(acked),
    failedByFunction: Object.fromEntries(failed),
    // Peak RSS of each function's instance (VmHWM: the most the process ever held, its start included).
    instances: result.memory,
    published: Object.fromEntries(published),
    firestore: {
      total: { reads: total.reads, writes: total.writes, deletes: total.deletes },
      platformOnly: result.counts.get("(platform)") ?? null,
      perTenantMedian: {
        reads: quantile(perTenant.map((c) => c.reads), 0.5),
        writes: quantile(perTenant.map((c) => c.writes), 0.5),
        deletes: quantile(perTenant.map((c) => c.deletes), 0.5),
      },
      perTenantMax: {
        reads: Math.max(0, ...perTenant.map((c) => c.reads)),
        writes: Math.max(0, ...perTenant.map((c) => c.writes)),
        deletes: Math.max(0, ...perTenant.map((c) => c.deletes)),
      },
      calls: total.calls,
    },
    warehouse: summarizeWarehouse(warehouseCalls),
    handlerMs: Object.fromEntries(
      [...pushTimes.entries()].map(([name, xs]) => [name, { count: xs.length, totalMs: Math.round(xs.reduce((a, b) => a + b, 0)), p50: r1(quantile(xs, 0.5)), p99: r1(quantile(xs, 0.99)), max: r1(Math.max(...xs)) }]),
    ),
    // Every push's own duration, rounded up to 100 ms as Cloud Run bills instance time.
    handlerSecondsBilled100ms: Object.fromEntries([...pushTimes.entries()].map(([name, xs]) => [name, r1(xs.reduce((a, b) => a + Math.ceil(b / 100) / 10, 0))])),
  };
}

function summarizeWarehouse(calls: WarehouseCall[]) {
  const byMethod: Record<string, { calls: number; days: number; records: number }> = {};
  for (const c of calls) {
    const m = byMethod[c.method] ?? { calls: 0, days: 0, records: 0 };
    byMethod[c.method] = m;
    m.calls++;
    m.days += c.days;
    m.records += c.records;
  }
  return { byMethod, calls: calls.length };
}

const t0 = performance.now();
const nights = [await night("backfill", DATE), await night("nightly", addDays(DATE, 1))];
const result = {
  bench: "gcp/fan-out",
  command: `npx tsx bench/gcp/fan-out.ts --tenants ${TENANTS} --accounts ${ACCOUNTS} --date ${DATE}`,
  machine: { node: process.version, cpus: cpus().length, loadavgAtEnd: loadavg().map((x) => r1(x)) },
  tenants: TENANTS,
  accountsPerTenant: ACCOUNTS,
  totalWallMs: Math.round(performance.now() - t0),
  // This process: the emulators' clients, the push relay and the DuckDB ledger the instances call
  // (standing in for BigQuery); not a function instance.
  benchProcessMaxRssMiB: r1(process.resourceUsage().maxRSS / 1024),
  nights,
};
const text = JSON.stringify(result, null, 2);
if (OUT) writeFileSync(OUT, `${text}\n`);
console.log(text);
process.exit(0);
