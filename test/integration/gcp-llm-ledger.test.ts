import { Firestore } from "firebase-admin/firestore";
import { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventInsertId } from "#adapters/bigquery/llm-ledger-rows.js";
import { LLM_USAGE_EVENTS } from "#adapters/bigquery/table-schemas.js";
import { GcpLlmLedger } from "#adapters/gcp/gcp-llm-ledger.js";
import { RecordLlmUsageInput } from "#domain/llm-usage/event.js";
import { reconcileLlmBudgetTotals, syncLlmSpend } from "#domain/llm-usage/nightly.js";
import { MemoryCostWarehouse } from "../fakes/memory-cost-warehouse.js";
import { describeLlmLedgerConformance, pricedEvent } from "../conformance/llm-ledger.suite.js";
import { testService } from "../domain/llm-usage/support.js";
import { type BigQueryDuckDbEngine, createBigQueryDuckDbEngine } from "../support/replay/bigquery-duckdb-engine.js";
import { type BigQueryJobsReplay, startBigQueryJobsReplay } from "../support/replay/bigquery-jobs-server.js";
import { type FirestoreEmulator, startFirestoreEmulator } from "./support/firestore-emulator.js";

/**
 * The gcp runtime's LLM ledger: running totals and idempotency records on the official Firestore
 * emulator, events through the real @google-cloud/bigquery client to the BigQuery REST replay
 * (jobs.insert, getQueryResults, insertAll in the v2 REST shapes), whose queries run on DuckDB
 * (bigquery-duckdb-engine.ts says exactly how the SQL is carried over). The replay keeps every
 * row insertAll sends, as BigQuery may, so de-duplication on read is exercised for real.
 */
const PROJECT = "demo-llm-ledger";
const EVENTS = "llm_usage.events";

let emu: FirestoreEmulator;
let firestore: Firestore;
let engine: BigQueryDuckDbEngine;
let server: BigQueryJobsReplay;
/** insertAll requests to refuse, by their index among all insertAll requests (BigQuery's own reason). */
let refuseInsert: (attempt: number) => boolean = () => false;

beforeAll(async () => {
  emu = await startFirestoreEmulator();
  firestore = new Firestore({ projectId: PROJECT, host: emu.host, ssl: false });
  engine = await createBigQueryDuckDbEngine([LLM_USAGE_EVENTS]);
  server = await startBigQueryJobsReplay({
    answer: (job) => engine.answer(job),
    onInsert: (table, rows) => engine.insert(table, rows),
    insertErrors: (body, attempt) =>
      refuseInsert(attempt) ? body.rows.map((_, index) => ({ index, errors: [{ reason: "backendError", message: "Error encountered during execution. Retrying may solve the problem." }] })) : [],
  });
}, 90_000);

afterAll(async () => {
  await server?.close();
  engine?.close();
  await firestore?.terminate();
  await emu?.stop();
});

beforeEach(() => {
  refuseInsert = () => false;
});

function ledgerAuth(): OAuth2Client {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "test-token", expiry_date: Date.now() + 3_600_000 });
  return authClient;
}

function ledger(): GcpLlmLedger {
  return GcpLlmLedger.create({
    firestore,
    bigquery: { projectId: PROJECT, location: "EU", apiEndpoint: server.url, authClient: ledgerAuth(), retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 }, pollInitialMs: 1, pollMaxMs: 2, callTimeoutMs: 5_000 },
    now: () => new Date("2026-03-02T12:00:00Z"),
  });
}

const unique = () => `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const MARCH = { start: "2026-03-01", end: "2026-03-31" };
const all = (budgetId = "all") => ({ budgetId, periodKey: "2026-03", start: MARCH.start, end: MARCH.end, filter: { tags: {} } });

describeLlmLedgerConformance("GcpLlmLedger (Firestore emulator, BigQuery REST replay on DuckDB)", async () => ledger());

describe("GcpLlmLedger: what only the gcp ledger has", () => {
  it("sends each new event once with insertAll to llm_usage.events, insertId from tenant and event id, and reads with the tenant as a parameter", async () => {
    // Prepare
    const T = unique();
    const l = ledger();
    const insertsBefore = server.inserts.length;
    const jobsBefore = server.jobs.length;
    // Act
    await l.ingest(T, [pricedEvent("e1", { tags: { team: "ml" } }), pricedEvent("e2")], () => []);
    await l.ingest(T, [pricedEvent("e1")], () => []);
    await l.usage(T, { window: MARCH, groupBy: ["team"], limit: 5 });
    // Assess: one insertAll (the retry sent nothing), its rows keyed per tenant.
    const sent = server.inserts.slice(insertsBefore);
    expect(sent.map((i) => i.table)).toEqual([EVENTS]);
    expect(sent[0]?.body.rows.map((r) => r.insertId)).toEqual([eventInsertId(T, "e1"), eventInsertId(T, "e2")]);
    expect(sent[0]?.body.rows[0]?.json).toMatchObject({ tenant_id: T, event_id: "e1", usage_date: "2026-03-02", cost_usd: "0.001", team: "ml", user_id: null, ingested_at: "2026-03-02T12:00:00.000Z" });
    const queries = server.jobs.slice(jobsBefore);
    expect(queries.length).toBe(2);
    for (const q of queries) {
      expect(q.params?.tenant_id).toEqual({ type: "STRING", value: T });
      expect(q.params?.window_start).toEqual({ type: "DATE", value: "2026-03-01" });
      expect(q.sql).not.toContain(T);
      expect(q.body.jobReference.location).toBe("EU");
    }
  });

  it("reads a row BigQuery kept twice once", async () => {
    // Prepare: the event's row arrives a second time, as a re-sent insertAll may leave it.
    const T = unique();
    const l = ledger();
    await l.ingest(T, [pricedEvent("twice", { pico: 5_000_000_000_000n }), pricedEvent("once", { pico: 1n })], () => []);
    const row = server.inserts.at(-1)?.body.rows[0];
    if (!row) throw new Error("no insertAll seen");
    await engine.insert(EVENTS, [row]);
    // Act
    const u = await l.usage(T, { window: MARCH, groupBy: ["model"], limit: 5 });
    // Assess
    expect(u.totals).toMatchObject({ events: 2, costUsd: "5.000000000001" });
    expect(await l.providerTotal(T, "openai", MARCH)).toBe("5.000000000001");
    expect((await l.dailyRollups(T, MARCH)).map((r) => r.events)).toEqual([2]);
  });

  it("when BigQuery refuses the rows the call fails, the events stay counted once, and a retry delivers them", async () => {
    // Prepare: every insertAll attempt of this call is refused as backendError.
    const T = unique();
    const l = ledger();
    const b = all();
    const batch = [pricedEvent("r1", { pico: 100n }), pricedEvent("r2", { pico: 200n })];
    const inc = (fresh: readonly { costPico: bigint }[]) => (fresh.length ? [{ ...b, pico: fresh.reduce((s, e) => s + e.costPico, 0n) }] : []);
    await l.budgetTotals(T, [b]);
    refuseInsert = () => true;
    // Act
    const failed = await l.ingest(T, batch, inc).then(
      () => null,
      (e: unknown) => e,
    );
    const totalAfterFailure = await l.budgetTotals(T, [b]);
    refuseInsert = () => false;
    const retry = await l.ingest(T, batch, inc);
    // Assess
    expect(failed).toMatchObject({ code: "unavailable", retryable: true });
    // Claimed and counted in the transaction, whatever BigQuery said.
    expect(totalAfterFailure[0]?.pico).toBe(300n);
    expect(retry).toMatchObject({ inserted: [], duplicates: ["r1", "r2"], totals: [] });
    expect((await l.usage(T, { window: MARCH, groupBy: [], limit: 1 })).totals).toMatchObject({ events: 2, costUsd: "0.0000000003" });
    expect((await l.budgetTotals(T, [b]))[0]?.pico).toBe(300n);
    expect((await firestore.collection(`tenants/${T}/llm_event_outbox`).get()).size).toBe(0);
  });

  it("a read flushes events left in the outbox by a call that failed and was never retried", async () => {
    const T = unique();
    const l = ledger();
    refuseInsert = () => true;
    await expect(l.ingest(T, [pricedEvent("orphan", { pico: 42n })], () => [])).rejects.toMatchObject({ code: "unavailable" });
    refuseInsert = () => false;
    expect((await firestore.collection(`tenants/${T}/llm_event_outbox`).get()).size).toBe(1);
    expect(await l.providerTotal(T, "openai", MARCH)).toBe("0.000000000042");
    expect((await firestore.collection(`tenants/${T}/llm_event_outbox`).get()).size).toBe(0);
  });

  it("the budget check reads the running totals from Firestore alone once they exist: no BigQuery job", async () => {
    const T = unique();
    const l = ledger();
    const b = all();
    await l.ingest(T, [pricedEvent("x", { pico: 9n })], () => []);
    expect(await l.budgetTotals(T, [b])).toEqual([{ ...{ budgetId: "all", periodKey: "2026-03" }, pico: 9n }]);
    const jobsBefore = server.jobs.length;
    const insertsBefore = server.inserts.length;
    await l.ingest(T, [pricedEvent("y", { pico: 1n })], (fresh) => (fresh.length ? [{ ...b, pico: 1n }] : []));
    expect(await l.budgetTotals(T, [b])).toEqual([{ budgetId: "all", periodKey: "2026-03", pico: 10n }]);
    expect(server.jobs.length).toBe(jobsBefore);
    expect(server.inserts.length).toBe(insertsBefore + 1);
  });

  it("takes a full batch (1,000 events, recordLlmUsage's limit) in one transaction and one insertAll per 500 rows", async () => {
    // Prepare
    const T = unique();
    const l = ledger();
    const batch = Array.from({ length: 1000 }, (_, i) => pricedEvent(`full-${i}`, { pico: BigInt(i + 1) }));
    const insertsBefore = server.inserts.length;
    // Act
    const r = await l.ingest(T, batch, (fresh) => (fresh.length ? [{ ...all(), pico: fresh.reduce((s, e) => s + e.costPico, 0n) }] : []));
    // Assess: 1 + 2 + ... + 1000 pico-dollars.
    expect(r.inserted.length).toBe(1000);
    expect(r.totals).toEqual([{ budgetId: "all", periodKey: "2026-03", pico: 500_500n }]);
    expect(server.inserts.slice(insertsBefore).map((i) => i.body.rows.length)).toEqual([500, 500]);
    expect((await l.usage(T, { window: MARCH, groupBy: [], limit: 1 })).totals).toMatchObject({ events: 1000, costUsd: "0.0000005005" });
    expect((await l.ingest(T, batch.slice(0, 10), () => [])).duplicates.length).toBe(10);
  });

  it("refuses a batch with a row BigQuery would refuse before claiming or counting any of it", async () => {
    const T = unique();
    const l = ledger();
    const bad = pricedEvent("bad", { requestedAt: "yesterday" });
    await expect(l.ingest(T, [pricedEvent("good"), bad], () => [{ ...all(), pico: 1n }])).rejects.toMatchObject({ code: "invalid-argument" });
    expect((await firestore.collection(`tenants/${T}/llm_event_claims`).get()).size).toBe(0);
    expect((await l.ingest(T, [pricedEvent("good")], () => [])).inserted.map((e) => e.eventId)).toEqual(["good"]);
  });

  it("two instances (two Firestore clients) delivering the same batches at once count each event once", async () => {
    // Prepare: the total exists, so every increment goes through the transactions.
    const T = unique();
    const b = all();
    const other = new Firestore({ projectId: PROJECT, host: emu.host, ssl: false });
    try {
      const one = ledger();
      const two = GcpLlmLedger.create({ firestore: other, bigquery: { projectId: PROJECT, apiEndpoint: server.url, authClient: ledgerAuth(), retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 }, pollInitialMs: 1, pollMaxMs: 2 } });
      await one.budgetTotals(T, [b]);
      const batches = [0, 1, 2].map((k) => Array.from({ length: 20 }, (_, i) => pricedEvent(`m-${k}-${i}`, { pico: 1n })));
      const inc = (fresh: readonly unknown[]) => (fresh.length ? [{ ...b, pico: BigInt(fresh.length) }] : []);
      // Act
      const results = await Promise.all(batches.flatMap((batch) => [one.ingest(T, batch, inc), two.ingest(T, batch, inc)]));
      // Assess
      expect(results.reduce((n, r) => n + r.inserted.length, 0)).toBe(60);
      expect(results.reduce((n, r) => n + r.duplicates.length, 0)).toBe(60);
      expect(await two.budgetTotals(T, [b])).toEqual([{ budgetId: "all", periodKey: "2026-03", pico: 60n }]);
      expect((await one.usage(T, { window: MARCH, groupBy: [], limit: 1 })).totals.events).toBe(60);
    } finally {
      await other.terminate();
    }
  });

  it("refuses a tenant id that is not a Firestore path segment", async () => {
    await expect(ledger().ingest("a/b", [pricedEvent("e")], () => [])).rejects.toMatchObject({ code: "invalid-argument" });
  });
});

describe("LLM usage service and the nightly on the gcp ledger", () => {
  const call = (eventId: string, team = "search") =>
    RecordLlmUsageInput.parse({ eventId, provider: "openai", model: "gpt-4o-mini", inputTokens: 1_000_000, outputTokens: 1_000_000, requestedAt: "2026-03-01T10:00:00Z", tags: { team } });

  it("a hard limit answers resource-exhausted from the running total, and a retry stores nothing", async () => {
    // Prepare: a 2 USD cap; each call costs 0.75 USD at the test rates.
    const T = unique();
    const s = await testService({ ledger: ledger() });
    await s.documents.set(`tenants/${T}/budgets/cap`, { name: "Search cap", amount: "2", period: "monthly", scope: { tags: { team: "search" } }, hardLimit: true });
    // Act
    await s.service.record(T, call("a"));
    await s.service.record(T, call("b"));
    const third = await s.service.record(T, call("c")).then(
      () => null,
      (e: unknown) => e,
    );
    const retry = await s.service.record(T, call("c")).then(
      () => null,
      (e: unknown) => e,
    );
    // Assess
    expect(third).toMatchObject({ code: "resource-exhausted", details: { accepted: 1, budgets: [{ budgetId: "cap", spentUsd: "2.25" }] } });
    expect(retry).toMatchObject({ code: "resource-exhausted", details: { accepted: 0, duplicates: 1 } });
    await expect(s.service.check(T, { provider: "openai", model: "gpt-4o-mini", tags: { team: "search" } })).rejects.toMatchObject({ code: "resource-exhausted" });
    expect(await s.service.check(T, { provider: "openai", model: "gpt-4o-mini", tags: { team: "ml" } })).toEqual({ allowed: true, budgets: [] });
  });

  it("the nightly reconciliation puts a wrong running total right from the events in BigQuery, outbox included", async () => {
    // Prepare: three calls in scope (2.25 USD), one of them stuck in the outbox; then the total is corrupted.
    const T = unique();
    const l = ledger();
    const s = await testService({ ledger: l });
    await s.documents.set(`tenants/${T}/budgets/cap`, { name: "Search cap", amount: "100", period: "monthly", scope: { tags: { team: "search" } }, hardLimit: true });
    await s.service.record(T, call("a"));
    await s.service.record(T, call("b"));
    await s.service.record(T, call("other-team", "ml"));
    refuseInsert = () => true;
    await expect(s.service.record(T, call("c"))).rejects.toMatchObject({ code: "unavailable" });
    refuseInsert = () => false;
    await l.replaceBudgetTotals(T, [{ budgetId: "cap", periodKey: "2026-03", pico: 1n }]);
    // Act
    const totals = await reconcileLlmBudgetTotals(l, s.documents, T, "2026-03-02");
    // Assess
    expect(totals).toEqual([{ budgetId: "cap", periodKey: "2026-03", pico: 2_250_000_000_000n }]);
    expect(await l.budgetTotals(T, [{ budgetId: "cap", periodKey: "2026-03", start: "2026-03-01", end: "2026-03-31", filter: { tags: { team: "search" } } }])).toEqual(totals);
  });

  it("the nightly's LLM step writes the day's AI spend as CostRecords and reconciles the totals", async () => {
    const T = unique();
    const l = ledger();
    const s = await testService({ ledger: l });
    const warehouse = new MemoryCostWarehouse();
    await s.service.record(T, call("a"));
    await s.service.record(T, call("b", "ml"));
    const r = await syncLlmSpend({ ledger: l, warehouse, store: s.documents, now: new Date("2026-03-02T04:00:00Z") }, T, "2026-03-02", 35);
    expect(r).toMatchObject({ records: 2, budgets: 0 });
    expect(await warehouse.totals(T)).toMatchObject({ rows: 2, billed_cost: "1.5" });
  });
});
