import { afterEach, describe, expect, it, vi } from "vitest";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import { AlertsMessage, TOPICS } from "#domain/nightly/messages.js";
import { newRun } from "#domain/nightly/run-state.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import { addDays } from "#kernel/days.js";
import { costRecord } from "../../conformance/cost-record-builder.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { recordingBus } from "../../fakes/recording-bus.js";

const T = "t1";
const RUN = "2026-11-20";
const AS_OF = "2026-11-19";
const NOW = new Date("2026-11-20T04:00:00Z");

/**
 * 110 days of one GCP project (Compute Engine in two regions, with a daily credit) and one AWS
 * account, tagged by team; Compute Engine in europe-west1 spikes on 2026-11-18.
 */
function ledger(): CostRecord[] {
  const rows: CostRecord[] = [];
  for (let i = 0, d = "2026-08-01"; d <= AS_OF; i++, d = addDays(d, 1)) {
    const wiggle = (i * 37) % 11;
    const day = { tenant_id: T, charge_period_start: d, charge_period_end: addDays(d, 1) };
    const gcp = { ...day, sub_account_id: "p1", service_name: "Compute Engine", tags: { team: "web", env: "prod" } };
    const euro = d === "2026-11-18" ? 420 + wiggle : 100 + wiggle;
    rows.push(costRecord({ ...gcp, billed_cost: String(euro), effective_cost: String(euro) }));
    rows.push(costRecord({ ...gcp, region_id: "us-east1", billed_cost: "20", effective_cost: "20" }));
    rows.push(costRecord({ ...gcp, charge_category: "Credit", billed_cost: "-5", effective_cost: "-5" }));
    const aws = { ...day, provider: "aws" as const, sub_account_id: "111", service_name: "EC2", region_id: "us-east-1", source: "aws-ce" };
    rows.push(costRecord({ ...aws, billed_cost: "50.10", effective_cost: "50.10", tags: { team: "ml" } }));
  }
  return rows;
}

async function setup() {
  const warehouse = new MemoryCostWarehouse();
  await warehouse.upsert(T, ledger());
  const store = new MemoryDocumentStore();
  await store.set(`tenants/${T}`, { name: "T1", analysis: { minImpactUsd: 50, minChangePct: 20 } });
  await store.set(`tenants/${T}/budgets/all`, { name: "All", amount: "3000", period: "monthly", scope: {} });
  await store.set(`tenants/${T}/budgets/ml`, { name: "ML team", amount: "10000", period: "monthly", scope: { tags: { team: "ml" } } });
  await store.set(`tenants/${T}/budgets/web-prod-gcp`, {
    name: "Web prod on GCP",
    amount: "100000",
    period: "quarterly",
    scope: { provider: ["gcp"], tags: { team: "web", env: "prod" } },
  });
  await store.set(`tenants/${T}/budgets/broken`, { name: "no amount", period: "monthly" });
  const bus = recordingBus();
  const deps = { warehouse, store, bus, dashboardUrl: "https://costs.example.com", clock: { now: () => NOW } };
  return { warehouse, store, bus, deps };
}

const msg = { tenantId: T, runDate: RUN, accounts: ["gcp-1", "aws-1"], failedAccounts: [] };

describe("analyzeTenant", () => {
  afterEach(() => vi.restoreAllMocks());

  it("reads the bill once over 400 days, the Kubernetes allocation once, and writes the analysis documents in one batch", async () => {
    // Prepare
    const { warehouse, store, deps } = await setup();
    const query = vi.spyOn(warehouse, "queryDaily");
    const setMany = vi.spyOn(store, "setMany");
    const set = vi.spyOn(store, "set");
    // Act
    await analyzeTenant(deps, msg);
    // Assess
    expect(query).toHaveBeenCalledTimes(2);
    expect(query.mock.calls[0]?.[1]).toEqual({
      window: { start: "2025-10-16", end: AS_OF },
      groupBy: ["provider", "sub_account_id", "service_name", "region_id", "charge_category", "billing_currency"],
      groupByTags: ["env", "team"],
    });
    // The allocation view (no `k8s:` budget here): grouped by the dimensions of its anomaly series.
    expect(query.mock.calls[1]?.[1]).toEqual({
      window: { start: "2025-10-16", end: AS_OF },
      groupBy: ["provider", "sub_account_id", "service_name", "region_id", "charge_category", "billing_currency"],
      groupByTags: ["k8s:cluster", "k8s:namespace", "k8s:controller_kind", "k8s:controller"],
      view: "kubernetes-allocation",
    });
    expect(setMany).toHaveBeenCalledTimes(1);
    const paths = setMany.mock.calls[0]?.[0].map((w) => w.path.replace(`tenants/${T}/`, ""));
    expect(paths).toEqual([
      expect.stringMatching(/^anomalies\/[0-9a-f]{24}$/),
      "forecasts/total",
      "forecasts/account:111",
      "forecasts/account:p1",
      "forecasts/service:Compute_Engine",
      "forecasts/service:EC2",
      "budgets/all",
      "budgets/ml",
      "budgets/web-prod-gcp",
      // The run's result, last in the same batch: written with the state it describes or not at all.
      `runs/${RUN}`,
    ]);
    expect(set).not.toHaveBeenCalled();
  });

  it("opens the spike with its region as root cause, checks budgets by scope and publishes the events", async () => {
    const { store, bus, deps } = await setup();
    const r = await analyzeTenant(deps, msg);
    expect(r.asOf).toBe(AS_OF);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({ seriesKey: "gcp|p1|Compute Engine", start: "2026-11-18", direction: "increase", status: "open" });
    const doc = await store.get<{ rootCauses: { value: string; contribution: string }[] }>(`tenants/${T}/anomalies/${r.anomalies[0]?.id}`);
    expect(doc?.rootCauses[0]?.value).toBe("europe-west1");
    // Budgets use billed cost with credits; a tag scope counts only rows carrying every pair.
    const byId = Object.fromEntries(r.budgets.map((b) => [b.budgetId, b]));
    expect(Object.keys(byId).sort()).toEqual(["all", "ml", "web-prod-gcp"]);
    expect(byId.ml?.actual).toBe("951.9"); // 19 days of 50.10
    expect(byId.all?.newCrossings).toContain("actual:100");
    expect(Number(byId["web-prod-gcp"]?.actual)).toBeGreaterThan(0);
    expect(r.forecasts.map((f) => f.seriesKey)).toEqual(["total", "account:111", "account:p1", "service:Compute Engine", "service:EC2"]);
    const total = await store.get<{ points: unknown[]; horizonDays: number }>(`tenants/${T}/forecasts/total`);
    expect(total?.horizonDays).toBe(90);
    // Alerts: one message on the alerts topic that the dispatcher's schema accepts.
    expect(bus.sent).toHaveLength(1);
    expect(bus.sent[0]?.topic).toBe(TOPICS.alerts);
    const sent = AlertsMessage.parse(bus.sent[0]?.data);
    expect(sent.runDate).toBe(RUN);
    expect(sent.events).toHaveLength(r.alertEvents);
    expect(sent.events.map((e) => e.type)).toContain("anomaly.opened");
    const run = await store.get<{ analysis: unknown }>(`tenants/${T}/runs/${RUN}`);
    expect(run?.analysis).toEqual({ ...r, finishedAt: NOW.toISOString() });
  });

  it("re-running the same day rewrites the same documents and raises no new alert", async () => {
    const { store, bus, deps } = await setup();
    const first = await analyzeTenant(deps, msg);
    const docsAfterFirst = await store.list(`tenants/${T}/budgets`);
    // A second nightly of the same day: its fan-out starts the run document afresh.
    await store.set(`tenants/${T}/runs/${RUN}`, newRun(RUN, [], NOW.toISOString()));
    const second = await analyzeTenant(deps, msg);
    expect(bus.sent).toHaveLength(1);
    expect(second.alertEvents).toBe(0);
    expect(second.anomalies).toEqual(first.anomalies);
    expect(second.forecasts).toEqual(first.forecasts);
    expect(second.budgets.map((b) => ({ ...b, newCrossings: [] }))).toEqual(first.budgets.map((b) => ({ ...b, newCrossings: [] })));
    expect(await store.list(`tenants/${T}/budgets`)).toEqual(docsAfterFirst);
  });

  it("answers a redelivery after its writes with the run's recorded result, without analyzing or publishing again", async () => {
    // Prepare: the first delivery analyzed and wrote everything, then died before acknowledging.
    const { warehouse, store, bus, deps } = await setup();
    const first = await analyzeTenant(deps, msg);
    const query = vi.spyOn(warehouse, "queryDaily");
    const setMany = vi.spyOn(store, "setMany");
    // Act
    const again = await analyzeTenant(deps, msg);
    // Assess: the run still says which thresholds it crossed and how many alerts it raised.
    expect(again).toEqual(first);
    expect(again.alertEvents).toBeGreaterThan(0);
    expect(again.budgets.some((b) => b.newCrossings.length > 0)).toBe(true);
    expect(bus.sent).toHaveLength(1);
    expect(query).not.toHaveBeenCalled();
    expect(setMany).not.toHaveBeenCalled();
  });

  it("takes its history length and forecast horizon from the settings", async () => {
    const { warehouse, store, deps } = await setup();
    const query = vi.spyOn(warehouse, "queryDaily");
    await analyzeTenant({ ...deps, settings: { historyDays: 30, forecastHorizonDays: 14 } }, msg);
    expect(query.mock.calls[0]?.[1].window).toEqual({ start: "2026-10-21", end: AS_OF });
    expect((await store.get<{ horizonDays: number }>(`tenants/${T}/forecasts/total`))?.horizonDays).toBe(14);
  });

  it.each([[{ historyDays: 0 }], [{ forecastHorizonDays: 1.5 }], [{ historyDays: 10_000 }]])("refuses settings %j before reading anything", async (settings) => {
    const { warehouse, deps } = await setup();
    const query = vi.spyOn(warehouse, "queryDaily");
    await expect(analyzeTenant({ ...deps, settings }, msg)).rejects.toThrow(/invalid analysis settings/);
    expect(query).not.toHaveBeenCalled();
  });
});
