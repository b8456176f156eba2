import { viewForTagKeys } from "#domain/billing/ledger-view.js";
import Big from "big.js";
import { stringify } from "csv-stringify/sync";
import { InvalidArgumentError } from "commander";
import type { CostColumn, CostRow, CostWarehouse } from "#domain/billing/ports.js";
import { MAX_GROUP_BY_TAGS } from "#domain/billing/ports.js";
import type { DayWindow } from "#kernel/days.js";
import { formatAmount } from "../format.js";

/**
 * `costmon costs`: the tenant's ledger summed per period and group, one currency per row. Sums are
 * exact (big.js over the warehouse's decimal strings) and never cross currencies: the currency is
 * a grouping column of its own, and the totals are one line per currency.
 */

/** CLI dimension names → ledger columns. */
const DIMENSIONS = { provider: "provider", account: "sub_account_id", service: "service_name", region: "region_id" } as const satisfies Record<
  string,
  CostColumn
>;
type Dimension = keyof typeof DIMENSIONS;

/** Same characters the warehouse accepts in a tag key (they travel inside a JSON path). */
const TAG_KEY = /^[A-Za-z0-9_.:/@ -]{1,128}$/;

export type GroupBy = { kind: "dimension"; name: Dimension } | { kind: "tag"; key: string };

/** Parses one `--group-by` value (comma-separated lists allowed) and appends it to the earlier ones. */
export function parseGroupBy(value: string, previous: GroupBy[] = []): GroupBy[] {
  const out = [...previous];
  for (const part of value.split(",").map((s) => s.trim())) {
    let g: GroupBy;
    if (part.startsWith("tag:")) {
      const key = part.slice(4);
      if (!TAG_KEY.test(key)) throw new InvalidArgumentError(`tag key ${JSON.stringify(key)}: 1 to 128 letters, digits or _.:/@- and spaces`);
      g = { kind: "tag", key };
    } else if (part in DIMENSIONS) {
      g = { kind: "dimension", name: part as Dimension };
    } else {
      throw new InvalidArgumentError(`${JSON.stringify(part)} is not one of provider, account, service, region, tag:KEY`);
    }
    if (out.some((o) => groupName(o) === groupName(g))) throw new InvalidArgumentError(`${groupName(g)} is listed twice`);
    out.push(g);
  }
  if (out.filter((g) => g.kind === "tag").length > MAX_GROUP_BY_TAGS) throw new InvalidArgumentError(`at most ${MAX_GROUP_BY_TAGS} tag keys`);
  return out;
}

export const groupName = (g: GroupBy): string => (g.kind === "tag" ? `tag:${g.key}` : g.name);

export interface CostReportRow {
  period: string;
  /** One entry per --group-by, in order; null when a record does not carry the tag. */
  groups: (string | null)[];
  currency: string;
  billedCost: string;
  effectiveCost: string;
}

export interface CostReport {
  tenant: string;
  /** The window read; null when the ledger holds nothing for the tenant. */
  from: string | null;
  to: string | null;
  granularity: "daily" | "monthly";
  groupBy: string[];
  rows: CostReportRow[];
  /** One line per currency, never a sum across currencies. */
  totals: { currency: string; billedCost: string; effectiveCost: string }[];
}

export interface CostReportQuery {
  tenant: string;
  window: DayWindow;
  groupBy: GroupBy[];
  granularity: "daily" | "monthly";
}

/** Reads the ledger and sums it per period, group and currency. */
export async function buildCostReport(warehouse: CostWarehouse, q: CostReportQuery): Promise<CostReport> {
  const dims = q.groupBy.flatMap((g) => (g.kind === "dimension" ? [DIMENSIONS[g.name]] : []));
  const tagKeys = q.groupBy.flatMap((g) => (g.kind === "tag" ? [g.key] : []));
  const daily = await warehouse.queryDaily(q.tenant, {
    window: q.window,
    groupBy: [...dims, "billing_currency"],
    ...(tagKeys.length ? { groupByTags: tagKeys } : {}),
    // A breakdown by k8s: tags reads the Kubernetes allocation, the bill by anything else.
    view: viewForTagKeys(tagKeys),
  });
  const groupsOf = (r: CostRow): (string | null)[] =>
    q.groupBy.map((g) => (g.kind === "dimension" ? (r.dims[DIMENSIONS[g.name]] ?? null) : (r.tags?.[g.key] ?? null)));

  const buckets = new Map<string, { period: string; groups: (string | null)[]; currency: string; billed: Big; effective: Big }>();
  const totals = new Map<string, { billed: Big; effective: Big }>();
  for (const r of daily) {
    const period = q.granularity === "monthly" ? r.date.slice(0, 7) : r.date;
    const currency = r.dims.billing_currency ?? "";
    const groups = groupsOf(r);
    const key = JSON.stringify([period, groups, currency]);
    const b = buckets.get(key) ?? { period, groups, currency, billed: new Big(0), effective: new Big(0) };
    b.billed = b.billed.plus(r.billed_cost);
    b.effective = b.effective.plus(r.effective_cost);
    buckets.set(key, b);
    const t = totals.get(currency) ?? { billed: new Big(0), effective: new Big(0) };
    t.billed = t.billed.plus(r.billed_cost);
    t.effective = t.effective.plus(r.effective_cost);
    totals.set(currency, t);
  }
  const rows = [...buckets.values()]
    .map((b) => ({ period: b.period, groups: b.groups, currency: b.currency, billedCost: b.billed.toFixed(), effectiveCost: b.effective.toFixed() }))
    .sort((a, b) => compare([a.period, ...a.groups, a.currency], [b.period, ...b.groups, b.currency]));
  return {
    tenant: q.tenant,
    from: q.window.start,
    to: q.window.end,
    granularity: q.granularity,
    groupBy: q.groupBy.map(groupName),
    rows,
    totals: [...totals]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, t]) => ({ currency, billedCost: t.billed.toFixed(), effectiveCost: t.effective.toFixed() })),
  };
}

/** Code-point order, a missing tag after every value. */
function compare(a: (string | null)[], b: (string | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Flat JSON rows: `period`, one key per --group-by (`provider`, `tag:team`), `currency`, the costs. */
export function toJson(report: CostReport): string {
  const rows = report.rows.map((r) => ({
    period: r.period,
    ...Object.fromEntries(report.groupBy.map((g, i) => [g, r.groups[i] ?? null])),
    currency: r.currency,
    billedCost: r.billedCost,
    effectiveCost: r.effectiveCost,
  }));
  return `${JSON.stringify({ ...report, rows }, null, 2)}\n`;
}

/**
 * One CSV line per row, no total lines, so that the file sums cleanly; a missing tag is an empty
 * field. Amounts are the exact decimal strings.
 */
export function toCsv(report: CostReport): string {
  const header = ["period", ...report.groupBy, "currency", "billed_cost", "effective_cost"];
  return stringify([header, ...report.rows.map((r) => [r.period, ...r.groups.map((g) => g ?? ""), r.currency, r.billedCost, r.effectiveCost])]);
}

/** Aligned columns for a terminal, amounts grouped by thousands, then one total line per currency. */
export function toTable(report: CostReport): string {
  const header = ["period", ...report.groupBy, "currency", "billed cost", "effective cost"];
  const body = report.rows.map((r) => [r.period, ...r.groups.map((g) => g ?? "—"), r.currency, formatAmount(r.billedCost), formatAmount(r.effectiveCost)]);
  const totals = report.totals.map((t) => ["total", ...report.groupBy.map(() => ""), t.currency, formatAmount(t.billedCost), formatAmount(t.effectiveCost)]);
  const all = [header, ...body, ...totals];
  const widths = header.map((_, c) => Math.max(...all.map((line) => [...(line[c] ?? "")].length)));
  const amountCols = new Set([header.length - 2, header.length - 1]);
  const render = (line: string[]) =>
    line
      .map((cell, c) => (amountCols.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  return `${[render(header), rule, ...body.map(render), ...(totals.length ? [rule, ...totals.map(render)] : [])].join("\n")}\n`;
}
