/**
 * Realized against estimated savings on a simulated ledger, for the demo tenants
 * (config/demo/tenants.yaml): how well the ledger check (domain/recommendations/realized.ts)
 * recovers a saving that is known, because it was planted.
 *
 * Each demo account's recommendations are synced and de-duplicated as the nightly does; each kept
 * one is marked succeeded on its own day (resizes on D, disk deletions on D + 60, commitments on
 * D + 120, so that no two measures of one account share rows); a ledger is generated with every
 * demo service at its configured daily cost, a weekday pattern, Gaussian day-to-day noise and,
 * with `--growth`, the configured monthly growth; from the day a recommendation succeeds its
 * service (a commitment: its account's largest service) costs `planted × estimate / 30` less a day.
 * The check then measures 28 days before against 28 days after.
 *
 *   npx tsx bench/recommendations/realized-simulation.ts [--noise 0.03] [--growth] [--seeds 5]
 *
 * Prints JSON: per recommender, the planted factor and, per seed, the measured realized-to-estimated
 * ratio, so that the spread over seeds shows how much of a month's ratio is noise.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Big from "big.js";
import { loadDemoConfig } from "#adapters/demo/demo-config.js";
import { CloudAccountDocSchema } from "#domain/billing/cloud-account.js";
import { type CostRecord, recordKey } from "#domain/billing/cost-record.js";
import { fromNumber } from "#domain/billing/money.js";
import { deduplicate } from "#domain/recommendations/dedup.js";
import { recommendationDocId, storeSynced, updateRecommendation, UpdateRecommendationInput } from "#domain/recommendations/lifecycle.js";
import { checkRealizedSavings, DEFAULT_WINDOW_DAYS } from "#domain/recommendations/realized.js";
import { demoRecommendations } from "#domain/recommendations/sync.js";
import { addDays, daysInWindow } from "#kernel/days.js";
import { MemoryCostWarehouse } from "../../test/fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../test/fakes/memory-document-store.js";
import { repoRoot } from "../../test/support/shared-data.js";

const { values } = parseArgs({ options: { noise: { type: "string", default: "0.03" }, growth: { type: "boolean", default: false }, seeds: { type: "string", default: "5" } } });
const NOISE = Number(values.noise);
const SEEDS = Number(values.seeds);

/** What fraction of its estimate each demo recommender is made to deliver. */
const PLANTED: Record<string, number> = { "demo.resize": 0.9, "demo.idle-vm": 1.0, "demo.idle-disk": 0.5, "demo.commitment": 0.8 };
const D = "2026-03-02";
const OFFSET: Record<string, number> = { "demo.resize": 0, "demo.idle-vm": 0, "demo.idle-disk": 60, "demo.commitment": 120 };
const N = DEFAULT_WINDOW_DAYS;
const FIRST = addDays(D, -N - 1);
const LAST = addDays(D, 120 + N + 1);

function gaussian(key: string): number {
  const h = createHash("sha256").update(key).digest();
  const u1 = (h.readUInt32BE(0) + 1) / 4_294_967_297;
  const u2 = (h.readUInt32BE(4) + 1) / 4_294_967_297;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function record(tenant: string, provider: CostRecord["provider"], sub: string, service: string, day: string, cost: string): CostRecord {
  const identity = {
    tenant_id: tenant,
    provider,
    billing_account_id: "sim",
    sub_account_id: sub,
    service_name: service,
    service_category: "Compute",
    region_id: "sim",
    resource_id: "",
    charge_category: "Usage" as const,
    charge_period_start: day,
  };
  return {
    ...identity,
    charge_period_end: addDays(day, 1),
    billed_cost: cost,
    effective_cost: cost,
    list_cost: cost,
    billing_currency: "USD",
    pricing_quantity: null,
    pricing_unit: "",
    tags: {},
    source: "simulation",
    ingested_at: "2026-12-01T00:00:00Z",
    record_key: recordKey({ ...identity, tags: {}, pricing_unit: "" }),
  };
}

async function run(seed: number) {
  const cfg = await loadDemoConfig(join(repoRoot, "config/demo/tenants.yaml"));
  const store = new MemoryDocumentStore();
  const ledger = new MemoryCostWarehouse();
  const totals = new Map<string, { est: Big; real: Big; measured: number; overlapping: number }>();
  for (const tenant of cfg.tenants) {
    const found = tenant.accounts.flatMap((a) =>
      demoRecommendations(
        tenant.id,
        a.id,
        CloudAccountDocSchema.parse({ provider: a.provider, billingAccountId: a.billing_account_id, subAccountId: a.sub_account_id, environment: a.environment, collector: "demo" }),
      ),
    );
    const dedup = deduplicate(found.map((f) => f.recommendation));
    await storeSynced(store, tenant.id, dedup, new Map(), new Date(`${FIRST}T00:00:00Z`));
    // Daily reduction per (account, service) from each day on.
    const cuts: { sub: string; service: string; from: string; perDay: number }[] = [];
    for (const r of dedup.kept) {
      const day = addDays(D, OFFSET[r.recommender] ?? 0);
      const account = tenant.accounts.find((a) => a.sub_account_id === r.accountId);
      const service = r.ledgerService ?? [...(account?.services ?? [])].sort((x, y) => Number(y.daily_usd) - Number(x.daily_usd))[0]?.name;
      // A demo VM recommendation on an account without that compute service has nothing to save: left open.
      if (!service || !account?.services.some((x) => x.name === service)) continue;
      await updateRecommendation(store, tenant.id, UpdateRecommendationInput.parse({ id: recommendationDocId(r.provider, r.providerId), op: "done", outcome: "succeeded" }), "sim", new Date(`${day}T12:00:00Z`));
      cuts.push({ sub: r.accountId, service, from: addDays(day, 1), perDay: ((PLANTED[r.recommender] ?? 1) * Number(r.monthlySavings.amount)) / 30 });
    }
    const rows: CostRecord[] = [];
    for (const a of tenant.accounts) {
      for (const svc of a.services) {
        daysInWindow({ start: FIRST, end: LAST }).forEach((day, i) => {
          const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
          const weekend = weekday === 0 || weekday === 6;
          let cost = Number(svc.daily_usd) * (weekend ? 1 / (svc.weekday_factor ?? 1) : 1);
          if (values.growth) cost *= (1 + (svc.growth_per_month ?? 0)) ** (i / 30.44);
          cost *= 1 + NOISE * gaussian(`${seed}|${tenant.id}|${a.id}|${svc.name}|${day}`);
          for (const c of cuts) if (c.sub === a.sub_account_id && c.service === svc.name && day >= c.from) cost -= c.perDay;
          rows.push(record(tenant.id, a.provider, a.sub_account_id, svc.name, day, fromNumber(Math.max(0, cost))));
        });
      }
    }
    await ledger.upsert(tenant.id, rows);
    const report = await checkRealizedSavings(store, ledger, tenant.id, { lastDay: LAST });
    for (const g of report.byRecommender) {
      const t = totals.get(g.recommender) ?? { est: new Big(0), real: new Big(0), measured: 0, overlapping: 0 };
      t.est = t.est.plus(g.estimatedMonthly);
      t.real = t.real.plus(g.realizedMonthly);
      t.measured += g.measured;
      t.overlapping += g.overlapping;
      totals.set(g.recommender, t);
    }
  }
  return totals;
}

const perSeed: Awaited<ReturnType<typeof run>>[] = [];
for (let s = 1; s <= SEEDS; s++) perSeed.push(await run(s));
const recommenders = [...new Set(perSeed.flatMap((m) => [...m.keys()]))].sort();
const out = {
  params: { noise: NOISE, growth: values.growth, seeds: SEEDS, windowDays: N, appliedFrom: D, currency: "USD" },
  byRecommender: recommenders.map((r) => {
    const first = perSeed[0]?.get(r);
    return {
      recommender: r,
      planted: PLANTED[r] ?? null,
      measured: first?.measured ?? 0,
      overlapping: first?.overlapping ?? 0,
      estimatedMonthly: first?.est.toFixed(2) ?? "0",
      ratios: perSeed.map((m) => {
        const t = m.get(r);
        return t?.est.gt(0) ? t.real.div(t.est).round(3, Big.roundHalfEven).toFixed(3) : null;
      }),
    };
  }),
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
