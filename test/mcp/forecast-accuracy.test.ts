import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getForecast } from "#domain/api/forecasts.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import type { StoredForecast } from "#domain/nightly/analyze/forecast-updates.js";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import { addDays } from "#kernel/days.js";
import type { EventBus } from "#kernel/ports.js";
import { costRecord } from "../conformance/cost-record-builder.js";
import { authInfoOf, type Harness, harness, principal, textOf } from "./support.js";

const T = "t1";
/** The stored document, in the shape the nightly writes it. */
const read = async (h: Harness, seriesKey: string) => (await getForecast(h.documents, T, { seriesKey })) as unknown as StoredForecast;
const silentBus: EventBus = { publish: async () => "1", subscribe() {}, async drain() {}, async close() {} };

/** 264 days of two services; Cloud SQL is 50% dearer over the last four weeks. */
function ledger(): CostRecord[] {
  const rows: CostRecord[] = [];
  for (let i = 0, d = "2026-03-01"; d <= "2026-11-19"; i++, d = addDays(d, 1)) {
    const day = { tenant_id: T, charge_period_start: d, charge_period_end: addDays(d, 1) };
    const bq = String(200 + ((i * 37) % 13));
    const sql = String((d >= "2026-10-20" ? 1.5 : 1) * (80 + ((i * 17) % 7)));
    rows.push(costRecord({ ...day, service_name: "BigQuery", billed_cost: bq, effective_cost: bq, list_cost: bq }));
    rows.push(costRecord({ ...day, service_name: "Cloud SQL", billed_cost: sql, effective_cost: sql, list_cost: sql }));
  }
  return rows;
}

describe("the nightly's forecast accuracy and trend, as getForecast and get_forecast return them", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.warehouse.upsert(T, ledger());
    await h.documents.set(`tenants/${T}`, { name: "T1" });
    const deps = { warehouse: h.warehouse, store: h.documents, bus: silentBus, dashboardUrl: "https://costs.example.com", clock: { now: () => new Date("2026-11-20T04:00:00Z") } };
    await analyzeTenant(deps, { tenantId: T, runDate: "2026-11-20", accounts: ["gcp-1"], failedAccounts: [] });
  });
  afterEach(async () => h.close());

  it("stores per series the last complete month's backtest and the rolling coverage beside the forecast", async () => {
    const doc = await read(h, "total");
    expect(doc.backtest.month).toMatchObject({ month: "2026-10", days: 31 });
    expect(Number(doc.backtest.month?.actual)).toBeGreaterThan(0);
    expect(doc.backtest.month?.errorShare).toBeGreaterThanOrEqual(0);
    expect(doc.backtest.rolling).toMatchObject({ from: "2026-08-25", to: "2026-11-16", days: 84, origins: 3 });
    expect(doc.completeness).toEqual({ settledThrough: "2026-11-16", provisionalFrom: "2026-11-17", provisionalThrough: "2026-11-19" });
    // Every target has its own record and trend: the service that jumped grows faster than its forecast, the other does not.
    const sql = await read(h, "service:Cloud_SQL");
    const bq = await read(h, "service:BigQuery");
    expect(sql.trend.growingFasterThanForecast).toBe(true);
    expect(sql.trend.growth28d?.rate).toBeGreaterThan(0.3);
    expect(sql.trend.growth28d?.lower80).toBeGreaterThan(0);
    expect(bq.trend.growingFasterThanForecast).toBe(false);
    expect(Math.abs(bq.trend.weekOverWeek?.rate ?? 1)).toBeLessThan(0.05);
  });

  it("get_forecast shows the backtest, the trend and the completeness label in its summary", async () => {
    const client = await h.connect(authInfoOf(principal({ tenantId: T })));
    const body = JSON.parse(textOf(await client.callTool({ name: "get_forecast", arguments: { series_key: "service:Cloud_SQL", view: "summary" } })));
    const stored = await read(h, "service:Cloud_SQL");
    expect(body.backtest).toEqual(stored.backtest);
    expect(body.trend).toEqual(stored.trend);
    expect(body.completeness).toEqual(stored.completeness);
    expect(body.trend.growingFasterThanForecast).toBe(true);
  });
});
