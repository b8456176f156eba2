import { randomUUID } from "node:crypto";
import { type Firestore, Timestamp, type Transaction } from "firebase-admin/firestore";
import type {
  BudgetIncrement,
  BudgetKey,
  BudgetTotal,
  DailyRollup,
  IngestResult,
  LlmLedger,
  PricedLlmEvent,
  ReconciliationRow,
  UsageQuery,
  UsageRow,
  UsageTotals,
} from "#domain/llm-usage/ledger-port.js";
import type { LlmTags } from "#domain/llm-usage/event.js";
import { addDays, type DayWindow } from "#kernel/days.js";
import { AppError } from "#kernel/errors.js";
import { BigQueryJobs } from "../bigquery/bigquery-jobs.js";
import { tablePath } from "../bigquery/bigquery-names.js";
import { BigQueryHistoryWriter, type HistoryRow } from "../bigquery/history-writer.js";
import { keyText, llmEventRow, moneyPico, moneyText, reconciliationRow, usageTotals } from "../bigquery/llm-ledger-rows.js";
import {
  providerTotalStatement,
  reconciliationStatement,
  rollupsStatement,
  scopeSumStatement,
  usageRowsStatement,
  usageTotalsStatement,
} from "../bigquery/llm-ledger-sql.js";
import { rowSchema } from "../bigquery/table-row-schema.js";
import { LLM_USAGE_EVENTS } from "../bigquery/table-schemas.js";
import { createWarehouseClient } from "../bigquery/warehouse-client.js";
import { type BigQueryWarehouseOptions, jobSettings, resolveOptions } from "../bigquery/warehouse-options.js";
import { toAppError } from "../firestore/firestore-errors.js";
import { validateTenantId, validateWindow } from "../warehouse/warehouse-input.js";
import { ledgerRefs, mergeIncrements, outboxChunks, outboxRows, storedPico, tenantSegment } from "./llm-ledger-documents.js";

export interface GcpLlmLedgerOptions {
  /** The Firestore client of the running totals and idempotency records (the runtime's own). */
  firestore: Firestore;
  /** Terminate `firestore` on close (when it was built for this ledger alone). */
  ownsFirestore?: boolean;
  /** Where `llm_usage.events` is, and the BigQuery client's retry budget. */
  bigquery: BigQueryWarehouseOptions;
  /** How long after its day an event id is remembered: past the last day a retry is accepted. */
  claimRetentionDays?: number;
  /** Attempts of one ingest transaction under contention; default 10. */
  maxTransactionAttempts?: number;
  now?: () => Date;
}

/** What one ingest transaction decided. */
interface Decided {
  fresh: PricedLlmEvent[];
  known: string[];
  /** Outbox documents that carried an earlier delivery of the known events. */
  earlierOutboxes: Set<string>;
  outboxes: { id: string; rows: HistoryRow[] }[];
  totals: BudgetTotal[];
  /** Increments to running totals that did not exist: they start from the events instead. */
  unstarted: BudgetIncrement[];
}

/** Outbox documents one read flushes at most; more wait for the next read. */
const FLUSH_PAGE = 50;

/**
 * LlmLedger on Google Cloud: event-level detail in BigQuery (`llm_usage.events`), idempotency
 * and budget running totals in Firestore, so the budget check a gateway makes before each request
 * reads one Firestore document per budget and never scans the ledger.
 *
 * An ingest is one Firestore transaction, then one streaming insert:
 * 1. The transaction reads the claim of every event id and the running totals the new events
 *    count towards; it creates a claim for each new id, adds the increments to the totals, and
 *    writes the new events' rows into outbox documents. Claims and totals therefore change
 *    together or not at all, and a retried event, whose claim exists, counts once.
 *    A full call (1,000 events) is about 1,000 writes and well under 2 MiB; Firestore bounds a
 *    transaction by its 10 MiB request size, not by a count of writes (cloud.google.com/firestore/quotas,
 *    "Writes and transactions"), and the emulator takes it (tested).
 * 2. The rows go to BigQuery with insertAll (tabledata.insertAll), insertId derived from tenant
 *    and event id; then the outbox documents are deleted.
 * Idempotency is insertId plus de-duplication on read, not a MERGE: one DML job per gateway call
 * would meet BigQuery's limits on concurrent mutating DML per table and cost seconds per call,
 * while the streaming insert takes thousands of calls a second. insertId de-duplication is best
 * effort, so every read keeps one row per event id (llm-ledger-sql.ts); every row ever sent for an
 * id is the same row (from the outbox), so that is exact.
 *
 * If step 2 fails the call fails, and the events wait in the outbox: a retry of the same events
 * finds them claimed, re-sends the outbox they are in, and answers them as duplicates; every read
 * of the tenant first flushes its outbox, so reads and the nightly see every counted event.
 *
 * A running total that does not exist yet starts from the sum of its period's events in scope
 * (one BigQuery query, once per budget period), created only if still absent. Ingests racing
 * that start can leave it short of their events until the nightly reconciliation
 * (replaceBudgetTotals) recomputes it from the events.
 *
 * @example
 *   const ledger = GcpLlmLedger.create({ firestore, bigquery: { projectId: "costmon-prod", location: "EU" } });
 *   const { inserted, duplicates, totals } = await ledger.ingest("acme", priced, (fresh) => budgetIncrements(budgets, fresh));
 */
export class GcpLlmLedger implements LlmLedger {
  private closed = false;
  private readonly table: string;
  private readonly now: () => Date;
  private readonly retentionDays: number;
  private readonly maxAttempts: number;
  private readonly rowSchema = rowSchema(LLM_USAGE_EVENTS);

  private constructor(
    private readonly o: GcpLlmLedgerOptions,
    private readonly jobs: BigQueryJobs,
    private readonly history: BigQueryHistoryWriter,
    projectId: string,
    datasetId: string,
  ) {
    this.table = tablePath({ projectId, datasetId }, LLM_USAGE_EVENTS.table);
    this.now = o.now ?? (() => new Date());
    this.retentionDays = o.claimRetentionDays ?? 40;
    this.maxAttempts = o.maxTransactionAttempts ?? 10;
  }

  /** Checks the options and builds the clients; opens no connection. */
  static create(o: GcpLlmLedgerOptions): GcpLlmLedger {
    const resolved = resolveOptions(o.bigquery);
    const jobs = new BigQueryJobs(createWarehouseClient(resolved), jobSettings(resolved));
    return new GcpLlmLedger(o, jobs, BigQueryHistoryWriter.create(o.bigquery), resolved.projectId, resolved.datasets.llm_usage);
  }

  async ingest(tenantId: string, events: readonly PricedLlmEvent[], increments: (inserted: readonly PricedLlmEvent[]) => BudgetIncrement[]): Promise<IngestResult> {
    this.open();
    validateTenantId(tenantId);
    const refs = ledgerRefs(this.o.firestore, tenantId);
    // Within a call the first of a repeated id wins, as a later retry of it would be skipped.
    const seen = new Set<string>();
    const firsts: PricedLlmEvent[] = [];
    const repeats: string[] = [];
    for (const e of events) {
      if (seen.has(e.eventId)) repeats.push(e.eventId);
      else {
        seen.add(e.eventId);
        firsts.push(e);
      }
    }
    const ingestedAt = this.now().toISOString();
    // Every row is checked against the table's schema before anything is stored: a row BigQuery
    // would refuse must not be claimed, counted and then stuck in the outbox.
    const rowOf = new Map(firsts.map((e) => [e.eventId, this.checkedRow(tenantId, e, ingestedAt)]));
    const decided = await this.transaction("ingest", async (tx): Promise<Decided> => {
      const claims = firsts.length ? await tx.getAll(...firsts.map((e) => refs.claim(e.eventId))) : [];
      const fresh = firsts.filter((_, i) => !claims[i]?.exists);
      const known = firsts.filter((_, i) => claims[i]?.exists).map((e) => e.eventId);
      const earlierOutboxes = new Set(claims.flatMap((c) => (c.exists && typeof c.get("outbox") === "string" ? [c.get("outbox") as string] : [])));
      const incs = mergeIncrements(increments(fresh));
      const current = incs.length ? await tx.getAll(...incs.map((k) => refs.total(k))) : [];
      // Every read is done: the writes follow (a Firestore transaction reads first).
      const totals: BudgetTotal[] = [];
      const unstarted: BudgetIncrement[] = [];
      for (const [i, inc] of incs.entries()) {
        const snap = current[i];
        if (!snap?.exists) {
          unstarted.push(inc);
          continue;
        }
        const pico = storedPico(snap.data()) + inc.pico;
        tx.set(refs.total(inc), { budgetId: inc.budgetId, periodKey: inc.periodKey, pico: pico.toString(), updatedAt: ingestedAt });
        totals.push({ budgetId: inc.budgetId, periodKey: inc.periodKey, pico });
      }
      const outboxes = outboxChunks(fresh.map((e) => rowOf.get(e.eventId) as HistoryRow)).map((rows) => ({ id: randomUUID(), rows }));
      for (const box of outboxes) tx.create(refs.outbox(box.id), { rows: JSON.stringify(box.rows), createdAt: ingestedAt });
      const outboxOf = new Map(outboxes.flatMap((b) => b.rows.map((r) => [r.values.event_id as string, b.id] as const)));
      for (const e of fresh) {
        tx.create(refs.claim(e.eventId), { eventId: e.eventId, day: e.day, outbox: outboxOf.get(e.eventId), expireAt: Timestamp.fromMillis(Date.parse(`${addDays(e.day, this.retentionDays)}T00:00:00Z`)) });
      }
      return { fresh, known, earlierOutboxes, outboxes, totals, unstarted };
    });
    for (const box of decided.outboxes) await this.send(tenantId, box.id, box.rows);
    // A retry of events whose first delivery never reached BigQuery completes it.
    if (decided.earlierOutboxes.size) await this.flushOutboxes(tenantId, [...decided.earlierOutboxes]);
    const started = await this.startTotals(tenantId, decided.unstarted);
    return { inserted: decided.fresh, duplicates: [...repeats, ...decided.known], totals: [...decided.totals, ...started] };
  }

  async usage(tenantId: string, q: UsageQuery): Promise<{ rows: UsageRow[]; totals: UsageTotals }> {
    const query = { ...q, window: this.readable(tenantId, q.window) };
    await this.flushOutboxes(tenantId);
    const [total] = await this.jobs.select(usageTotalsStatement(this.table, tenantId, query));
    let rows: UsageRow[] = [];
    if (q.groupBy.length) {
      const found = await this.jobs.select(usageRowsStatement(this.table, tenantId, query));
      rows = found.map((r) => ({ keys: Object.fromEntries(q.groupBy.map((d, i) => [d, keyText(r[`k${i}`])])), ...usageTotals(r) }));
    }
    return { rows, totals: usageTotals(total ?? {}) };
  }

  async dailyRollups(tenantId: string, window: DayWindow): Promise<DailyRollup[]> {
    const w = this.readable(tenantId, window);
    await this.flushOutboxes(tenantId);
    const rows = await this.jobs.select(rollupsStatement(this.table, tenantId, w));
    return rows.map((r) => {
      const tags: LlmTags = {};
      for (const [k, col] of [["app", "app"], ["team", "team"], ["user", "user_id"], ["key", "api_key"]] as const) {
        const v = keyText(r[col]);
        if (v !== null) tags[k] = v;
      }
      return { day: String(r.usage_day), provider: String(r.provider), model: String(r.model), tags, ...usageTotals(r) };
    });
  }

  async budgetTotals(tenantId: string, keys: readonly BudgetKey[]): Promise<BudgetTotal[]> {
    this.open();
    validateTenantId(tenantId);
    if (!keys.length) return [];
    const refs = ledgerRefs(this.o.firestore, tenantId);
    const snaps = await this.firestoreCall("budget totals read", () => this.o.firestore.getAll(...keys.map((k) => refs.total(k))));
    const missing = keys.filter((_, i) => !snaps[i]?.exists);
    const started = new Map((await this.startTotals(tenantId, missing)).map((t) => [`${t.budgetId}\u0000${t.periodKey}`, t.pico]));
    return keys.map((k, i) => {
      const snap = snaps[i];
      const pico = snap?.exists ? storedPico(snap.data()) : (started.get(`${k.budgetId}\u0000${k.periodKey}`) ?? 0n);
      return { budgetId: k.budgetId, periodKey: k.periodKey, pico };
    });
  }

  async replaceBudgetTotals(tenantId: string, totals: readonly BudgetTotal[]): Promise<void> {
    this.open();
    validateTenantId(tenantId);
    const refs = ledgerRefs(this.o.firestore, tenantId);
    const at = this.now().toISOString();
    // A tenant has a handful of hard-limited budgets; 400 writes keep one batch well inside Firestore's request limits.
    for (let i = 0; i < totals.length; i += 400) {
      const batch = this.o.firestore.batch();
      for (const t of totals.slice(i, i + 400)) batch.set(refs.total(t), { budgetId: t.budgetId, periodKey: t.periodKey, pico: t.pico.toString(), updatedAt: at });
      await this.firestoreCall("budget totals replace", () => batch.commit());
    }
  }

  async reconciliation(tenantId: string, window: DayWindow): Promise<ReconciliationRow[]> {
    const w = this.readable(tenantId, window);
    await this.flushOutboxes(tenantId);
    return (await this.jobs.select(reconciliationStatement(this.table, tenantId, w))).map(reconciliationRow);
  }

  async providerTotal(tenantId: string, provider: string, window: DayWindow): Promise<string> {
    const w = this.readable(tenantId, window);
    await this.flushOutboxes(tenantId);
    const [row] = await this.jobs.select(providerTotalStatement(this.table, tenantId, provider, w));
    return moneyText(row?.cost_usd ?? "0");
  }

  /**
   * Sends the rows still waiting in the tenant's outbox (all of them, or the named documents) to
   * BigQuery. Re-sending rows that did arrive is harmless: reads keep one row per event id.
   */
  async flushOutboxes(tenantId: string, ids?: readonly string[]): Promise<number> {
    this.open();
    const refs = ledgerRefs(this.o.firestore, tenantId);
    const docs = ids
      ? (await this.firestoreCall("outbox read", () => this.o.firestore.getAll(...ids.map((id) => refs.outbox(id))))).filter((d) => d.exists)
      : (await this.firestoreCall("outbox list", () => refs.outboxes().limit(FLUSH_PAGE).get())).docs;
    for (const doc of docs) await this.send(tenantId, doc.id, outboxRows(doc.data()));
    return docs.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.o.ownsFirestore) await this.o.firestore.terminate();
  }

  /** The synchronous close the composition root calls on SIGTERM. */
  closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.o.ownsFirestore) void this.o.firestore.terminate().catch(() => undefined);
  }

  private open(): void {
    if (this.closed) throw new AppError("failed-precondition", "GcpLlmLedger is closed", { expose: false });
  }

  private readable(tenantId: string, window: DayWindow): DayWindow {
    this.open();
    validateTenantId(tenantId);
    tenantSegment(tenantId);
    return validateWindow(window);
  }

  private checkedRow(tenantId: string, e: PricedLlmEvent, ingestedAt: string): HistoryRow {
    const row = llmEventRow(tenantId, e, ingestedAt);
    const r = this.rowSchema.safeParse(row.values);
    if (!r.success) throw new AppError("invalid-argument", `event ${e.eventId} does not fit llm_usage.events: ${r.error.issues[0]?.path.join(".")} ${r.error.issues[0]?.message}`);
    return { insertId: row.insertId, values: r.data };
  }

  /** One outbox document's rows into BigQuery, then the document gone. */
  private async send(tenantId: string, outboxId: string, rows: readonly HistoryRow[]): Promise<void> {
    if (rows.length) await this.history.append("llm_usage_events", tenantId, rows);
    const ref = ledgerRefs(this.o.firestore, tenantId).outbox(outboxId);
    await this.firestoreCall("outbox delete", () => ref.delete());
  }

  /**
   * Starts each running total that does not exist from its period's events in scope (the
   * tenant's outbox flushed first, so the sum sees every counted event), creating it only if it
   * is still absent; one another call created first is read instead.
   */
  private async startTotals(tenantId: string, keys: readonly BudgetKey[]): Promise<BudgetTotal[]> {
    if (!keys.length) return [];
    await this.flushOutboxes(tenantId);
    const refs = ledgerRefs(this.o.firestore, tenantId);
    const out: BudgetTotal[] = [];
    for (const k of keys) {
      const [row] = await this.jobs.select(scopeSumStatement(this.table, tenantId, validateWindow({ start: k.start, end: k.end }), k.filter));
      const sum = moneyPico(row?.cost_usd ?? "0");
      const pico = await this.transaction("budget total start", async (tx) => {
        const snap = await tx.get(refs.total(k));
        if (snap.exists) return storedPico(snap.data());
        tx.create(refs.total(k), { budgetId: k.budgetId, periodKey: k.periodKey, pico: sum.toString(), updatedAt: this.now().toISOString() });
        return sum;
      });
      out.push({ budgetId: k.budgetId, periodKey: k.periodKey, pico });
    }
    return out;
  }

  private async transaction<T>(what: string, fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.firestoreCall(what, () => this.o.firestore.runTransaction(fn, { maxAttempts: this.maxAttempts }));
  }

  private async firestoreCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toAppError(err, what);
    }
  }
}
