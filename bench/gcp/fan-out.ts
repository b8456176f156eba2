import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { messageAttributes } from "#adapters/pubsub/message-attributes.js";
import { withEmulatorSession } from "#cli/emulator-session.js";
import { seedTenants } from "#cli/nightly/seed-tenants.js";
import { createProgress } from "#cli/progress.js";
import { TOPICS } from "#domain/nightly/messages.js";
import { addDays } from "#kernel/days.js";
import { CountingDocumentStore, type OpCounts } from "./counting-store.js";
import { writeSyntheticTenants } from "./synthetic-tenants.js";

/**
 * Fan-out scale and the per-night operation counts (issue 16, "Figures" 2 and 3):
 *   npx tsx bench/gcp/fan-out.ts --tenants 200 --accounts 10 [--date 2026-11-16] [--out FILE]
 *
 * Runs the nightly through the official Firestore and Pub/Sub emulators exactly as
 * `costmon nightly --runtime emulators` does (withEmulatorSession: every event function on its
 * own functions-framework server behind a push subscription), on a generated tenants file
 * (synthetic-tenants.ts), two nights on one data folder:
 *   1. `backfill`: every account is new, so each collects `collection.history_months` (set to 1);
 *   2. `nightly`: the next day, the steady state: each account collects its trailing days.
 * For each night it prints end-to-end time (publish of `nightly-collect` → bus drained), pushes
 * acknowledged per second, every message published (count and bytes, by topic), the Firestore
 * operations (counting-store.ts), the warehouse calls (the input of run-cost.ts's BigQuery
 * estimate), the handler time of every push as seen at the push relay, and this process's RSS.
 *
 * All event functions are served from this one process (that is how the emulator runtime serves
 * them), so the RSS here is of all functions together: an upper bound for one function's instance.
 * Seeding is not counted. The ledger of the emulator runtime is DuckDB (docs/emulator-runtime.md).
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

/** Handler time of each push, measured at the relay (its request for `/<function>` until it answers). */
const pushTimes = new Map<string, number[]>();
const started = new WeakMap<IncomingMessage, number>();
let timing = false;
const FUNCTION_PATH = /^\/([A-Za-z]+)$/;
subscribe("http.server.request.start", (m) => {
  const { request } = m as { request: IncomingMessage };
  if (timing && FUNCTION_PATH.test(request.url ?? "")) started.set(request, performance.now());
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
const MiB = 1048576;

async function night(label: string, runDate: string) {
  let counting: CountingDocumentStore | undefined;
  const acked = new Map<string, number>();
  const failed = new Map<string, number>();
  const published = new Map<string, Published>();
  const warehouseCalls: WarehouseCall[] = [];
  let peakRss = 0;
  let atPeak: NodeJS.MemoryUsage | undefined;
  let rssBefore = 0;
  let e2eMs = 0;
  const result = await withEmulatorSession(
    {
      dataDir,
      tenantsFile,
      overrides: (env) => {
        counting = new CountingDocumentStore(new FirestoreDocumentStore({ projectId: "demo-test", emulatorHost: env.COSTMON_EMULATORS_FIRESTORE_HOST ?? "" }));
        return { documents: counting };
      },
    },
    quiet,
    async ({ deps, serve }) => {
      const store = counting as CountingDocumentStore;
      store.reset(false);
      await seedTenants(deps, cfg, tenantsFile);
      // Count what the functions publish: data as sent (JSON), attributes as the bus adds them.
      const bus = deps.bus;
      const publish = bus.publish.bind(bus);
      bus.publish = async <T>(topic: string, data: T, attributes?: Record<string, string>) => {
        const p = published.get(topic) ?? { messages: 0, dataBytes: 0, attributeBytes: 0 };
        p.messages++;
        p.dataBytes += Buffer.byteLength(JSON.stringify(data));
        for (const [k, v] of Object.entries(messageAttributes(data, attributes))) p.attributeBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
        published.set(topic, p);
        return publish(topic, data, attributes);
      };
      // Record the warehouse calls (their windows and sizes) for the BigQuery estimate.
      const wh = deps.warehouse as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      for (const method of ["upsert", "replaceWindow", "queryDaily", "totals", "days"] as const) {
        const original = wh[method]?.bind(deps.warehouse);
        if (!original) continue;
        wh[method] = async (...a: unknown[]) => {
          const call: WarehouseCall = { method, tenantId: "", days: 0, records: 0 };
          if (method === "replaceWindow") {
            call.tenantId = (a[0] as { tenantId: string }).tenantId;
            call.days = daysIn(a[1] as { start: string; end: string });
            call.records = (a[2] as unknown[]).length;
          } else {
            call.tenantId = a[0] as string;
            if (method === "upsert") call.records = (a[1] as unknown[]).length;
            if (method === "queryDaily") call.days = daysIn((a[1] as { window?: { start: string; end: string } }).window);
            if (method === "totals") call.days = daysIn(a[1] as { start: string; end: string } | undefined);
          }
          warehouseCalls.push(call);
          return original(...a);
        };
      }
      await serve((name, outcome) => {
        const m = outcome === "acknowledged" ? acked : failed;
        m.set(name, (m.get(name) ?? 0) + 1);
      });
      store.reset(true);
      pushTimes.clear();
      timing = true;
      rssBefore = process.memoryUsage().rss;
      const sample = () => {
        const m = process.memoryUsage();
        if (m.rss > peakRss) {
          peakRss = m.rss;
          atPeak = m;
        }
      };
      const sampler = setInterval(sample, 100);
      const t0 = performance.now();
      await deps.bus.publish(TOPICS.nightlyCollect, { runDate, tenantIds });
      await deps.bus.drain();
      e2eMs = performance.now() - t0;
      clearInterval(sampler);
      timing = false;
      sample();
      const snapshot = { counts: new Map(store.counts()), total: store.total() };
      store.reset(false);
      return snapshot;
    },
  );
  await counting?.close().catch(() => undefined);
  const perTenant = [...result.counts.entries()].filter(([k]) => k !== "(platform)").map(([, c]) => c);
  const total: OpCounts = result.total;
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
    peakRssMiB: r1(peakRss / MiB),
    // Where the peak sat: the V8 heap, memory V8 tracks outside it (Buffers), and the rest (native:
    // DuckDB's buffer pool, gRPC, loaded code); and the RSS when the servers were up, before the run.
    atPeakMiB: atPeak
      ? { heapUsed: r1(atPeak.heapUsed / MiB), heapTotal: r1(atPeak.heapTotal / MiB), external: r1(atPeak.external / MiB), nativeAndCode: r1((atPeak.rss - atPeak.heapTotal - atPeak.external) / MiB) }
      : null,
    rssBeforeRunMiB: r1(rssBefore / MiB),
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
  maxRssMiBWholeRun: r1(process.resourceUsage().maxRSS / 1024),
  nights,
};
const text = JSON.stringify(result, null, 2);
if (OUT) writeFileSync(OUT, `${text}\n`);
console.log(text);
process.exit(0);
