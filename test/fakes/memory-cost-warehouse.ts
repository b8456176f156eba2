import { inView } from "#domain/billing/ledger-view.js";
import stringify from "safe-stable-stringify";
import { compareStrings } from "#adapters/local/document-values.js";
import {
  canonicalMoney,
  checkRecordsInScope,
  prepareRecords,
  validateCostQuery,
  validateScope,
  validateTenantId,
  validateWindow,
} from "#adapters/warehouse/warehouse-input.js";
import type { CostRecord } from "#domain/billing/cost-record.js";
import { addDecimals, compareDecimals } from "#domain/billing/money.js";
import type { CostQuery, CostRow, CostTotals, CostWarehouse, UpsertStats, WindowScope } from "#domain/billing/ports.js";
import type { DayWindow } from "#kernel/days.js";

const MONEY = ["billed_cost", "effective_cost", "list_cost"] as const;
const TEXT = [
  "provider",
  "billing_account_id",
  "sub_account_id",
  "service_name",
  "service_category",
  "region_id",
  "resource_id",
  "charge_category",
  "charge_period_start",
  "charge_period_end",
  "billing_currency",
  "pricing_unit",
  "source",
] as const;

/** Same rule as the DuckDB adapter: equal in every column but ingested_at, money by value. */
function sameRow(a: CostRecord, b: CostRecord): boolean {
  if (TEXT.some((k) => a[k] !== b[k])) return false;
  if (MONEY.some((k) => compareDecimals(a[k], b[k]) !== 0)) return false;
  if ((a.pricing_quantity === null) !== (b.pricing_quantity === null)) return false;
  if (a.pricing_quantity !== null && b.pricing_quantity !== null && compareDecimals(a.pricing_quantity, b.pricing_quantity) !== 0) {
    return false;
  }
  return stringify(a.tags) === stringify(b.tags);
}

function inWindow(r: CostRecord, w: DayWindow): boolean {
  return r.charge_period_start >= w.start && r.charge_period_start <= w.end;
}

/** In-memory CostWarehouse that passes the same conformance suite as DuckDB. */
export class MemoryCostWarehouse implements CostWarehouse {
  private readonly tenants = new Map<string, Map<string, CostRecord>>();

  async upsert(tenantId: string, records: CostRecord[]): Promise<UpsertStats> {
    return this.write(tenantId, prepareRecords(tenantId, records));
  }

  async replaceWindow(scope: WindowScope, window: DayWindow, records: CostRecord[]): Promise<UpsertStats> {
    const s = validateScope(scope);
    const w = validateWindow(window);
    const rows = prepareRecords(s.tenantId, records);
    checkRecordsInScope(s, w, rows);
    const stats = this.write(s.tenantId, rows);
    const keep = new Set(rows.map((r) => r.record_key));
    const table = this.table(s.tenantId);
    for (const [key, r] of table) {
      const owned =
        r.provider === s.provider &&
        r.source === s.source &&
        (!s.subAccountIds || s.subAccountIds.includes(r.sub_account_id)) &&
        (!s.billingAccountIds || s.billingAccountIds.includes(r.billing_account_id)) &&
        inWindow(r, w);
      if (owned && !keep.has(key)) {
        table.delete(key);
        stats.deleted++;
      }
    }
    return stats;
  }

  async queryDaily(tenantId: string, query: CostQuery): Promise<CostRow[]> {
    validateTenantId(tenantId);
    const q = validateCostQuery(query);
    const tagKeys = q.groupByTags ?? [];
    const groups = new Map<string, { row: CostRow; billed: string[]; effective: string[] }>();
    for (const r of this.table(tenantId).values()) {
      if (!inWindow(r, q.window)) continue;
      const filters = Object.entries(q.filter ?? {}) as [keyof CostRecord, string[]][];
      if (!filters.every(([col, values]) => values.includes(String(r[col])))) continue;
      if (!Object.entries(q.tags ?? {}).every(([k, v]) => r.tags[k] === v)) continue;
      if (!inView(r.tags, q.view)) continue;
      const dims: CostRow["dims"] = {};
      for (const d of q.groupBy) dims[d] = r[d];
      const tagValues = tagKeys.map((k) => (Object.hasOwn(r.tags, k) ? r.tags[k] : undefined));
      const key = JSON.stringify([r.charge_period_start, ...q.groupBy.map((d) => r[d]), ...tagValues.map((v) => v ?? null)]);
      let g = groups.get(key);
      if (!g) {
        const row: CostRow = { date: r.charge_period_start, dims, billed_cost: "0", effective_cost: "0" };
        if (q.groupByTags) row.tags = Object.fromEntries(tagKeys.flatMap((k, i) => (tagValues[i] === undefined ? [] : [[k, tagValues[i]]])));
        g = { row, billed: [], effective: [] };
        groups.set(key, g);
      }
      g.billed.push(r.billed_cost);
      g.effective.push(r.effective_cost);
    }
    const rows = [...groups.values()].map((g) => ({
      ...g.row,
      billed_cost: canonicalMoney(addDecimals(g.billed)),
      effective_cost: canonicalMoney(addDecimals(g.effective)),
    }));
    // Same order as DuckDB: date, groupBy columns, tag values with a missing tag last.
    const sortKey = (r: CostRow) => [r.date, ...q.groupBy.map((d) => r.dims[d] ?? ""), ...tagKeys.map((k) => r.tags?.[k])];
    return rows.sort((a, b) => {
      const ka = sortKey(a);
      const kb = sortKey(b);
      for (let i = 0; i < ka.length; i++) {
        const x = ka[i];
        const y = kb[i];
        if (x === y) continue;
        if (x === undefined) return 1;
        if (y === undefined) return -1;
        const c = compareStrings(x, y);
        if (c !== 0) return c;
      }
      return 0;
    });
  }

  async totals(tenantId: string, window?: DayWindow): Promise<CostTotals> {
    validateTenantId(tenantId);
    const w = window ? validateWindow(window) : null;
    const rows = [...this.table(tenantId).values()].filter((r) => !w || inWindow(r, w));
    return {
      rows: rows.length,
      billed_cost: canonicalMoney(addDecimals(rows.map((r) => r.billed_cost))),
      effective_cost: canonicalMoney(addDecimals(rows.map((r) => r.effective_cost))),
    };
  }

  async days(tenantId: string): Promise<string[]> {
    validateTenantId(tenantId);
    return [...new Set([...this.table(tenantId).values()].map((r) => r.charge_period_start))].sort();
  }

  async close(): Promise<void> {}

  private table(tenantId: string): Map<string, CostRecord> {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = new Map();
      this.tenants.set(tenantId, t);
    }
    return t;
  }

  private write(tenantId: string, rows: CostRecord[]): UpsertStats {
    const table = this.table(tenantId);
    const stats: UpsertStats = { inserted: 0, updated: 0, unchanged: 0, deleted: 0 };
    for (const r of rows) {
      const old = table.get(r.record_key);
      if (!old) stats.inserted++;
      else if (sameRow(old, r)) {
        stats.unchanged++;
        continue;
      } else stats.updated++;
      table.set(r.record_key, structuredClone(r));
    }
    return stats;
  }
}
