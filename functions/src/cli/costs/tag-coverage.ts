import Big from "big.js";
import { stringify } from "csv-stringify/sync";
import { InvalidArgumentError } from "commander";
import { MAX_GROUP_BY_TAGS } from "#domain/billing/ports.js";
import type { CostWarehouse } from "#domain/billing/ports.js";
import type { DayWindow } from "#kernel/days.js";
import { formatAmount, formatPercent } from "../format.js";

/**
 * Tag coverage (FinOps allocation coverage): for each tag key, the share of usage spend whose
 * records carry the key. Spend is the effective (amortized) cost of Usage charges: credits, taxes
 * and adjustments carry no tags and would otherwise push a share over 100%. Per currency, never
 * across currencies; sums with big.js.
 */

export interface TagCoverageLine {
  tagKey: string;
  currency: string;
  /** Effective cost of Usage records, all of them / those carrying the key / the rest. */
  spend: string;
  tagged: string;
  untagged: string;
  /** tagged ÷ spend in percent, one decimal, half-even; null when spend is zero. */
  coveragePct: string | null;
}

export interface TagCoverageReport {
  tenant: string;
  from: string;
  to: string;
  basis: "effective cost of Usage charges";
  coverage: TagCoverageLine[];
}

/** One ledger query for every key (grouped by each key's value), then the shares per key and currency. */
export async function buildTagCoverage(warehouse: CostWarehouse, q: { tenant: string; window: DayWindow; tagKeys: string[] }): Promise<TagCoverageReport> {
  const rows = await warehouse.queryDaily(q.tenant, {
    window: q.window,
    groupBy: ["billing_currency"],
    filter: { charge_category: ["Usage"] },
    groupByTags: q.tagKeys,
  });
  const acc = new Map<string, { spend: Big; tagged: Big }>();
  for (const r of rows) {
    const currency = r.dims.billing_currency ?? "";
    for (const key of q.tagKeys) {
      const id = JSON.stringify([key, currency]);
      const a = acc.get(id) ?? { spend: new Big(0), tagged: new Big(0) };
      a.spend = a.spend.plus(r.effective_cost);
      if (r.tags && Object.hasOwn(r.tags, key)) a.tagged = a.tagged.plus(r.effective_cost);
      acc.set(id, a);
    }
  }
  const coverage = [...acc].map(([id, a]) => {
    const [tagKey = "", currency = ""] = JSON.parse(id) as [string, string];
    return {
      tagKey,
      currency,
      spend: a.spend.toFixed(),
      tagged: a.tagged.toFixed(),
      untagged: a.spend.minus(a.tagged).toFixed(),
      coveragePct: a.spend.eq(0) ? null : a.tagged.times(100).div(a.spend).round(1, Big.roundHalfEven).toFixed(1),
    };
  });
  coverage.sort((a, b) => q.tagKeys.indexOf(a.tagKey) - q.tagKeys.indexOf(b.tagKey) || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  return { tenant: q.tenant, from: q.window.start, to: q.window.end, basis: "effective cost of Usage charges", coverage };
}

/** Same characters the warehouse accepts in a tag key (they travel inside a JSON path). */
const TAG_KEY = /^[A-Za-z0-9_.:/@ -]{1,128}$/;

/** Parses `--tag-coverage team,env` (repeatable) into the list of keys. */
export function parseTagKeys(value: string, previous: string[] = []): string[] {
  const out = [...previous];
  for (const key of value.split(",").map((s) => s.trim())) {
    if (!TAG_KEY.test(key)) throw new InvalidArgumentError(`tag key ${JSON.stringify(key)}: 1 to 128 letters, digits or _.:/@- and spaces`);
    if (out.includes(key)) throw new InvalidArgumentError(`tag key ${key} is listed twice`);
    out.push(key);
  }
  if (out.length > MAX_GROUP_BY_TAGS) throw new InvalidArgumentError(`at most ${MAX_GROUP_BY_TAGS} tag keys`);
  return out;
}

export const coverageCsv = (r: TagCoverageReport): string =>
  stringify([["tag_key", "currency", "usage_spend", "tagged", "untagged", "coverage_pct"], ...r.coverage.map((c) => [c.tagKey, c.currency, c.spend, c.tagged, c.untagged, c.coveragePct ?? ""])]);

export const coverageJson = (r: TagCoverageReport): string => `${JSON.stringify(r, null, 2)}\n`;

/** Aligned columns for a terminal. */
export function coverageTable(r: TagCoverageReport): string {
  const header = ["tag key", "currency", "usage spend", "tagged", "untagged", "coverage"];
  const body = r.coverage.map((c) => [c.tagKey, c.currency, formatAmount(c.spend), formatAmount(c.tagged), formatAmount(c.untagged), c.coveragePct === null ? "—" : formatPercent(Number(c.coveragePct) / 100)]);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((l) => [...(l[i] ?? "")].length)));
  const render = (l: string[]) => l.map((cell, i) => (i >= 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return `${[render(header), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(render)].join("\n")}\n`;
}
