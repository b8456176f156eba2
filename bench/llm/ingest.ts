/**
 * LLM usage ingest throughput on the local default: `npm run bench:llm -- --events N [--batch B]
 * [--retry-share R]`. Builds the composition root (deps.ts) on a fresh data folder, so events go
 * through the same code as `recordLlmUsage`'s handler: the strict schema, pricing with the pinned
 * price database, the DuckDB ledger with its idempotency on event ids, and the budget running
 * totals (one hard-limited budget in scope). A share of batches is sent twice, as a gateway
 * retrying after a timeout would. At the end the ledger is written into the cost ledger as
 * CostRecords, and both totals are compared with an independent sum: big.js over the providers'
 * published rates, written out below, over each distinct event once.
 *
 * For the one-core figure run it under `taskset -c 1`: the ledger sizes DuckDB's threads by the
 * cores the process may use.
 *
 * Prints one JSON object: eventsPerSecond (events offered, retries included, per second of wall
 * time), eventsPerCpuSecond (the same per second of this process's CPU time, DuckDB's threads
 * included), peakRssMiB (the process's maximum resident set), totalsMatch, and the totals.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Big from "big.js";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { syncLlmCostRecords } from "#domain/llm-usage/cost-records.js";
import { RecordLlmUsageInput } from "#domain/llm-usage/event.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`--${name} needs a positive number\n`);
    process.exit(2);
  }
  return v;
}

const EVENTS = Math.trunc(arg("events", 1_000_000));
const BATCH = Math.min(1000, Math.trunc(arg("batch", 1000)));
const RETRY_SHARE = Math.min(1, arg("retry-share", 0.02));
const CONCURRENCY = Math.min(64, Math.trunc(arg("concurrency", 16)));
const TENANT = "bench-llm";
const NOW = Date.parse("2026-11-20T12:00:00Z");

/** Published standard rates, USD per million tokens (input, cached input, cache write, output), prompts under 200k tokens. */
const PUBLISHED: { provider: string; model: string; input: string; cacheRead: string; cacheWrite: string | null; output: string }[] = [
  { provider: "openai", model: "gpt-4o-mini", input: "0.15", cacheRead: "0.075", cacheWrite: null, output: "0.60" },
  { provider: "openai", model: "gpt-4o", input: "2.50", cacheRead: "1.25", cacheWrite: null, output: "10.00" },
  { provider: "anthropic", model: "claude-sonnet-4-5", input: "3.00", cacheRead: "0.30", cacheWrite: "3.75", output: "15.00" },
  { provider: "google", model: "gemini-2.5-flash", input: "0.30", cacheRead: "0.03", cacheWrite: null, output: "2.50" },
];
const TEAMS = ["search", "support", "ml", "growth", "infra"];

/** A small deterministic generator (mulberry32), so every run offers the same events. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RawEvent {
  eventId: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  requestedAt: string;
  tags: { app: string; team: string; user: string; key: string };
}

function makeEvent(i: number, r: () => number): RawEvent {
  const m = PUBLISHED[Math.floor(r() * PUBLISHED.length)] as (typeof PUBLISHED)[number];
  const input = 200 + Math.floor(r() * 20_000);
  const cacheRead = r() < 0.4 ? Math.floor(input * r() * 0.8) : 0;
  const cacheWrite = m.cacheWrite && r() < 0.1 ? Math.floor((input - cacheRead) * r()) : 0;
  const output = 20 + Math.floor(r() * 2000);
  // Tags follow the user, as a gateway's keys and apps belong to people: a realistic number of tag sets.
  const user = Math.abs(i) % 50;
  const team = TEAMS[user % TEAMS.length] as string;
  return {
    eventId: `ev-${i}`,
    provider: m.provider,
    model: m.model,
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: Math.floor(output * r() * 0.3),
    requestedAt: new Date(NOW - Math.floor(r() * 20 * 86_400_000)).toISOString(),
    tags: { app: `app-${user % 7}`, team, user: `user-${user}`, key: `key-${user % 13}` },
  };
}

/** The independent price of one event: plain big.js over the published rates. */
function expectedCost(e: RawEvent): Big {
  const m = PUBLISHED.find((p) => p.provider === e.provider && p.model === e.model) as (typeof PUBLISHED)[number];
  const plain = e.inputTokens - e.cacheReadTokens - e.cacheWriteTokens;
  return new Big(plain)
    .times(m.input)
    .plus(new Big(e.cacheReadTokens).times(m.cacheRead))
    .plus(new Big(e.cacheWriteTokens).times(m.cacheWrite ?? m.input))
    .plus(new Big(e.outputTokens).times(m.output))
    .div(1_000_000);
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "costmon-bench-llm-"));
  let closed = false;
  configureDeps({ clock: { now: () => new Date(NOW) }, env: { COSTMON_ENV: "dev", COSTMON_DATA_DIR: dataDir, COSTMON_LOGGING_LEVEL: "warning" }, logSink: () => {} });
  try {
    const deps = await getDeps();
    // A hard-limited budget over every team's OpenAI spend, far above what the run spends: the
    // running total is kept on every batch, and it never blocks.
    await deps.documents.set(`tenants/${TENANT}`, { name: TENANT });
    await deps.documents.set(`tenants/${TENANT}/budgets/openai-cap`, { name: "OpenAI cap", amount: "100000000", currency: "USD", period: "monthly", scope: { provider: ["openai"] }, thresholds: [{ percent: 100, basis: "actual" }], hardLimit: true });
    // Warm-up outside the timing: loads the price database and opens the ledger.
    await deps.llmUsage.record(TENANT, RecordLlmUsageInput.parse({ ...makeEvent(-1, rng(1)), eventId: "warm-up" }));
    let expected = expectedCost(makeEvent(-1, rng(1)));

    const r = rng(42);
    const retryR = rng(7);
    let offered = 0;
    let accepted = 0;
    let duplicates = 0;
    // Only ingestion is timed: making the events and the independent sum are not. Events are
    // made 64 batches at a time, then sent with CONCURRENCY calls in flight, as a gateway's
    // parallel flushes reach one instance.
    let seconds = 0;
    let cpuMicros = 0;
    const ROUND = 64;
    for (let start = 0; start < EVENTS; start += BATCH * ROUND) {
      const bodies: { body: string; n: number }[] = [];
      for (let b = start; b < Math.min(EVENTS, start + BATCH * ROUND); b += BATCH) {
        const raw: RawEvent[] = [];
        for (let i = b; i < Math.min(EVENTS, b + BATCH); i++) raw.push(makeEvent(i, r));
        for (const e of raw) expected = expected.plus(expectedCost(e));
        const body = JSON.stringify({ events: raw });
        bodies.push({ body, n: raw.length });
        if (retryR() < RETRY_SHARE) bodies.push({ body, n: raw.length });
      }
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < bodies.length) {
          const { body, n } = bodies[next++] as { body: string; n: number };
          // Parsed as the callable parses its payload: what arrives is JSON text.
          const res = await deps.llmUsage.record(TENANT, RecordLlmUsageInput.parse(JSON.parse(body)));
          offered += n;
          accepted += res.accepted;
          duplicates += res.duplicates.length;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      seconds += (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      cpuMicros += cpu.user + cpu.system;
    }
    const cpuSeconds = cpuMicros / 1e6;

    const ledger = await deps.llmLedger();
    const window = { start: "2026-10-01", end: "2026-11-21" };
    const ledgerTotal = (await ledger.usage(TENANT, { window, groupBy: [], limit: 1 })).totals;
    const sync0 = performance.now();
    const synced = await syncLlmCostRecords(ledger, deps.warehouse, TENANT, window, new Date(NOW));
    const syncSeconds = (performance.now() - sync0) / 1000;
    const warehouseTotal = await deps.warehouse.totals(TENANT, window);
    const independent = expected.toFixed();
    const totalsMatch = new Big(ledgerTotal.costUsd).eq(expected) && new Big(warehouseTotal.billed_cost).eq(expected) && ledgerTotal.events === EVENTS + 1;

    const result = {
      events: EVENTS,
      batch: BATCH,
      concurrency: CONCURRENCY,
      offered,
      accepted,
      duplicates,
      seconds: Number(seconds.toFixed(3)),
      eventsPerSecond: Math.round(offered / seconds),
      cpuSeconds: Number(cpuSeconds.toFixed(3)),
      eventsPerCpuSecond: Math.round(offered / cpuSeconds),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      totalsMatch,
      ledgerTotalUsd: ledgerTotal.costUsd,
      warehouseTotalUsd: warehouseTotal.billed_cost,
      independentSumUsd: independent,
      costRecords: synced.records,
      syncSeconds: Number(syncSeconds.toFixed(3)),
      node: process.version,
    };
    // Closing folds the ledger's log into its file (a checkpoint): work the timed part deferred.
    const close0 = performance.now();
    await closeDeps();
    closed = true;
    const closeSeconds = Number(((performance.now() - close0) / 1000).toFixed(3));
    process.stdout.write(`${JSON.stringify({ ...result, closeSeconds })}\n`);
    if (!totalsMatch) process.exitCode = 1;
  } finally {
    if (!closed) await closeDeps();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
