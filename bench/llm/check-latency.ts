/**
 * Latency of the budget check a gateway makes before each request, in-process on the local
 * default: `npm run bench:llm-check -- [--calls N] [--budgets B]`. Builds the composition root on
 * a fresh data folder, gives the tenant B hard-limited budgets (team, key and model scopes) and
 * 20,000 recorded events, then times N sequential `checkLlmBudget` service calls (what the
 * callable's handler runs, without HTTP and the middleware) after a warm-up of 1,000. The
 * budgets are cached per instance (llm_usage.budget_cache_ttl) and the ledger holds its committed
 * running totals in memory, so a warm call reads no table. Prints one JSON object with p50, p99
 * and max in milliseconds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { RecordLlmUsageInput } from "#domain/llm-usage/event.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`--${name} needs a positive number\n`);
    process.exit(2);
  }
  return Math.trunc(v);
}

const CALLS = arg("calls", 20_000);
const BUDGETS = arg("budgets", 10);
const TENANT = "bench-check";
const NOW = Date.parse("2026-11-20T12:00:00Z");
const TEAMS = ["search", "support", "ml", "growth", "infra"];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "costmon-bench-check-"));
  configureDeps({ clock: { now: () => new Date(NOW) }, env: { COSTMON_ENV: "dev", COSTMON_DATA_DIR: dataDir, COSTMON_LOGGING_LEVEL: "warning" }, logSink: () => {} });
  try {
    const deps = await getDeps();
    await deps.documents.set(`tenants/${TENANT}`, { name: TENANT });
    for (let b = 0; b < BUDGETS; b++) {
      const scope = b % 3 === 0 ? { tags: { team: TEAMS[b % TEAMS.length] as string } } : b % 3 === 1 ? { tags: { key: `key-${b}` } } : { service_name: ["gpt-4o-mini"], tags: { team: TEAMS[b % TEAMS.length] as string } };
      await deps.documents.set(`tenants/${TENANT}/budgets/b${b}`, { name: `Budget ${b}`, amount: "1000000", currency: "USD", period: "monthly", scope, hardLimit: true });
    }
    for (let batch = 0; batch < 20; batch++) {
      const events = Array.from({ length: 1000 }, (_, i) => ({
        eventId: `e-${batch}-${i}`,
        provider: "openai",
        model: i % 2 ? "gpt-4o-mini" : "gpt-4o",
        inputTokens: 1000 + i,
        outputTokens: 200,
        requestedAt: new Date(NOW - i * 60_000).toISOString(),
        tags: { team: TEAMS[i % TEAMS.length], key: `key-${i % BUDGETS}` },
      }));
      await deps.llmUsage.record(TENANT, RecordLlmUsageInput.parse({ events }));
    }
    const request = (i: number) => ({ provider: "openai", model: i % 2 ? "gpt-4o-mini" : "gpt-4o", tags: { team: TEAMS[i % TEAMS.length] as string, key: `key-${i % BUDGETS}` } });
    for (let i = 0; i < 1000; i++) await deps.llmUsage.check(TENANT, request(i));
    const times: number[] = [];
    let inScope = 0;
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      const r = await deps.llmUsage.check(TENANT, request(i));
      times.push(performance.now() - t0);
      inScope += r.budgets.length;
    }
    times.sort((a, b) => a - b);
    const ms = (v: number) => Number(v.toFixed(3));
    process.stdout.write(
      `${JSON.stringify({ calls: CALLS, budgets: BUDGETS, meanBudgetsInScope: Number((inScope / CALLS).toFixed(2)), p50Ms: ms(quantile(times, 0.5)), p99Ms: ms(quantile(times, 0.99)), maxMs: ms(times[times.length - 1] as number), node: process.version })}\n`,
    );
  } finally {
    await closeDeps();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
