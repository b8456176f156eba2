import { describe, expect, it } from "vitest";
import type { CostRecord } from "#domain/billing/cost-record.js";
import type { StoredAnomaly } from "#domain/nightly/analyze/anomaly-docs.js";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import { AlertsMessage } from "#domain/nightly/messages.js";
import { addDays } from "#kernel/days.js";
import { costRecord } from "../../conformance/cost-record-builder.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { recordingBus } from "../../fakes/recording-bus.js";

const T = "t1";
const FIRST = "2026-08-01";
const SCOPE = { tenantId: T, provider: "gcp" as const, source: "gcp-export" };

/** One BigQuery project at about $200 a day; `cost(day, base)` changes a day, `extra` adds rows (a duplicated export line). */
function days(start: string, end: string, cost: (day: string, base: number) => number = (_d, b) => b, extra: (day: string) => CostRecord[] = () => []): CostRecord[] {
  const rows: CostRecord[] = [];
  for (let i = 0, d = start; d <= end; i++, d = addDays(d, 1)) {
    const c = String(cost(d, 200 + ((i * 37) % 13)));
    rows.push(costRecord({ tenant_id: T, service_name: "BigQuery", charge_period_start: d, charge_period_end: addDays(d, 1), billed_cost: c, effective_cost: c, list_cost: c }));
    rows.push(...extra(d));
  }
  return rows;
}

async function setup(rows: CostRecord[]) {
  const warehouse = new MemoryCostWarehouse();
  await warehouse.upsert(T, rows);
  const store = new MemoryDocumentStore();
  await store.set(`tenants/${T}`, { name: "T1", analysis: { minImpactUsd: 50 } });
  const bus = recordingBus();
  const deps = { warehouse, store, bus, dashboardUrl: "https://costs.example.com", clock: { now: () => new Date("2026-11-20T04:00:00Z") } };
  return { warehouse, store, bus, deps };
}

const night = (runDate: string) => ({ tenantId: T, runDate, accounts: ["gcp-1"], failedAccounts: [] });

describe("late data in the nightly analysis", () => {
  it("labels the last three days provisional and does not flag them as a drop while they fill in", async () => {
    // The export has only a fifth of 11-18 and 11-19 so far: the rest lands within 72 hours.
    const partial = days(FIRST, "2026-11-19", (d, b) => (d >= "2026-11-18" ? b / 5 : b));
    const { warehouse, store, deps } = await setup(partial);
    const r = await analyzeTenant(deps, night("2026-11-20"));
    expect(r.anomalies).toEqual([]);
    const total = await store.get<{ completeness: unknown }>(`tenants/${T}/forecasts/total`);
    expect(total?.completeness).toEqual({ settledThrough: "2026-11-16", provisionalFrom: "2026-11-17", provisionalThrough: "2026-11-19" });

    // The same ledger with no settling window: the partial days read as a drop. So it is the
    // label that keeps them quiet, not a detector blind to the drop.
    const eager = await setup(partial);
    const flagged = await analyzeTenant({ ...eager.deps, settings: { settleDays: 0 } }, night("2026-11-20"));
    expect(flagged.anomalies.map((a) => [a.direction, a.start])).toEqual([["decrease", "2026-11-18"]]);

    // The late rows land (the provider re-exports the days whole): the next night re-scores them, all quiet.
    await warehouse.replaceWindow(SCOPE, { start: "2026-11-18", end: "2026-11-20" }, days("2026-11-18", "2026-11-20"));
    const next = await analyzeTenant(deps, night("2026-11-21"));
    expect(next.anomalies).toEqual([]);
  });

  it("still flags an increase on a provisional day: late rows only add to it", async () => {
    const { deps } = await setup(days(FIRST, "2026-11-19", (d, b) => (d === "2026-11-19" ? b * 4 : b)));
    const r = await analyzeTenant(deps, night("2026-11-20"));
    expect(r.anomalies.map((a) => [a.direction, a.start, a.status])).toEqual([["increase", "2026-11-19", "open"]]);
  });

  it("resolves, as restated, an anomaly the provider's restatement undid, and says so on the alerts topic", async () => {
    // 11-17's line items were exported twice; the provider restates the day the next night.
    const dup = (d: string) =>
      d === "2026-11-17" ? [costRecord({ tenant_id: T, service_name: "BigQuery", resource_id: "dup", charge_period_start: d, charge_period_end: addDays(d, 1), billed_cost: "205", effective_cost: "205", list_cost: "205" })] : [];
    const { warehouse, store, bus, deps } = await setup(days(FIRST, "2026-11-19", undefined, dup));
    const first = await analyzeTenant(deps, night("2026-11-20"));
    expect(first.anomalies.map((a) => [a.direction, a.start, a.status])).toEqual([["increase", "2026-11-17", "open"]]);
    const doc = await store.get<StoredAnomaly>(`tenants/${T}/anomalies/${first.anomalies[0]?.id}`);
    expect(doc?.completeness).toBe("provisional");

    await warehouse.replaceWindow(SCOPE, { start: "2026-11-17", end: "2026-11-20" }, days("2026-11-17", "2026-11-20"));
    const second = await analyzeTenant(deps, night("2026-11-21"));
    // Not left open for days: resolved on the first run that re-scored the day.
    expect(second.anomalies.map((a) => [a.start, a.status])).toEqual([["2026-11-17", "resolved"]]);
    const resolved = await store.get<StoredAnomaly>(`tenants/${T}/anomalies/${first.anomalies[0]?.id}`);
    expect(resolved).toMatchObject({ status: "resolved", resolvedAt: "2026-11-20", resolution: "restated" });
    const alerts = bus.sent.map((m) => AlertsMessage.parse(m.data));
    expect(alerts.map((a) => a.events.map((e) => e.type))).toEqual([["anomaly.opened"], ["anomaly.resolved"]]);
  });
});
