/**
 * Fault figure for alert delivery: receivers standing in for Slack and PagerDuty fail 30% of
 * requests transiently (seeded); prints the counts as JSON. Run:
 *   npx tsx bench/alerts/fault.ts [--tenants 10] [--anomalies 40] [--rate 0.3] [--seed 42] [--mode before|mixed]
 */
import { parseArgs } from "node:util";
import { runAlertFaultScenario } from "../../test/support/receivers/alert-fault-run.js";

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "10" },
    anomalies: { type: "string", default: "40" },
    budgets: { type: "string", default: "5" },
    rate: { type: "string", default: "0.3" },
    seed: { type: "string", default: "42" },
    mode: { type: "string", default: "mixed" },
  },
});

const mode = values.mode === "before" ? "before" : "mixed";
const started = performance.now();
const r = await runAlertFaultScenario({
  tenants: Number(values.tenants),
  anomaliesPerTenant: Number(values.anomalies),
  resolveEvery: 3,
  budgetsPerTenant: Number(values.budgets),
  faultRate: Number(values.rate),
  seed: Number(values.seed),
  pagerDutyFaultMode: mode,
});
const { report, ...counts } = r;
console.log(
  JSON.stringify(
    {
      ...counts,
      deliveredExactlyOnce: r.lost === 0 && r.duplicates === 0,
      noneLost: r.lost === 0 && r.stillQueued === 0 && r.deadLettered === 0,
      dispatchTotals: report.total,
      elapsedMs: Math.round(performance.now() - started),
    },
    null,
    2,
  ),
);
