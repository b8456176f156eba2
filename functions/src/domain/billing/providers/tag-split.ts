import { add, compareDecimals, sub } from "../money.js";
import type { RecordDraft } from "./record-builder.js";

/**
 * Exact split of a collector's rows by tag keys, for APIs that group by at most two columns
 * (Cost Explorer, Cost Management Query) and so cannot return the service, account, region and
 * a tag value of a cost in one answer. The collector's own grouping stays as it is; for each tag
 * key it asks which values exist, then queries its usual grouping once per value with a tag
 * filter, and the cost carrying none of the values (the key is absent) is what remains after
 * subtracting the tagged answers from the unfiltered one, in exact decimals. So the split rows
 * always add up to the unsplit rows, to the last digit, and no "absent" filter is needed (Cost
 * Management has none).
 *
 * With several keys, the split nests: the rows carrying `team=ml` are split by `env` under that
 * filter, and so on. The number of queries grows with the number of values, so every call counts
 * against `maxQueries`, and a split that would exceed it fails rather than store half of a split.
 */
export interface TagSplitQueries {
  /** The collector's usual rows restricted to costs carrying every pair of `tags`. */
  drafts(tags: Readonly<Record<string, string>>): Promise<RecordDraft[]>;
  /** The values `key` takes on the costs carrying every pair of `tags` (the absent value excluded). */
  values(tags: Readonly<Record<string, string>>, key: string): Promise<string[]>;
}

export class TagSplitBudgetError extends RangeError {
  override readonly name = "TagSplitBudgetError";
}

/** Everything that identifies a draft but the tag `omit`: the cells the subtraction matches on. */
function cellOf(d: RecordDraft, omit?: string): string {
  const tags = Object.keys(d.tags)
    .filter((k) => k !== omit)
    .sort()
    .map((k) => [k, d.tags[k]]);
  return JSON.stringify([
    d.provider,
    d.billing_account_id,
    d.sub_account_id,
    d.service_name,
    d.service_category,
    d.region_id,
    d.resource_id,
    d.charge_category,
    d.charge_period_start,
    d.charge_period_end ?? "",
    d.pricing_unit,
    d.billing_currency,
    d.sku_id ?? "",
    d.charge_description ?? "",
    tags,
  ]);
}

function addInto(target: RecordDraft, d: RecordDraft): void {
  if (target.billing_currency !== d.billing_currency) throw new RangeError("tag split rows mix currencies");
  target.billed_cost = add(target.billed_cost, d.billed_cost);
  target.effective_cost = add(target.effective_cost, d.effective_cost);
  target.list_cost = add(target.list_cost, d.list_cost);
  if (d.pricing_quantity !== null) target.pricing_quantity = target.pricing_quantity === null ? d.pricing_quantity : add(target.pricing_quantity, d.pricing_quantity);
}

const isZero = (d: RecordDraft) =>
  compareDecimals(d.billed_cost, "0") === 0 && compareDecimals(d.effective_cost, "0") === 0 && compareDecimals(d.list_cost, "0") === 0;

/**
 * `whole` minus every row of `parts`, cell by cell, where a part's cell ignores the tag `key`
 * (the parts carry `key`, the whole does not). Cells left at zero are dropped.
 */
function remainder(whole: readonly RecordDraft[], parts: readonly RecordDraft[], key: string): RecordDraft[] {
  const cells = new Map<string, RecordDraft>();
  for (const d of whole) {
    const c = cellOf(d);
    const prev = cells.get(c);
    if (prev) addInto(prev, d);
    else cells.set(c, { ...d, tags: { ...d.tags } });
  }
  for (const p of parts) {
    const c = cellOf(p, key);
    const negated: RecordDraft = {
      ...p,
      tags: Object.fromEntries(Object.entries(p.tags).filter(([k]) => k !== key)),
      billed_cost: sub("0", p.billed_cost),
      effective_cost: sub("0", p.effective_cost),
      list_cost: sub("0", p.list_cost),
      pricing_quantity: p.pricing_quantity === null ? null : sub("0", p.pricing_quantity),
    };
    const prev = cells.get(c);
    if (prev) addInto(prev, negated);
    else cells.set(c, negated);
  }
  return [...cells.values()].filter((d) => !isZero(d));
}

/**
 * Splits `base` (the collector's unfiltered rows) by `keys`. Each returned draft carries the
 * pairs it was found under; a key the cost lacks is left out of its tags.
 *
 * @example
 * const drafts = await splitByTags(baseDrafts, ["team", "env"], { drafts: byFilter, values: tagValues }, 100);
 */
export async function splitByTags(
  base: readonly RecordDraft[],
  keys: readonly string[],
  queries: TagSplitQueries,
  maxQueries: number,
): Promise<RecordDraft[]> {
  let used = 0;
  const spend = () => {
    used += 1;
    if (used > maxQueries) {
      throw new TagSplitBudgetError(`splitting by tags ${keys.join(", ")} needs more than ${maxQueries} queries: tag fewer keys or raise the limit`);
    }
  };
  const tagged = (rows: readonly RecordDraft[], tags: Readonly<Record<string, string>>) => rows.map((d) => ({ ...d, tags: { ...d.tags, ...tags } }));

  async function cells(filter: Readonly<Record<string, string>>, rest: readonly string[], known?: readonly RecordDraft[]): Promise<RecordDraft[]> {
    if (rest.length === 0) {
      if (known) return tagged(known, filter);
      spend();
      return tagged(await queries.drafts(filter), filter);
    }
    const [key, ...inner] = rest as [string, ...string[]];
    const all = await cells(filter, inner, known);
    spend();
    const values = [...new Set(await queries.values(filter, key))].filter((v) => v !== "").sort();
    const parts: RecordDraft[] = [];
    for (const v of values) parts.push(...(await cells({ ...filter, [key]: v }, inner)));
    return [...parts, ...remainder(all, parts, key)];
  }

  return cells({}, [...keys], base);
}
