import Big from "big.js";
import { afterEach, describe, expect, it } from "vitest";
import { createVultrApi, vultrApiFactory } from "#adapters/billing/vultr-client.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";
import { accountBalance, invoiceRecords, pendingSnapshotRecords } from "#domain/billing/providers/vultr/vultr-records.js";
import { VultrChargeSchema, VultrInvoiceSchema } from "#domain/billing/providers/vultr/vultr-response.js";
import { listHistory, listInvoices, VultrBillingSource } from "#domain/billing/providers/vultr/source.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { alwaysFault, scriptedFaults } from "../../support/replay/faults.js";
import type { ReplayServer } from "../../support/replay/http-server.js";
import { startVultrServer, type VultrData } from "../../support/replay/vultr-server.js";

// Shapes follow the Vultr API v2 reference ("Billing"; govultr's Invoice, InvoiceItem and
// BillingHistory fields); the values are our own.
const KEY = "vultr-key-1";
const retry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };
const clock = { now: () => new Date("2026-12-05T06:00:00Z") };
/** October's page: its invoice is the one dated 1 November. */
const OCTOBER = { start: "2026-10-01", end: "2026-10-31" };
const account: CloudAccountRef = { tenantId: "t1", accountId: "vultr-main", provider: "other", scope: {}, environment: "prod" };

/** 1,203 items (three pages of 500) whose totals mix strings and numbers, and one credit. */
function bigInvoice(): { invoice: Record<string, unknown>; items: Record<string, unknown>[] } {
  const items: Record<string, unknown>[] = [];
  let sum = new Big(0);
  for (let i = 0; i < 1_202; i++) {
    const total = new Big(i % 97).div(7).round(3).plus("0.015");
    sum = sum.plus(total);
    items.push({
      description: `Cloud Compute vc2-1c-1gb (server-${i})`,
      product: i % 3 === 0 ? "Block Storage" : "Cloud Compute",
      start_date: "2026-11-01T00:00:00+00:00",
      end_date: "2026-11-30T23:59:59+00:00",
      units: 720,
      unit_type: "hours",
      unit_price: i % 2 === 0 ? "0.0070" : 0.007,
      total: i % 2 === 0 ? total.toFixed() : Number(total.toFixed()),
    });
  }
  items.push({ description: "Promotional credit", product: "Credit", start_date: "2026-11-01T00:00:00+00:00", end_date: "2026-11-30T23:59:59+00:00", units: 1, unit_type: "", unit_price: "-10", total: "-10" });
  sum = sum.minus(10);
  // Vultr rounds the invoice to cents; the items keep their own precision.
  return { invoice: { id: 2024001, date: "2026-12-01T00:00:00+00:00", description: "Invoice #2024001", amount: sum.round(2).toFixed(), balance: "0" }, items };
}

function data(): VultrData {
  const big = bigInvoice();
  return {
    invoices: [big.invoice, { id: 2023999, date: "2026-11-01T00:00:00+00:00", description: "older", amount: 1.5, balance: 0 }],
    items: { "2024001": big.items, "2023999": [{ description: "x", product: "Cloud Compute", start_date: "2026-10-01T00:00:00+00:00", end_date: "2026-10-31T00:00:00+00:00", units: 1, unit_type: "hours", total: 1.5 }] },
    history: [
      { id: 1, date: "2026-11-01T00:00:00+00:00", type: "invoice", description: "Invoice", amount: 1.5, balance: 1.5 },
      { id: 2, date: "2026-11-03T00:00:00+00:00", type: "payment", description: "Payment", amount: "-25.00", balance: "-23.50" },
    ],
    pending: [
      { description: "Cloud Compute (server-1)", product: "Cloud Compute", start_date: "2026-12-01T00:00:00+00:00", end_date: "2026-12-05T00:00:00+00:00", units: 96, unit_type: "hours", unit_price: 0.007, total: 0.67 },
    ],
  };
}

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const sourceFor = (url: string, key = KEY) =>
  new VultrBillingSource({ clientFor: vultrApiFactory({ get: async () => ({ apiKey: key }) }, { retry, endpoint: `${url}/v2`, timeoutMs: 500 }), clock });

describe("Vultr billing source against a replay server", () => {
  it("loads a closed invoice's items over every page, reconciled to the invoice within $0.01, on its month's page", async () => {
    const d = data();
    server = await startVultrServer({ apiKey: KEY, data: d });
    // November's invoice is dated 1 December: the November page reads the invoices of November and December.
    const result = await sourceFor(server.url).collect({ account, window: { start: "2026-11-01", end: "2026-11-30" } });
    const items = server.requests.filter((r) => r.url.includes("/2024001/items"));
    expect(items).toHaveLength(3);
    expect(items.every((r) => r.url.includes("per_page=500"))).toBe(true);
    const total = result.records.reduce((s, r) => s.plus(r.billed_cost), new Big(0));
    expect(total.minus(String(d.invoices[0]?.amount)).abs().lte("0.01")).toBe(true);
    expect(result.records.find((r) => r.service_name === "Credit")?.charge_category).toBe("Credit");
    expect(result.records.every((r) => Object.keys(r.tags).length === 0 && r.billing_currency === "USD")).toBe(true);
    // The invoice dated 1 November bills October: read, but none of its items is on this page.
    expect(server.requests.some((r) => r.url.includes("2023999"))).toBe(true);
    expect(result.records.every((r) => r.charge_period_start >= "2026-11-01" && r.charge_period_start <= "2026-11-30")).toBe(true);
    expect(result.keepLedger).toBeUndefined();
  });

  it("backs off on 429 and 503, then succeeds; a spent budget is a retryable CollectionError", async () => {
    server = await startVultrServer({ apiKey: KEY, data: data(), faults: scriptedFaults(["throttle", "server-error", "throttle"]) });
    const ok = await sourceFor(server.url).collect({ account, window: OCTOBER });
    expect(ok.records.map((r) => r.billed_cost)).toEqual(["1.5"]);
    await server.close();
    server = await startVultrServer({ apiKey: KEY, data: data(), faults: alwaysFault("throttle") });
    const err = await sourceFor(server.url).collect({ account, window: OCTOBER }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectionError);
    expect((err as CollectionError).retryable).toBe(true);
    expect(server.requests).toHaveLength(retry.maxAttempts);
  });

  it("refuses to load an invoice whose items do not add up, as a non-retryable failure", async () => {
    const d = data();
    (d.invoices[1] as { amount: unknown }).amount = "1.52";
    server = await startVultrServer({ apiKey: KEY, data: d });
    const err = await sourceFor(server.url).collect({ account, window: OCTOBER }).catch((e: unknown) => e);
    expect((err as CollectionError).retryable).toBe(false);
    expect(String((err as Error).message)).toMatch(/items sum to 1.5, the invoice says 1.52/);
  });

  it("snapshots pending charges on today's month's page; the next snapshot replaces it instead of adding", async () => {
    server = await startVultrServer({ apiKey: KEY, data: data() });
    // The nightly's page of the current month: its 1st through yesterday.
    const window = { start: "2026-12-01", end: "2026-12-04" };
    const first = await sourceFor(server.url).collect({ account, window });
    expect(first.incompleteDays).toEqual(["2026-12-01"]);
    // December's page holds no item of November's invoice (dated 1 December): only the snapshot.
    expect(first.records.every((r) => r.source === "vultr-pending")).toBe(true);
    const pending = first.records.filter((r) => r.source === "vultr-pending");
    expect(pending.map((r) => [r.charge_period_start, r.charge_period_end, r.billed_cost])).toEqual([["2026-12-01", "2026-12-06", "0.67"]]);
    const wh = new MemoryCostWarehouse();
    await wh.upsert("t1", pending);
    const nextDay = pendingSnapshotRecords([VultrChargeSchema.parse({ ...data().pending[0], total: "0.84" })], "2026-12-06", { tenantId: "t1", ingestedAt: "x" }, "vultr-main");
    const stats = await wh.upsert("t1", nextDay);
    expect(stats).toMatchObject({ inserted: 0, updated: 1 });
  });

  it("keeps the ledger's snapshot of last month while its invoice is not out, and takes no pending charges on a page not of today's month", async () => {
    const d = data();
    d.invoices = d.invoices.filter((i) => i.id !== 2024001);
    server = await startVultrServer({ apiKey: KEY, data: d });
    const november = await sourceFor(server.url).collect({ account, window: { start: "2026-11-01", end: "2026-11-30" } });
    expect(november).toMatchObject({ records: [], keepLedger: true });
    expect(server.requests.some((r) => r.url.includes("pending-charges"))).toBe(false);
    // An older month without an invoice is simply empty: nothing is kept for it.
    const september = await sourceFor(server.url).collect({ account, window: { start: "2026-09-01", end: "2026-09-30" } });
    expect(september.keepLedger).toBeUndefined();
    expect(september.records).toEqual([]);
  });

  it("pages billing history and reads a negative balance as credit", async () => {
    server = await startVultrServer({ apiKey: KEY, data: data() });
    const { items } = await listHistory(createVultrApi(KEY, { retry, endpoint: `${server.url}/v2` }));
    expect(accountBalance(items)).toEqual({ balance: "-23.5", credit: "23.5" });
  });

  it("does not retry a refused key and never echoes it", async () => {
    server = await startVultrServer({ apiKey: KEY, data: data() });
    const err = await sourceFor(server.url, "bad-key-zzz").collect({ account, window: OCTOBER }).catch((e: unknown) => e);
    expect((err as CollectionError).retryable).toBe(false);
    expect(String((err as Error).message)).not.toContain("bad-key-zzz");
    expect(server.requests).toHaveLength(1);
  });
});

describe("Vultr paging", () => {
  it("stops a list whose links.next never ends, instead of looping", async () => {
    let calls = 0;
    const api = {
      get: async () => {
        calls += 1;
        return { billing_invoices: [], meta: { total: 0, links: { next: "again", prev: "" } } };
      },
    };
    await expect(listInvoices(api)).rejects.toThrow(/still had a next page after 1000 pages/);
    expect(calls).toBe(1000);
  });
});

describe("Vultr amounts", () => {
  it("reads strings and numbers as the same exact decimal, and refuses junk", () => {
    const base = { id: 1, date: "2026-12-01T00:00:00+00:00", description: "" };
    expect(VultrInvoiceSchema.parse({ ...base, amount: "12.30" }).amount).toBe("12.3");
    expect(VultrInvoiceSchema.parse({ ...base, amount: 12.3 }).amount).toBe("12.3");
    expect(VultrInvoiceSchema.safeParse({ ...base, amount: "12,30" }).success).toBe(false);
    expect(VultrInvoiceSchema.safeParse({ ...base, amount: "1e999" }).success).toBe(false);
    const charge = { start_date: "2026-11-01T00:00:00+00:00", end_date: "2026-11-30T00:00:00+00:00", total: "1" };
    expect(VultrChargeSchema.parse({ ...charge, units: 720 }).units).toBe("720");
    expect(VultrChargeSchema.safeParse({ ...charge, units: "many" }).success).toBe(false);
  });

  it("re-loading an invoice adds 0 rows", async () => {
    const big = bigInvoice();
    const inv = VultrInvoiceSchema.parse(big.invoice);
    const items = big.items.map((i) => VultrChargeSchema.parse(i));
    const wh = new MemoryCostWarehouse();
    const scope = { tenantId: "t1", provider: "other" as const, source: "vultr-invoice" };
    const window = { start: "2026-11-01", end: "2026-11-30" };
    const load = invoiceRecords(inv, items, { tenantId: "t1", ingestedAt: "a" }, "vultr-main");
    await wh.replaceWindow(scope, window, load.records);
    const again = await wh.replaceWindow(scope, window, invoiceRecords(inv, items, { tenantId: "t1", ingestedAt: "b" }, "vultr-main").records);
    expect(again).toMatchObject({ inserted: 0, deleted: 0 });
    expect(new Big(load.difference).lte("0.01")).toBe(true);
  });
});
