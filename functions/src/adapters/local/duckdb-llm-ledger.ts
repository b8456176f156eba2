import { availableParallelism } from "node:os";
import { DuckDBDataChunk, HUGEINT, INTEGER, LIST, listValue, VARCHAR } from "@duckdb/node-api";
import type { BudgetIncrement, BudgetKey, BudgetTotal, LlmScopeFilter, DailyRollup, IngestResult, LlmLedger, PricedLlmEvent, ReconcileCause, ReconciliationRow, UsageDimension, UsageQuery, UsageRow, UsageTotals } from "#domain/llm-usage/ledger-port.js";
import { picoToDecimal } from "#domain/llm-usage/rates.js";
import type { LlmTags } from "#domain/llm-usage/event.js";
import type { DayWindow } from "#kernel/days.js";
import { type DuckDbHandle, type DuckDbLocation, openDuckDb } from "./duckdb-open.js";
import { DuckDbStore } from "./duckdb-store.js";
import { validateTenantId, validateWindow } from "../warehouse/warehouse-input.js";

/** Event columns in stage and table order, with their DuckDB types. */
const COLUMNS = [
  ["tenant_id", VARCHAR, "VARCHAR NOT NULL"],
  ["event_id", VARCHAR, "VARCHAR NOT NULL"],
  ["day", VARCHAR, "DATE NOT NULL"],
  ["requested_at", VARCHAR, "VARCHAR NOT NULL"],
  ["provider", VARCHAR, "VARCHAR NOT NULL"],
  ["model", VARCHAR, "VARCHAR NOT NULL"],
  ["service_tier", VARCHAR, "VARCHAR NOT NULL"],
  ["input_tokens", INTEGER, "INTEGER NOT NULL"],
  ["output_tokens", INTEGER, "INTEGER NOT NULL"],
  ["cache_read_tokens", INTEGER, "INTEGER NOT NULL"],
  ["cache_write_tokens", INTEGER, "INTEGER NOT NULL"],
  ["reasoning_tokens", INTEGER, "INTEGER NOT NULL"],
  ["audio_input_tokens", INTEGER, "INTEGER NOT NULL"],
  ["audio_output_tokens", INTEGER, "INTEGER NOT NULL"],
  // Money as whole pico-dollars: sums stay exact integers.
  ["cost_pico", HUGEINT, "HUGEINT NOT NULL"],
  ["client_cost_pico", HUGEINT, "HUGEINT"],
  ["price_source", VARCHAR, "VARCHAR NOT NULL"],
  ["price_version", VARCHAR, "VARCHAR NOT NULL"],
  ["price_ref", VARCHAR, "VARCHAR NOT NULL"],
  ["flag", VARCHAR, "VARCHAR"],
  ["app", VARCHAR, "VARCHAR"],
  ["team", VARCHAR, "VARCHAR"],
  ["user_id", VARCHAR, "VARCHAR"],
  ["api_key", VARCHAR, "VARCHAR"],
  ["ingested_at", VARCHAR, "VARCHAR NOT NULL"],
] as const;
const NAMES = COLUMNS.map(([n]) => n);
/** What is staged per row: the day and the ingest time are derived in SQL, two strings fewer per row. */
const STAGED = COLUMNS.filter(([n]) => n !== "day" && n !== "ingested_at");
/** How each table column is filled from the stage. */
const FROM_STAGE = NAMES.map((n) => (n === "day" ? "CAST(substr(requested_at, 1, 10) AS DATE)" : n === "ingested_at" ? "$1" : n));

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS llm_events (${COLUMNS.map(([n, , t]) => `${n} ${t}`).join(", ")}, PRIMARY KEY (tenant_id, event_id))`,
  "CREATE TABLE IF NOT EXISTS llm_budget_totals (tenant_id VARCHAR NOT NULL, budget_id VARCHAR NOT NULL, period_key VARCHAR NOT NULL, pico HUGEINT NOT NULL, PRIMARY KEY (tenant_id, budget_id, period_key))",
];

/** The column behind each usage dimension. */
const DIM_COLUMN: Record<UsageDimension, string> = {
  day: "CAST(day AS VARCHAR)",
  provider: "provider",
  model: "model",
  serviceTier: "service_tier",
  app: "app",
  team: "team",
  user: "user_id",
  key: "api_key",
};

const SUMS = `COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),
  SUM(reasoning_tokens), SUM(audio_input_tokens), SUM(audio_output_tokens), CAST(SUM(cost_pico) AS VARCHAR)`;
const SUM_COUNT = 9;

function totalsOf(cells: unknown[]): UsageTotals {
  const n = (v: unknown) => Number(v ?? 0);
  return {
    events: n(cells[0]),
    inputTokens: n(cells[1]),
    outputTokens: n(cells[2]),
    cacheReadTokens: n(cells[3]),
    cacheWriteTokens: n(cells[4]),
    reasoningTokens: n(cells[5]),
    audioInputTokens: n(cells[6]),
    audioOutputTokens: n(cells[7]),
    costUsd: picoToDecimal(BigInt(String(cells[8] ?? "0"))),
  };
}

const CHUNK_ROWS = 2048;
/** Rows one group commit takes at most; the calls past it wait for the next transaction. */
const MAX_GROUP_ROWS = 8_000;

interface PendingIngest {
  tenantId: string;
  events: readonly PricedLlmEvent[];
  increments: (inserted: readonly PricedLlmEvent[]) => BudgetIncrement[];
  resolve: (r: IngestResult) => void;
  reject: (err: unknown) => void;
}

/**
 * The LLM event ledger on a DuckDB file (default .data/llm-usage.duckdb), the local runtime's
 * stand-in for BigQuery's `llm_usage.events`. One transaction writes one ingest, or several that
 * arrived together (group commit): stage the batch with the appender, insert what the table
 * lacks (its primary key is tenant and event id, see insertNew), and add to the budget running
 * totals in the same transaction. Operations on the file run one at a time (SerialQueue).
 */
export class DuckDbLlmLedger extends DuckDbStore implements LlmLedger {
  private readonly pending: PendingIngest[] = [];
  private scheduled = false;
  /**
   * The committed running totals this instance has read or written, by tenant, budget and period.
   * DuckDB lets one process at a time open the file, and every write of a total goes through this
   * object and lands here only after its transaction commits, so a hit is exactly the stored
   * value: the budget check a gateway makes before each request reads no table.
   */
  private readonly totalsCache = new Map<string, bigint>();

  private constructor(
    db: DuckDbHandle,
    private readonly now: () => Date,
  ) {
    super(db, "DuckDbLlmLedger");
  }

  static async open(loc: DuckDbLocation = {}, now: () => Date = () => new Date()): Promise<DuckDbLlmLedger> {
    const db = await openDuckDb(loc, "llm-usage.duckdb");
    for (const sql of SCHEMA) await db.connection.run(sql);
    // DuckDB checkpoints after each 16 MB of log by default, rewriting the event id index each
    // time; at gateway volume that was a third of the ingest time. The log is still durable on
    // every commit; it is folded into the file less often.
    await db.connection.run("SET checkpoint_threshold = '256MB'");
    // DuckDB sizes its thread pool by the machine's cores, ignoring the CPU affinity the process
    // runs under (`taskset`, a container's cpuset); more threads than usable cores only contend.
    // Node's count honours the affinity mask.
    await db.connection.run(`SET threads = ${Math.max(1, availableParallelism())}`);
    await db.connection.run(`CREATE TEMP TABLE IF NOT EXISTS llm_stage (${STAGED.map(([n, , t]) => `${n} ${t.replace(" NOT NULL", "")}`).join(", ")})`);
    return new DuckDbLlmLedger(db, now);
  }

  ingest(tenantId: string, events: readonly PricedLlmEvent[], increments: (inserted: readonly PricedLlmEvent[]) => BudgetIncrement[]): Promise<IngestResult> {
    validateTenantId(tenantId);
    return new Promise<IngestResult>((resolve, reject) => {
      this.pending.push({ tenantId, events, increments, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Group commit: calls that arrive while a transaction runs are written together in the next
   * one, so concurrent requests share the fixed cost of a commit. A group that fails is retried
   * call by call, so one failing call never fails another.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.exec(async () => {
      this.scheduled = false;
      const group: PendingIngest[] = [];
      let rows = 0;
      while (this.pending.length && rows < MAX_GROUP_ROWS) {
        const next = this.pending.shift() as PendingIngest;
        group.push(next);
        rows += next.events.length;
      }
      if (this.pending.length) this.schedule();
      if (!group.length) return;
      try {
        await this.writeGroup(group);
      } catch (err) {
        if (group.length === 1) group[0]?.reject(err);
        else for (const one of group) await this.writeGroup([one]).catch(one.reject);
      }
    }).catch((err: unknown) => {
      // The ledger closed under queued calls: none of them can be written now.
      this.scheduled = false;
      for (const p of this.pending.splice(0)) p.reject(err);
    });
  }

  private async writeGroup(group: readonly PendingIngest[]): Promise<void> {
    const c = this.db.connection;
    // Within a group the first of a repeated id wins, as a later retry of it would be skipped.
    const claimed = new Set<string>();
    const staged: PendingIngest[] = [];
    const repeats: string[][] = [];
    for (const p of group) {
      const mine: PricedLlmEvent[] = [];
      const again: string[] = [];
      for (const e of p.events) {
        const k = `${p.tenantId}\u0000${e.eventId}`;
        if (claimed.has(k)) again.push(e.eventId);
        else {
          claimed.add(k);
          mine.push(e);
        }
      }
      staged.push({ ...p, events: mine });
      repeats.push(again);
    }
    const inserted = await this.insertNew(staged);
    try {
      const increments: { tenantId: string; inc: BudgetIncrement }[] = [];
      const results = staged.map((p, i) => {
        // null: the plain insert took every staged event.
        const isNew = (e: PricedLlmEvent) => inserted === null || inserted.has(`${p.tenantId}\u0000${e.eventId}`);
        const kept = p.events.filter(isNew);
        const duplicates = [...(repeats[i] ?? []), ...p.events.filter((e) => !isNew(e)).map((e) => e.eventId)];
        const mine = p.increments(kept);
        for (const inc of mine) increments.push({ tenantId: p.tenantId, inc });
        return { inserted: kept, duplicates, keys: new Set(mine.map((inc) => `${inc.budgetId}\u0000${inc.periodKey}`)) };
      });
      const totals = await this.addToTotals(increments);
      await c.run("DELETE FROM llm_stage");
      await c.run("COMMIT");
      this.remember(totals);
      group.forEach((p, i) => {
        const r = results[i] as (typeof results)[number];
        const mineTotals = totals.filter((t) => t.tenantId === p.tenantId && r.keys.has(`${t.budgetId}\u0000${t.periodKey}`)).map(({ tenantId: _t, ...rest }) => rest);
        p.resolve({ inserted: r.inserted, duplicates: r.duplicates, totals: mineTotals });
      });
    } catch (err) {
      await c.run("ROLLBACK");
      await c.run("DELETE FROM llm_stage");
      throw err;
    }
  }

  /**
   * Opens the transaction and inserts the staged events whose ids are new; returns their keys.
   * A plain INSERT is tried first: with no duplicate in the group (the usual case) it is two to
   * three times cheaper than ON CONFLICT's per-row check. A duplicate key fails it; the
   * transaction then starts over with `ON CONFLICT DO NOTHING RETURNING`, which skips the ids the
   * table already holds.
   */
  private async insertNew(staged: readonly PendingIngest[]): Promise<Set<string> | null> {
    const c = this.db.connection;
    const select = `INSERT INTO llm_events SELECT ${FROM_STAGE.join(", ")} FROM llm_stage`;
    const ingestedAt = [this.now().toISOString()];
    await c.run("BEGIN TRANSACTION");
    try {
      await this.stage(staged);
      await c.run(select, ingestedAt);
      return null;
    } catch (err) {
      await c.run("ROLLBACK");
      await c.run("DELETE FROM llm_stage");
      if (!/constraint|duplicate key/i.test(String(err))) throw err;
    }
    await c.run("BEGIN TRANSACTION");
    try {
      await this.stage(staged);
      const reader = await c.runAndReadAll(`${select} ON CONFLICT DO NOTHING RETURNING tenant_id, event_id`, ingestedAt);
      return new Set(reader.getRowsJS().map(([t, id]) => `${t}\u0000${id}`));
    } catch (err) {
      await c.run("ROLLBACK");
      await c.run("DELETE FROM llm_stage");
      throw err;
    }
  }

  private async stage(groups: readonly PendingIngest[]): Promise<void> {
    const rows: { p: PendingIngest; e: PricedLlmEvent }[] = [];
    for (const p of groups) for (const e of p.events) rows.push({ p, e });
    const appender = await this.db.connection.createAppender("llm_stage");
    try {
      const types = STAGED.map(([, t]) => t);
      for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
        const slice = rows.slice(i, i + CHUNK_ROWS);
        const chunk = DuckDBDataChunk.create(types, slice.length);
        const col = <T>(f: (e: PricedLlmEvent) => T) => slice.map((r) => f(r.e));
        const tag = (k: keyof LlmTags) => col((e) => e.tags[k] ?? null);
        chunk.setColumns([
          slice.map((r) => r.p.tenantId),
          col((e) => e.eventId),
          col((e) => e.requestedAt),
          col((e) => e.provider),
          col((e) => e.model),
          col((e) => e.serviceTier),
          col((e) => e.inputTokens),
          col((e) => e.outputTokens),
          col((e) => e.cacheReadTokens),
          col((e) => e.cacheWriteTokens),
          col((e) => e.reasoningTokens),
          col((e) => e.audioInputTokens),
          col((e) => e.audioOutputTokens),
          col((e) => e.costPico),
          col((e) => (e.clientCostUsd === null ? null : clientPico(e))),
          col((e) => e.priceSource),
          col((e) => e.priceVersion),
          col((e) => e.priceRef),
          col((e) => e.flag),
          tag("app"),
          tag("team"),
          tag("user"),
          tag("key"),
        ]);
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /**
   * Adds the increments to their running totals. A total that does not exist yet starts from the
   * sum of its period's events in scope, read after this group's events went in, so it already
   * holds them: the increment is not added on top.
   */
  private async addToTotals(increments: readonly { tenantId: string; inc: BudgetIncrement }[]): Promise<(BudgetTotal & { tenantId: string })[]> {
    const merged = new Map<string, { tenantId: string; inc: BudgetIncrement }>();
    for (const x of increments) {
      const k = `${x.tenantId}\u0000${x.inc.budgetId}\u0000${x.inc.periodKey}`;
      const cur = merged.get(k);
      merged.set(k, { tenantId: x.tenantId, inc: { ...x.inc, pico: (cur?.inc.pico ?? 0n) + x.inc.pico } });
    }
    if (!merged.size) return [];
    const out: (BudgetTotal & { tenantId: string })[] = [];
    const byTenant = new Map<string, BudgetIncrement[]>();
    for (const { tenantId, inc } of merged.values()) byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), inc]);
    for (const [tenantId, incs] of byTenant) {
      const started = await this.startMissing(tenantId, incs);
      const params: string[] = [];
      const values = incs
        .filter((inc) => !started.has(`${inc.budgetId}\u0000${inc.periodKey}`))
        .map((inc) => {
          params.push(tenantId, inc.budgetId, inc.periodKey, inc.pico.toString());
          const n = params.length;
          return `($${n - 3}, $${n - 2}, $${n - 1}, CAST($${n} AS HUGEINT))`;
        });
      if (values.length) {
        await this.db.connection.run(
          `INSERT INTO llm_budget_totals VALUES ${values.join(", ")}
           ON CONFLICT DO UPDATE SET pico = llm_budget_totals.pico + excluded.pico`,
          params,
        );
      }
      for (const t of await this.readTotals(tenantId, incs)) out.push({ tenantId, ...t });
    }
    return out;
  }

  /** Starts every running total of `keys` that does not exist from its events; returns the keys started. */
  private async startMissing(tenantId: string, keys: readonly BudgetKey[]): Promise<Set<string>> {
    const existing = new Set((await this.readTotals(tenantId, keys, false)).map((t) => `${t.budgetId}\u0000${t.periodKey}`));
    const started = new Set<string>();
    for (const k of keys) {
      const id = `${k.budgetId}\u0000${k.periodKey}`;
      if (existing.has(id) || started.has(id)) continue;
      const params: unknown[] = [tenantId, k.start, k.end];
      const conds = filterConditions(k.filter, params);
      const all = [...params, tenantId, k.budgetId, k.periodKey];
      await this.db.connection.run(
        `INSERT INTO llm_budget_totals
         SELECT $${params.length + 1}, $${params.length + 2}, $${params.length + 3}, COALESCE(SUM(cost_pico), 0) FROM llm_events
         WHERE tenant_id = $1 AND day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)${conds.map((c) => ` AND ${c}`).join("")}
         ON CONFLICT DO NOTHING`,
        all.map((p) => (Array.isArray(p) ? listValue(p as string[]) : (p as string))),
        all.map((p) => (Array.isArray(p) ? LIST(VARCHAR) : VARCHAR)),
      );
      started.add(id);
    }
    return started;
  }

  /** The stored totals of the keys; with `fill`, a missing one reads as 0. */
  private async readTotals(tenantId: string, keys: readonly { budgetId: string; periodKey: string }[], fill = true): Promise<BudgetTotal[]> {
    if (!keys.length) return [];
    const params: string[] = [tenantId];
    const pairs = keys.map((k) => {
      params.push(k.budgetId, k.periodKey);
      return `(budget_id = $${params.length - 1} AND period_key = $${params.length})`;
    });
    const reader = await this.db.connection.runAndReadAll(
      `SELECT budget_id, period_key, CAST(pico AS VARCHAR) FROM llm_budget_totals WHERE tenant_id = $1 AND (${pairs.join(" OR ")})`,
      params,
    );
    const found = new Map(reader.getRowsJS().map(([b, p, v]) => [`${b}\u0000${p}`, BigInt(String(v))]));
    if (!fill) return keys.flatMap((k) => (found.has(`${k.budgetId}\u0000${k.periodKey}`) ? [{ budgetId: k.budgetId, periodKey: k.periodKey, pico: found.get(`${k.budgetId}\u0000${k.periodKey}`) as bigint }] : []));
    return keys.map((k) => ({ budgetId: k.budgetId, periodKey: k.periodKey, pico: found.get(`${k.budgetId}\u0000${k.periodKey}`) ?? 0n }));
  }

  async usage(tenantId: string, q: UsageQuery): Promise<{ rows: UsageRow[]; totals: UsageTotals }> {
    validateTenantId(tenantId);
    const w = validateWindow(q.window);
    const params: string[] = [tenantId, w.start, w.end];
    const conds = ["tenant_id = $1", "day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)"];
    // Column names come from the fixed map only; values are parameters.
    for (const [dim, value] of Object.entries(q.filter ?? {}) as [UsageDimension, string][]) {
      params.push(value);
      conds.push(`${DIM_COLUMN[dim]} = $${params.length}`);
    }
    const where = conds.join(" AND ");
    const groups = q.groupBy.map((d) => DIM_COLUMN[d]);
    const limit = Math.max(1, Math.min(10_000, Math.trunc(q.limit)));
    return this.exec(async () => {
      const c = this.db.connection;
      const total = (await c.runAndReadAll(`SELECT ${SUMS} FROM llm_events WHERE ${where}`, params)).getRowsJS()[0] ?? [];
      let rows: UsageRow[] = [];
      if (groups.length) {
        const reader = await c.runAndReadAll(
          `SELECT ${groups.join(", ")}, ${SUMS} FROM llm_events WHERE ${where}
           GROUP BY ALL ORDER BY SUM(cost_pico) DESC, ${groups.map((g) => `${g} ASC NULLS LAST`).join(", ")} LIMIT ${limit}`,
          params,
        );
        rows = reader.getRowsJS().map((r) => ({
          keys: Object.fromEntries(q.groupBy.map((d, i) => [d, r[i] === null || r[i] === undefined ? null : String(r[i])])),
          ...totalsOf(r.slice(groups.length)),
        }));
      }
      return { rows, totals: totalsOf(total) };
    });
  }

  async dailyRollups(tenantId: string, window: DayWindow): Promise<DailyRollup[]> {
    validateTenantId(tenantId);
    const w = validateWindow(window);
    return this.exec(async () => {
      const reader = await this.db.connection.runAndReadAll(
        `SELECT CAST(day AS VARCHAR), provider, model, app, team, user_id, api_key, ${SUMS}
         FROM llm_events WHERE tenant_id = $1 AND day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE)
         GROUP BY ALL ORDER BY 1, 2, 3, 4 NULLS LAST, 5 NULLS LAST, 6 NULLS LAST, 7 NULLS LAST`,
        [tenantId, w.start, w.end],
      );
      return reader.getRowsJS().map((r) => {
        const tags: LlmTags = {};
        const keys = ["app", "team", "user", "key"] as const;
        keys.forEach((k, i) => {
          const v = r[3 + i];
          if (v !== null && v !== undefined) tags[k] = String(v);
        });
        return { day: String(r[0]), provider: String(r[1]), model: String(r[2]), tags, ...totalsOf(r.slice(7, 7 + SUM_COUNT)) };
      });
    });
  }

  async budgetTotals(tenantId: string, keys: readonly BudgetKey[]): Promise<BudgetTotal[]> {
    validateTenantId(tenantId);
    if (!keys.length) return [];
    const cached = keys.map((k) => this.totalsCache.get(cacheKey(tenantId, k)));
    if (cached.every((v) => v !== undefined)) return keys.map((k, i) => ({ budgetId: k.budgetId, periodKey: k.periodKey, pico: cached[i] as bigint }));
    return this.exec(async () => {
      let totals = await this.readTotals(tenantId, keys, false);
      // One indexed read when every total exists; otherwise the missing ones are started first.
      if (totals.length !== keys.length) {
        await this.startMissing(tenantId, keys);
        totals = await this.readTotals(tenantId, keys);
      }
      this.remember(totals.map((t) => ({ tenantId, ...t })));
      return totals;
    });
  }

  private remember(totals: readonly (BudgetTotal & { tenantId: string })[]): void {
    // Budgets × periods × tenants of one instance stay far below this; the bound only guards memory.
    if (this.totalsCache.size > 100_000) this.totalsCache.clear();
    for (const t of totals) this.totalsCache.set(cacheKey(t.tenantId, t), t.pico);
  }

  async replaceBudgetTotals(tenantId: string, totals: readonly BudgetTotal[]): Promise<void> {
    validateTenantId(tenantId);
    if (!totals.length) return;
    await this.exec(async () => {
      const c = this.db.connection;
      await c.run("BEGIN TRANSACTION");
      try {
        for (const t of totals) {
          await c.run(
            `INSERT INTO llm_budget_totals VALUES ($1, $2, $3, CAST($4 AS HUGEINT))
             ON CONFLICT DO UPDATE SET pico = excluded.pico`,
            [tenantId, t.budgetId, t.periodKey, t.pico.toString()],
          );
        }
        await c.run("COMMIT");
      } catch (err) {
        await c.run("ROLLBACK");
        throw err;
      }
      this.remember(totals.map((t) => ({ tenantId, ...t })));
    });
  }

  async reconciliation(tenantId: string, window: DayWindow): Promise<ReconciliationRow[]> {
    validateTenantId(tenantId);
    const w = validateWindow(window);
    return this.exec(async () => {
      const reader = await this.db.connection.runAndReadAll(
        `SELECT provider, model, flag, COUNT(*), CAST(SUM(cost_pico) AS VARCHAR), CAST(COALESCE(SUM(client_cost_pico), 0) AS VARCHAR)
         FROM llm_events WHERE tenant_id = $1 AND day BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE) AND flag IS NOT NULL
         GROUP BY ALL ORDER BY 1, 2, 3`,
        [tenantId, w.start, w.end],
      );
      return reader.getRowsJS().map(([p, m, f, n, cost, client]) => ({
        provider: String(p),
        model: String(m),
        cause: String(f) as ReconcileCause,
        events: Number(n),
        costUsd: picoToDecimal(BigInt(String(cost))),
        clientCostUsd: picoToDecimal(BigInt(String(client))),
      }));
    });
  }

  async providerTotal(tenantId: string, provider: string, window: DayWindow): Promise<string> {
    validateTenantId(tenantId);
    const w = validateWindow(window);
    return this.exec(async () => {
      const reader = await this.db.connection.runAndReadAll(
        "SELECT CAST(COALESCE(SUM(cost_pico), 0) AS VARCHAR) FROM llm_events WHERE tenant_id = $1 AND provider = $2 AND day BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE)",
        [tenantId, provider, w.start, w.end],
      );
      return picoToDecimal(BigInt(String(reader.getRowsJS()[0]?.[0] ?? "0")));
    });
  }
}

const cacheKey = (tenantId: string, k: { budgetId: string; periodKey: string }) => `${tenantId}\u0000${k.budgetId}\u0000${k.periodKey}`;

/** The conditions of a scope filter on llm_events, its values appended to `params`. */
function filterConditions(f: LlmScopeFilter, params: unknown[]): string[] {
  const conds: string[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    conds.push(sql(params.length));
  };
  if (f.providers) add((n) => `list_contains($${n}, provider)`, f.providers);
  if (f.excludeProviders) add((n) => `NOT list_contains($${n}, provider)`, f.excludeProviders);
  if (f.models) add((n) => `list_contains($${n}, model)`, f.models);
  const columns = { app: "app", team: "team", user: "user_id", key: "api_key" } as const;
  for (const [k, v] of Object.entries(f.tags) as [keyof typeof columns, string][]) add((n) => `${columns[k]} = $${n}`, v);
  return conds;
}

/** The caller's cost in pico-dollars, as priced events carry it in decimal text. */
function clientPico(e: PricedLlmEvent): bigint {
  const [whole = "0", frac = ""] = (e.clientCostUsd as string).split(".");
  return BigInt(whole) * 1_000_000_000_000n + BigInt(`${frac}000000000000`.slice(0, 12) || "0");
}
