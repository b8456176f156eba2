/**
 * Fault figure (issue 5): a 13-month backfill of GCP, AWS and Azure through the deployed nightly
 * (fan-out by month page, collectAccount with the official SDK clients against local replay
 * servers, SDK retries, then bus redelivery), once fault-free and once with 30% of provider calls
 * failing transiently (seeded: throttling, 5xx, resets, timeouts, malformed bodies, and
 * BigQuery's jobComplete:false). Prints JSON; `equal` is true when every provider's ledger
 * (record_key -> billed_cost) and totals match the fault-free run and the replayed truth exactly.
 *
 *   npx tsx bench/providers/fault-backfill.ts [--rate 30] [--seed 7] [--months 13] [--end 2026-10-31]
 */
import { parseArgs } from "node:util";
import { runBackfill } from "../../test/support/replay/backfill.js";

process.env.METADATA_SERVER_DETECTION ??= "none";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "30" },
    seed: { type: "string", default: "7" },
    months: { type: "string", default: "13" },
    end: { type: "string", default: "2026-10-31" },
  },
});

const common = { end: values.end, months: Number(values.months), seed: Number(values.seed) };
const clean = await runBackfill({ ...common, faultRatePercent: 0 });
const faulty = await runBackfill({ ...common, faultRatePercent: Number(values.rate) });

const providers = Object.fromEntries(
  (["gcp", "aws", "azure"] as const).map((p) => {
    const a = clean.providers[p];
    const b = faulty.providers[p];
    const sameLedger = a.ledger.size === b.ledger.size && [...a.ledger].every(([k, v]) => b.ledger.get(k) === v);
    return [
      p,
      {
        pages: b.pages,
        failed_pages: b.failedPages,
        records: b.records,
        billed_total_fault_free: a.billedTotal,
        billed_total_with_faults: b.billedTotal,
        truth_total: a.truthTotal,
        ledger_rows_equal: sameLedger,
        totals_equal: a.billedTotal === b.billedTotal && b.billedTotal === b.truthTotal,
        provider_calls_fault_free: a.providerCalls,
        provider_calls_with_faults: b.providerCalls,
        faults_injected: b.faultsInjected,
        fault_share: Number((b.faultsInjected / b.providerCalls).toFixed(3)),
        page_retries_after_sdk_budget: b.collectorRetries,
      },
    ];
  }),
);
const equal = Object.values(providers).every((p) => p.ledger_rows_equal && p.totals_equal && p.failed_pages === 0);

console.log(
  JSON.stringify(
    {
      benchmark: "providers/fault-backfill",
      window: faulty.window,
      run_date: faulty.runDate,
      fault_rate_percent: Number(values.rate),
      seed: common.seed,
      equal,
      elapsed_ms_fault_free: clean.elapsedMs,
      elapsed_ms_with_faults: faulty.elapsedMs,
      providers,
    },
    null,
    2,
  ),
);
if (!equal) process.exitCode = 1;
