import Big from "big.js";
import { describe, expect, it } from "vitest";
import { DuckDbCostWarehouse } from "#adapters/local/duckdb-warehouse.js";
import { formatMoney, headline } from "#domain/alerts/describe.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import { analyzeTenant } from "#domain/nightly/analyze-tenant.js";
import { addDays } from "#kernel/days.js";
import type { EventBus } from "#kernel/ports.js";
import { costRow } from "../../entrypoints/support/seed.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";

/**
 * The nightly never adds across currencies: one GCP project billed in EUR (as the GCP export
 * sample is) and one AWS account in USD, each with a steady service that jumps on the last day.
 * Anomalies, month-end projections and budgets each come out in their own currency, and the
 * alert texts format the amounts in it.
 */

const T = "mixed";
const RUN = "2026-11-20";
const AS_OF = addDays(RUN, -1);

function ledger(): CostRecord[] {
  const rows: CostRecord[] = [];
  for (let i = 0, d = "2026-08-01"; d <= AS_OF; i++, d = addDays(d, 1)) {
    const spike = d === AS_OF;
    const eur = spike ? "400" : new Big(100).plus(i % 5).toFixed();
    const usd = spike ? "90" : new Big(30).plus(i % 3).toFixed();
    rows.push(
      costRow(T, d, { sub_account_id: "proj-eu", service_name: "Compute Engine", region_id: "europe-west4", billed_cost: eur, effective_cost: eur, list_cost: eur, billing_currency: "EUR" }),
      costRow(T, d, { provider: "aws", sub_account_id: "111111111111", service_name: "Amazon EC2", region_id: "", billed_cost: usd, effective_cost: usd, list_cost: usd, billing_currency: "USD" }),
    );
  }
  return rows;
}

/** Exact sum of one currency's billed cost over November through AS_OF. */
const novemberIn = (rows: CostRecord[], currency: string) =>
  rows
    .filter((r) => r.billing_currency === currency && r.charge_period_start >= "2026-11-01")
    .reduce((s, r) => s.plus(r.billed_cost), new Big(0))
    .toFixed();

describe("the nightly analysis per currency", () => {
  it("keeps anomalies, projections, budgets and alerts each in its own currency", async () => {
    // Prepare
    const rows = ledger();
    const warehouse = await DuckDbCostWarehouse.open({ file: ":memory:" });
    await warehouse.upsert(T, rows);
    const store = new MemoryDocumentStore();
    await store.set(`tenants/${T}`, { name: "Mixed" });
    await store.set(`tenants/${T}/budgets/eur`, { name: "Euro spend", amount: "100", currency: "EUR", period: "monthly" });
    await store.set(`tenants/${T}/budgets/usd`, { name: "Dollar spend", amount: "100", currency: "USD", period: "monthly" });
    const sent: unknown[] = [];
    const bus: EventBus = { publish: async (_t, d) => String(sent.push(d)), subscribe() {}, async drain() {}, async close() {} };

    // Act
    const r = await analyzeTenant(
      { warehouse, store, bus, dashboardUrl: "https://costs.example.com", clock: { now: () => new Date(`${RUN}T04:00:00Z`) } },
      { tenantId: T, runDate: RUN, accounts: [], failedAccounts: [] },
    );
    await warehouse.close();

    // Assess: anomalies carry their series' currency.
    const byProvider = Object.fromEntries(r.anomalies.map((a) => [a.seriesKey.split("|")[0], a]));
    expect(byProvider.gcp).toMatchObject({ currency: "EUR", direction: "increase" });
    expect(byProvider.aws).toMatchObject({ currency: "USD", direction: "increase" });
    // Month-end totals: one per currency, each summed from its own rows only.
    const totals = Object.fromEntries(r.forecasts.filter((f) => f.seriesKey.startsWith("total")).map((f) => [f.seriesKey, f]));
    expect(Object.keys(totals).sort()).toEqual(["total@EUR", "total@USD"]);
    expect(totals["total@EUR"]).toMatchObject({ currency: "EUR", actualToDate: novemberIn(rows, "EUR") });
    expect(totals["total@USD"]).toMatchObject({ currency: "USD", actualToDate: novemberIn(rows, "USD") });
    // Budgets count their own currency only.
    const budgets = Object.fromEntries(r.budgets.map((b) => [b.budgetId, b]));
    expect(budgets.eur).toMatchObject({ currency: "EUR", actual: novemberIn(rows, "EUR") });
    expect(budgets.usd).toMatchObject({ currency: "USD", actual: novemberIn(rows, "USD") });
    // The stored anomaly and its alert say EUR, and the alert formats euros.
    const docs = (await store.list(`tenants/${T}/anomalies`)).docs.map((d) => d.data);
    expect(docs.find((d) => d.seriesKey === byProvider.gcp?.seriesKey)).toMatchObject({ currency: "EUR" });
    const events = sent.flatMap((m) => ((m as { events?: unknown[] }).events ?? [m]) as { type?: string; currency?: string; where?: { provider?: string } }[]);
    const eurAlert = events.find((e) => e.type === "anomaly.opened" && e.where?.provider === "gcp");
    expect(eurAlert).toMatchObject({ currency: "EUR" });
    expect(headline(eurAlert as Parameters<typeof headline>[0])).toMatch(/^Cost anomaly \+€/);
    expect(formatMoney("2984.075", "EUR")).toBe("€2,984.08");
  });
});
