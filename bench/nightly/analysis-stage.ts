/**
 * Wall time of the nightly's analysis stage on the demo tenants (DESIGN.md §9, speed):
 *   npx tsx bench/nightly/analysis-stage.ts [--reps 5] [--date 2026-11-20]
 * Builds the demo ledger and tenant documents in a temporary data dir once (DuckDB files, as the
 * local run keeps them), analyzes each tenant once untimed so that the timed runs see warm data
 * and existing documents (as a re-run of the day does), then times analyzeTenant per tenant over
 * `reps` repetitions. Prints JSON only: median and every run per tenant in ms, and the same for
 * the sum over tenants of each repetition.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import { newRun } from "#domain/nightly/run-state.js";
import { paths } from "#kernel/document-paths.js";
import type { EventBus } from "#kernel/ports.js";
import { buildDemoLedger } from "./demo-ledger.js";

const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "5" },
    date: { type: "string" },
  },
});
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) throw new RangeError("--reps must be a positive integer");

/** The local default of F7's alerts.dashboard_url; the analysis only puts it into links. */
const DASHBOARD_URL = "http://localhost:5000";

/** Alert messages are counted, not delivered: dispatch is another stage's cost. */
function countingBus(): EventBus & { published: number } {
  return {
    published: 0,
    async publish() {
      this.published++;
      return String(this.published);
    },
    subscribe() {},
    async drain() {},
    async close() {},
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (ms: number) => Math.round(ms * 10) / 10;

const cfg = await loadDemoConfig(join(import.meta.dirname, "../../config/demo/tenants.yaml"));
const runDate = values.date ?? cfg.today;
const dataDir = mkdtempSync(join(tmpdir(), "bench-analysis-"));
try {
  const ledger = await buildDemoLedger(cfg, dataDir, runDate);
  const bus = countingBus();
  const deps = { warehouse: ledger.warehouse, store: ledger.store, bus, dashboardUrl: DASHBOARD_URL, clock: { now: () => new Date() } };
  const analyze = (tenantId: string) => analyzeTenant(deps, { tenantId, runDate, accounts: [], failedAccounts: [] });
  // Each repetition is a re-run of the day: its fan-out starts the run document afresh (a
  // redelivery within one run would find the result recorded and not analyze again).
  const newDay = (tenantId: string) => ledger.store.set(paths.run(tenantId, runDate), newRun(runDate, [], new Date().toISOString()));
  for (const t of cfg.tenants) await analyze(t.id);
  const runs: Record<string, number[]> = Object.fromEntries(cfg.tenants.map((t) => [t.id, []]));
  const totals: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    let total = 0;
    for (const t of cfg.tenants) {
      await newDay(t.id);
      const t0 = performance.now();
      await analyze(t.id);
      const ms = performance.now() - t0;
      runs[t.id]!.push(round(ms));
      total += ms;
    }
    totals.push(round(total));
  }
  await ledger.close();
  const tenants = Object.fromEntries(Object.entries(runs).map(([id, ms]) => [id, { medianMs: median(ms), runsMs: ms, ledgerRows: ledger.rows[id] }]));
  console.log(JSON.stringify({ bench: "nightly/analysis-stage", runDate, reps, tenants, total: { medianMs: median(totals), runsMs: totals } }, null, 2));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
