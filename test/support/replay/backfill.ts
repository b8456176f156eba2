import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import Big from "big.js";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { seedTenants } from "#cli/nightly/seed-tenants.js";
import { type CollectAccountMessage, deadLetterTopic, type NightlyCollectMessage, TOPICS } from "#domain/nightly/messages.js";
import { readRun } from "#domain/nightly/run-state.js";
import { resetBreakers } from "#foundation/selfops/circuit-breaker.js";
import { addDays, type DayWindow, monthsBefore } from "#kernel/days.js";
import type { BusMessage, EventBus, MessageHandler } from "#kernel/ports.js";
import { closeDeps, configureDeps, getDeps } from "../../../functions/src/deps.js";
import { subscribeEventFunctions } from "../../../functions/src/local-subscriptions.js";
import { sumOf } from "./billing-dataset.js";
import { type Fault, type FaultPlan, noFaults, seededFaults } from "./faults.js";
import {
  ACCOUNT_IDS,
  LIVE_PROVIDERS,
  type LiveProvider,
  scopedTruth,
  startReplayProviders,
  writeConfigDir,
  writeTenantsFile,
} from "./provider-nightly.js";

/**
 * A new account's history backfill for GCP, AWS and Azure at once, through the deployed nightly:
 * deps configured on a temporary data folder with a config folder that points the providers at
 * their replay servers (optionally failing a seeded share of provider calls transiently), one
 * tenant owning the three accounts (onboarded from a generated tenants file, as `costmon nightly`
 * does), the event functions subscribed to the bus, nightly-collect published and the bus drained.
 * Each account is pulled month page by month page by collectAccount through its provider's SDK,
 * which retries each call within `selfops.retry_*`; a page that still fails is redelivered by the
 * bus (up to `selfops.dead_letter_max_attempts`). Used by bench/providers/fault-backfill.ts (the
 * fault figure) and by a smaller unit test.
 */
export interface BackfillOptions {
  /** Last day of the backfill: the nightly runs the day after. */
  end: string;
  /** `collection.history_months`: the window starts on the first day of the month that many months before the run. */
  months: number;
  /** Share of provider calls that fail transiently, in percent (0 = the fault-free run). */
  faultRatePercent: number;
  seed: number;
  /** How long a "timeout" fault holds the call before the connection drops, ms. */
  hangMs?: number;
}

export interface ProviderFigure {
  records: number;
  billedTotal: string;
  truthTotal: string;
  /** record_key -> billed_cost, to compare runs row by row. */
  ledger: Map<string, string>;
  providerCalls: number;
  faultsInjected: number;
  /** Page deliveries that failed after the SDK's own retries and were redelivered by the bus. */
  collectorRetries: number;
  /** Month pages collected. */
  pages: number;
  /** Month pages given up (dead-lettered): their rows are missing. */
  failedPages: number;
}

export interface BackfillFigure {
  window: DayWindow;
  runDate: string;
  providers: Record<LiveProvider, ProviderFigure>;
  elapsedMs: number;
}

const TENANT = "bench";
const TRANSIENT: Fault[] = ["throttle", "server-error", "reset", "timeout", "malformed"];

/**
 * The config a backfill under faults runs with: a small SDK backoff, enough bus deliveries for a
 * page to outlast a streak of faults, and a breaker that half-opens before the bus redelivers.
 */
const SELFOPS = {
  retry_max_attempts: 4,
  retry_base: "2ms",
  retry_max: "20ms",
  breaker_failures: 5,
  breaker_half_open_after: "50ms",
  dead_letter_max_attempts: 10,
};

/** The window the nightly of the day after `end` backfills for a new account with `months` of history. */
export function backfillWindow(end: string, months: number): DayWindow {
  return { start: monthsBefore(addDays(end, 1), months), end };
}

function plan(opts: BackfillOptions, salt: number, kinds: Fault[]): FaultPlan {
  return opts.faultRatePercent > 0 ? seededFaults(opts.seed * 31 + salt, opts.faultRatePercent, kinds) : noFaults;
}

const PROVIDER_OF_ACCOUNT = new Map(LIVE_PROVIDERS.map((p) => [ACCOUNT_IDS[p], p]));
const providerOfPage = (pageKey: string): LiveProvider | undefined => PROVIDER_OF_ACCOUNT.get(pageKey.split(":")[0] ?? "");

/** The bus, with every delivery to a subscriber reported (topic, message, whether the handler threw). */
function observedBus(bus: EventBus, seen: (msg: BusMessage, failed: boolean) => void): EventBus {
  return {
    publish: (topic, data, attributes) => bus.publish(topic, data, attributes),
    subscribe<T>(topic: string, handler: MessageHandler<T>, opts?: { maxAttempts?: number }) {
      bus.subscribe<T>(
        topic,
        async (msg) => {
          try {
            await handler(msg);
          } catch (err) {
            seen(msg, true);
            throw err;
          }
          seen(msg, false);
        },
        opts,
      );
    },
    drain: () => bus.drain(),
    close: () => bus.close(),
  };
}

/** The tenant's ledger as stored: provider, record_key and billed cost of every row. */
async function readLedger(dataDir: string): Promise<{ provider: string; key: string; billed: string }[]> {
  const db = await DuckDBInstance.create(join(dataDir, "warehouse.duckdb"), { access_mode: "READ_ONLY" });
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(
      "SELECT provider, record_key, CAST(billed_cost AS VARCHAR) FROM daily_costs WHERE tenant_id = $1 ORDER BY record_key",
      [TENANT],
    );
    return reader.getRows().map(([provider, key, billed]) => ({ provider: String(provider), key: String(key), billed: new Big(String(billed)).toFixed() }));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

export async function runBackfill(opts: BackfillOptions): Promise<BackfillFigure> {
  const started = performance.now();
  const window = backfillWindow(opts.end, opts.months);
  const runDate = addDays(opts.end, 1);
  const dir = mkdtempSync(join(tmpdir(), "fault-backfill-"));
  const dataDir = join(dir, "data");
  const truth = scopedTruth(window);
  const providers = await startReplayProviders({
    dir,
    rows: truth,
    hangMs: opts.hangMs ?? 200,
    faults: { gcp: plan(opts, 1, [...TRANSIENT, "job-running"]), aws: plan(opts, 2, TRANSIENT), azure: plan(opts, 3, TRANSIENT) },
  });
  const redelivered = { gcp: 0, aws: 0, azure: 0 }; // failed page deliveries
  const deadLettered = { gcp: 0, aws: 0, azure: 0 };
  try {
    const configDir = writeConfigDir(join(dir, "config"), { providers, historyMonths: opts.months, selfops: SELFOPS });
    const tenantsFile = writeTenantsFile(join(dir, "tenants"), { tenantId: TENANT, today: runDate });
    resetBreakers();
    configureDeps({ env: { COSTMON_ENV: "dev", COSTMON_DATA_DIR: dataDir, COSTMON_DEMO_TENANTS_FILE: tenantsFile }, configDir, logSink: () => {}, consoleWrite: () => {} });
    const deps = await getDeps();
    await seedTenants(deps, await loadDemoConfig(tenantsFile), tenantsFile);
    await subscribeEventFunctions(
      observedBus(deps.bus, (msg, failed) => {
        const p = (msg.data as Partial<CollectAccountMessage>).provider as LiveProvider;
        if (msg.topic === TOPICS.collectAccount && failed) redelivered[p] += 1;
        if (msg.topic === deadLetterTopic(TOPICS.collectAccount) && !failed) deadLettered[p] += 1;
      }),
    );
    const start: NightlyCollectMessage = { runDate, tenantIds: [TENANT] };
    await deps.bus.publish(TOPICS.nightlyCollect, start);
    await deps.bus.drain();
    const run = await readRun(deps.documents, TENANT, runDate);
    await closeDeps();

    const ledger = await readLedger(dataDir);
    const figures = {} as BackfillFigure["providers"];
    for (const p of LIVE_PROVIDERS) {
      const rows = ledger.filter((r) => r.provider === p);
      const calls = providers.calls(p);
      figures[p] = {
        records: rows.length,
        billedTotal: sumOf(rows.map((r) => ({ billed_cost: r.billed }))),
        truthTotal: sumOf(truth[p]),
        ledger: new Map(rows.map((r) => [r.key, r.billed])),
        providerCalls: calls.total,
        faultsInjected: calls.faults,
        // Every failed delivery but a dead-lettered page's last one was followed by another delivery.
        collectorRetries: redelivered[p] - deadLettered[p],
        pages: (run?.collected ?? []).filter((k) => providerOfPage(k) === p).length,
        failedPages: (run?.failed ?? []).filter((k) => providerOfPage(k) === p).length,
      };
    }
    return { window, runDate, providers: figures, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    await closeDeps();
    await providers.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
