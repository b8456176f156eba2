import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import Big from "big.js";

/**
 * The platform's own run cost per tenant-month (issue 16, "Figures" 3), at list prices, from what
 * bench/gcp/fan-out.ts counted on the steady-state night (`nightly`) and the ledger it left:
 *   npx tsx bench/gcp/fan-out.ts --tenants 200 --accounts 10 --out /tmp/fan-out.json
 *   npx tsx bench/gcp/run-cost.ts --from /tmp/fan-out.json [--history-days 400] [--nights 30]
 *
 * Per tenant per night (totals of the night divided by the tenants, so the platform's own
 * documents, such as message leases, are shared out):
 * - Firestore reads, writes and deletes, counted by counting-store.ts;
 * - Pub/Sub: every message acknowledged by a push, billed once when published and once when pushed,
 *   each request at least 1000 bytes (one message per request: batching only lowers this);
 * - BigQuery on-demand bytes, estimated per statement the BigQuery warehouse would run for the
 *   warehouse calls the night made (bigquery-cost-warehouse.ts): the MERGE of each replaceWindow
 *   reads its staging table and the target's window partitions (every column: it compares and
 *   inserts all of them); the analysis's queryDaily reads the analysis columns of `historyDays`
 *   partitions. Row sizes are BigQuery's (STRING 2 + UTF-8 bytes, DATE 8, BIGNUMERIC 32), measured on
 *   the ledger the run wrote. Two bounds: `clusterPruned`, where clustering on tenant_id lets a
 *   statement read only the tenant's rows; `partitionPrunedOnly`, where it reads every tenant's rows
 *   of the partitions it touches. Each table a statement references is billed at least 10 MB.
 * - Cloud Run (functions 2nd gen), request-based billing: each push's handler time as measured,
 *   rounded up to 100 ms, times the function's memory and vCPUs in
 *   terraform/modules/catalog/functions.tf, plus the request charge.
 * Free tiers are left out. Dollars are computed exactly with big.js; prices are below, each with
 * the page it was taken from.
 */

/** List prices, USD. Check the pages before relying on them (docs/performance.md). */
export const PRICES = {
  /** https://cloud.google.com/firestore/pricing (Standard edition, multi-region nam5/eur3; regional locations cost less). */
  firestoreReadPer100k: "0.06",
  firestoreWritePer100k: "0.18",
  firestoreDeletePer100k: "0.02",
  /** https://cloud.google.com/bigquery/pricing (on-demand compute, per TiB; at least 10 MB per table referenced and per query). */
  bigqueryPerTiB: "6.25",
  /** https://cloud.google.com/pubsub/pricing (throughput, per TiB; at least 1000 bytes per publish, push or pull request). */
  pubsubPerTiB: "40",
  /** https://cloud.google.com/run/pricing (Tier 1, CPU allocated only during request processing). */
  runVcpuSecond: "0.000024",
  runGibSecond: "0.0000025",
  runPerMillionRequests: "0.40",
} as const;

/** Memory (GiB) and vCPUs per event function: terraform/modules/catalog/functions.tf. */
const FUNCTION_SIZES: Record<string, { gib: string; vcpu: string }> = {
  fanOutCollection: { gib: "0.5", vcpu: "1" },
  collectAccount: { gib: "2", vcpu: "2" },
  collectAccountFailed: { gib: "0.5", vcpu: "1" },
  analyzeTenant: { gib: "2", vcpu: "2" },
  dispatchAlerts: { gib: "0.5", vcpu: "1" },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

interface FanOutNight {
  night: string;
  pushesAcknowledged: number;
  acknowledgedByFunction: Record<string, number>;
  published: Record<string, { messages: number; dataBytes: number; attributeBytes: number }>;
  firestore: { total: { reads: number; writes: number; deletes: number } };
  warehouse: { byMethod: Record<string, { calls: number; days: number; records: number }> };
  handlerSecondsBilled100ms: Record<string, number>;
}
interface FanOut {
  tenants: number;
  accountsPerTenant: number;
  nights: FanOutNight[];
}

const from = arg("from", "");
if (!from) throw new Error("--from FILE: the JSON that bench/gcp/fan-out.ts printed (its --out)");
const fan = JSON.parse(readFileSync(from, "utf8")) as FanOut;
const HISTORY_DAYS = Number(arg("history-days", "400"));
// Projection (e.g. --project-tenants 1000 --project-accounts 50): per-account quantities (collect
// pushes, MERGEs, collectAccount time, ledger rows) scale with the accounts per tenant; per-tenant
// ones (fan-out share, analysis) stay; Firestore operations scale with the pushes; the
// partition-only BigQuery bound also scales with the number of tenants sharing each partition.
const NIGHTS = Number(arg("nights", "30"));
const ledgerFile = resolve(arg("ledger", `bench/out/gcp/fan-out-${fan.tenants}x${fan.accountsPerTenant}/warehouse.duckdb`));

// Row sizes as BigQuery counts them, measured on the ledger the run wrote.
const STRING_COLUMNS = ["tenant_id", "record_key", "provider", "billing_account_id", "sub_account_id", "service_name", "service_category", "region_id", "resource_id", "charge_category", "billing_currency", "pricing_unit", "source", "ingested_at"];
// The analysis filters on tenant_id (and billing_currency when it analyses one currency) and groups by LEDGER_COLUMNS.
const ANALYSIS_STRINGS = ["tenant_id", "billing_currency", "provider", "sub_account_id", "service_name", "region_id", "charge_category"];
const str = (c: string) => `SUM(2 + strlen(${c}))`;
const db = await DuckDBInstance.create(ledgerFile, { access_mode: "READ_ONLY" });
const conn = await db.connect();
const reader = await conn.runAndReadAll(`
  SELECT count(*) AS n_rows,
         count(DISTINCT tenant_id) AS n_tenants,
         count(DISTINCT charge_period_start) AS n_days,
         ${STRING_COLUMNS.map(str).join(" + ")} AS string_bytes,
         ${ANALYSIS_STRINGS.map(str).join(" + ")} AS analysis_string_bytes,
         SUM(CASE WHEN pricing_quantity IS NULL THEN 0 ELSE 32 END) AS nullable_money_bytes,
         SUM(CASE WHEN tags = '[]' OR tags = '{}' THEN 0 ELSE strlen(tags) END) AS tag_bytes_upper
  FROM daily_costs`);
const row = reader.getRowObjects()[0] as Record<string, unknown>;
conn.closeSync();
const n = (v: unknown) => Number(v);
const rows = n(row.n_rows);
const ledger = {
  rows,
  tenants: n(row.n_tenants),
  days: n(row.n_days),
  rowsPerTenantPerDay: rows / n(row.n_tenants) / n(row.n_days),
  // Two DATEs (8 each), three BIGNUMERICs (32 each), the nullable one when set, tags as stored.
  bytesPerRowAllColumns: (n(row.string_bytes) + n(row.nullable_money_bytes) + n(row.tag_bytes_upper)) / rows + 2 * 8 + 3 * 32,
  // charge_period_start, billed_cost, effective_cost, the filters and the grouping columns (load-ledger.ts).
  bytesPerRowAnalysis: n(row.analysis_string_bytes) / rows + 8 + 2 * 32,
};

const measured = fan.nights.find((x) => x.night === "nightly");
if (!measured) throw new Error(`${from} has no "nightly" night`);
const PROJECT_TENANTS = Number(arg("project-tenants", String(fan.tenants)));
const PROJECT_ACCOUNTS = Number(arg("project-accounts", String(fan.accountsPerTenant)));
const accountScale = PROJECT_ACCOUNTS / fan.accountsPerTenant;
/** The measured night with its per-account parts scaled to PROJECT_ACCOUNTS (identity when not projecting). */
function scaled(x: FanOutNight): FanOutNight {
  if (accountScale === 1) return x;
  const perAccount = new Set(["collectAccount", "collectAccountFailed"]);
  const byFn = Object.fromEntries(Object.entries(x.acknowledgedByFunction).map(([k, v]) => [k, perAccount.has(k) ? v * accountScale : v]));
  const pushes = Object.values(byFn).reduce((a, b) => a + b, 0);
  const pushScale = pushes / x.pushesAcknowledged;
  const wh = Object.fromEntries(
    Object.entries(x.warehouse.byMethod).map(([k, v]) => [k, k === "replaceWindow" || k === "upsert" ? { calls: v.calls * accountScale, days: v.days * accountScale, records: v.records * accountScale } : v]),
  );
  return {
    ...x,
    pushesAcknowledged: pushes,
    acknowledgedByFunction: byFn,
    published: Object.fromEntries(
      Object.entries(x.published).map(([k, v]) => [k, k === "collect-account" ? { messages: v.messages * accountScale, dataBytes: v.dataBytes * accountScale, attributeBytes: v.attributeBytes * accountScale } : v]),
    ),
    firestore: { total: { reads: x.firestore.total.reads * pushScale, writes: x.firestore.total.writes * pushScale, deletes: x.firestore.total.deletes * pushScale } },
    warehouse: { byMethod: wh },
    handlerSecondsBilled100ms: Object.fromEntries(Object.entries(x.handlerSecondsBilled100ms).map(([k, v]) => [k, perAccount.has(k) ? v * accountScale : v])),
  };
}
const nightly = scaled(measured);
const T = fan.tenants;
const MB10 = 10 * 1000 * 1000;
const TiB = 2 ** 40;

/** BigQuery bytes billed per tenant per night, for rows-per-day of the scanned partitions. */
function bigqueryBytes(rowsPerDayScanned: number) {
  const wh = nightly?.warehouse.byMethod ?? {};
  const rw = wh.replaceWindow ?? { calls: 0, days: 0, records: 0 };
  const q = wh.queryDaily ?? { calls: 0, days: 0, records: 0 };
  const merges = rw.calls / T;
  const stagingBytes = (rw.records / Math.max(1, rw.calls)) * ledger.bytesPerRowAllColumns;
  const targetBytes = (rw.days / Math.max(1, rw.calls)) * rowsPerDayScanned * ledger.bytesPerRowAllColumns;
  const mergeBytes = merges * (Math.max(MB10, stagingBytes) + Math.max(MB10, targetBytes));
  const queries = q.calls / T;
  const queryBytes = queries * Math.max(MB10, HISTORY_DAYS * rowsPerDayScanned * ledger.bytesPerRowAnalysis);
  return { mergesPerTenant: merges, analysisQueriesPerTenant: queries, mergeBytes, queryBytes, total: mergeBytes + queryBytes };
}
const perTenantRowsPerDay = ledger.rowsPerTenantPerDay * accountScale;
const bq = {
  clusterPruned: bigqueryBytes(perTenantRowsPerDay),
  partitionPrunedOnly: bigqueryBytes(perTenantRowsPerDay * PROJECT_TENANTS),
};

// Pub/Sub: each acknowledged push was one publish and one push request.
let messages = 0;
let payloadBytes = 0;
for (const p of Object.values(nightly.published)) {
  messages += p.messages;
  payloadBytes += p.dataBytes + p.attributeBytes + p.messages * (20 + 16); // + publish timestamp and message id
}
const meanMessageBytes = payloadBytes / Math.max(1, messages);
const pubsubBilledBytesPerTenant = (nightly.pushesAcknowledged / T) * 2 * Math.max(1000, meanMessageBytes);

const fs = nightly.firestore.total;
const firestorePerTenant = { reads: fs.reads / T, writes: fs.writes / T, deletes: fs.deletes / T };

// Cloud Run: billed seconds per function per tenant.
const run = Object.entries(nightly.handlerSecondsBilled100ms).map(([name, seconds]) => {
  const size = FUNCTION_SIZES[name] ?? { gib: "0.5", vcpu: "1" };
  const s = new Big(seconds).div(T);
  return { name, secondsPerTenant: s, gibSeconds: s.times(size.gib), vcpuSeconds: s.times(size.vcpu), requests: new Big(nightly.acknowledgedByFunction[name] ?? 0).div(T) };
});

const P = Object.fromEntries(Object.entries(PRICES).map(([k, v]) => [k, new Big(v)])) as Record<keyof typeof PRICES, Big>;
const nights = new Big(NIGHTS);
const month = (perNight: Big) => perNight.times(nights);
const firestoreUsd = month(
  new Big(firestorePerTenant.reads).times(P.firestoreReadPer100k).div(100_000)
    .plus(new Big(firestorePerTenant.writes).times(P.firestoreWritePer100k).div(100_000))
    .plus(new Big(firestorePerTenant.deletes).times(P.firestoreDeletePer100k).div(100_000)),
);
const pubsubUsd = month(new Big(pubsubBilledBytesPerTenant).times(P.pubsubPerTiB).div(TiB));
const bqUsd = {
  clusterPruned: month(new Big(bq.clusterPruned.total).times(P.bigqueryPerTiB).div(TiB)),
  partitionPrunedOnly: month(new Big(bq.partitionPrunedOnly.total).times(P.bigqueryPerTiB).div(TiB)),
};
const gibS = run.reduce((a, f) => a.plus(f.gibSeconds), new Big(0));
const vcpuS = run.reduce((a, f) => a.plus(f.vcpuSeconds), new Big(0));
const reqs = run.reduce((a, f) => a.plus(f.requests), new Big(0));
const runUsd = month(gibS.times(P.runGibSecond).plus(vcpuS.times(P.runVcpuSecond)).plus(reqs.times(P.runPerMillionRequests).div(1_000_000)));
const total = (bqPart: Big) => firestoreUsd.plus(pubsubUsd).plus(bqPart).plus(runUsd);
// The handler times above were measured with the local ledger (DuckDB) and the demo source; a
// deployed collectAccount also waits on BigQuery jobs and the provider's API, billed the same way.
// What each extra second per collected page adds per tenant-month:
const collectSize = FUNCTION_SIZES.collectAccount as { gib: string; vcpu: string };
const collectPagesPerTenant = new Big(nightly.acknowledgedByFunction.collectAccount ?? 0).div(T);
const usdPerExtraSecondPerPage = month(collectPagesPerTenant.times(new Big(collectSize.gib).times(P.runGibSecond).plus(new Big(collectSize.vcpu).times(P.runVcpuSecond))));
const usd = (b: Big) => b.toFixed(6);

const result = {
  bench: "gcp/run-cost",
  command: `npx tsx bench/gcp/run-cost.ts --from ${from} --history-days ${HISTORY_DAYS} --nights ${NIGHTS}${accountScale !== 1 || PROJECT_TENANTS !== T ? ` --project-tenants ${PROJECT_TENANTS} --project-accounts ${PROJECT_ACCOUNTS}` : ""}`,
  measuredOn: { tenants: T, accountsPerTenant: fan.accountsPerTenant, night: "nightly (steady state: trailing days only)" },
  projectedTo: accountScale !== 1 || PROJECT_TENANTS !== T ? { tenants: PROJECT_TENANTS, accountsPerTenant: PROJECT_ACCOUNTS } : null,
  assumptions: {
    nightsPerMonth: NIGHTS,
    analysisHistoryDays: HISTORY_DAYS,
    freeTiers: "left out",
    pubsub: "one message per publish request and per push request, each billed at least 1000 bytes",
    cloudRun: "request-based billing; each push's measured handler time rounded up to 100 ms; memory and vCPUs from terraform/modules/catalog/functions.tf; instance start-up time not included",
  },
  ledger: {
    rows: ledger.rows,
    tenants: ledger.tenants,
    days: ledger.days,
    rowsPerTenantPerDay: Number(ledger.rowsPerTenantPerDay.toFixed(2)),
    bytesPerRowAllColumns: Math.round(ledger.bytesPerRowAllColumns),
    bytesPerRowAnalysisColumns: Math.round(ledger.bytesPerRowAnalysis),
  },
  perTenantPerNight: {
    firestore: { reads: Number(firestorePerTenant.reads.toFixed(2)), writes: Number(firestorePerTenant.writes.toFixed(2)), deletes: Number(firestorePerTenant.deletes.toFixed(2)) },
    pubsub: { messages: Number((nightly.pushesAcknowledged / T).toFixed(2)), meanMessageBytes: Math.round(meanMessageBytes), billedBytes: Math.round(pubsubBilledBytesPerTenant) },
    bigquery: {
      merges: Number(bq.clusterPruned.mergesPerTenant.toFixed(2)),
      analysisQueries: Number(bq.clusterPruned.analysisQueriesPerTenant.toFixed(2)),
      clusterPrunedBytes: Math.round(bq.clusterPruned.total),
      partitionPrunedOnlyBytes: Math.round(bq.partitionPrunedOnly.total),
    },
    cloudRun: {
      gibSeconds: Number(gibS.toFixed(3)),
      vcpuSeconds: Number(vcpuS.toFixed(3)),
      requests: Number(reqs.toFixed(2)),
      byFunction: Object.fromEntries(run.map((f) => [f.name, { billedSeconds: Number(f.secondsPerTenant.toFixed(3)) }])),
    },
  },
  usdPerTenantMonth: {
    firestore: usd(firestoreUsd),
    pubsub: usd(pubsubUsd),
    bigqueryClusterPruned: usd(bqUsd.clusterPruned),
    bigqueryPartitionPrunedOnly: usd(bqUsd.partitionPrunedOnly),
    cloudRun: usd(runUsd),
    totalClusterPruned: usd(total(bqUsd.clusterPruned)),
    totalPartitionPrunedOnly: usd(total(bqUsd.partitionPrunedOnly)),
    /** Sensitivity: Cloud Run cost of each extra second a deployed collectAccount spends per page. */
    cloudRunPerExtraSecondPerCollectPage: usd(usdPerExtraSecondPerPage),
  },
  prices: PRICES,
  goal: `total <= $0.10 per tenant-month for 10 accounts (this output: ${PROJECT_ACCOUNTS} accounts per tenant)`,
};
console.log(JSON.stringify(result, null, 2));
