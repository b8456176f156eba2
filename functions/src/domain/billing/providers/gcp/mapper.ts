import { z } from "zod";
import type { ChargeCategory, CostRecord } from "../../cost-record.js";
import { addDecimals, compareDecimals, toDecimal } from "../../money.js";
import { canonicalServiceCategory, deriveServiceCategory } from "../../normalize/service-category.js";
import { parseUtcDay } from "../../normalize/utc-day.js";
import { buildRecords, type RecordDraft } from "../record-builder.js";
import { type MapContext, MapContextSchema } from "../map-context.js";
import { IsoDate } from "#kernel/days.js";

/**
 * GCP Cloud Billing export -> CostRecords. Two inputs share one path:
 * - the collector's daily-sum query rows (query.ts), already grouped by day, project, service,
 *   SKU, region, pricing unit, cost type and label sets (each as sorted JSON text);
 * - raw export rows (standard `gcp_billing_export_v1_*` or detailed `gcp_billing_export_resource_v1_*`,
 *   schemas in ../shared/data/gcp-billing-export-schema), which `mapGcpExportRows` first reduces to
 *   the same daily shape, for the `import --format gcp-export` command.
 * Credits (the `credits` array) become separate Credit records; they never net into usage.
 */

/**
 * A BigQuery cell as the Node client hands it over: strings, numbers, big.js for NUMERIC,
 * `{value}` wrappers for DATE/TIMESTAMP. Returns its text, or null.
 */
function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : null;
  if (typeof v === "object") {
    const o = v as { value?: unknown; toFixed?: unknown };
    if (typeof o.value === "string") return o.value;
    if (typeof o.toFixed === "function") return (o.toFixed as () => string).call(v);
  }
  throw new RangeError(`unexpected BigQuery cell ${JSON.stringify(v)}`);
}

const text = z.unknown().transform((v, ctx) => {
  try {
    return cellText(v) ?? "";
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
    return z.NEVER;
  }
});
const amount = text.transform((t, ctx) => {
  if (t === "") return "0";
  try {
    return toDecimal(t);
  } catch {
    ctx.addIssue({ code: "custom", message: `not an amount: ${JSON.stringify(t)}` });
    return z.NEVER;
  }
});

/** One row of the daily-sum query (query.ts), for the export tables and the FOCUS view alike. */
export const DailyRowSchema = z.object({
  usage_date: text.pipe(IsoDate),
  billing_account_id: text,
  project_id: text,
  service_name: text,
  region: text,
  pricing_unit: text,
  cost_type: text.optional(),
  charge_category: text.optional(),
  currency: text.pipe(z.string().length(3, "currency must be a 3-letter code")),
  cost: amount,
  effective_cost: amount.optional(),
  cost_at_list: amount.optional(),
  pricing_quantity: amount.optional(),
  credits: amount.optional(),
  sku_id: text.optional(),
  labels_json: text.optional(),
  project_labels_json: text.optional(),
  system_labels_json: text.optional(),
});
export type DailyRow = z.infer<typeof DailyRowSchema>;

/** A label array as the export stores it: `[{key, value}]` (value may be NULL). */
const LabelArray = z.array(z.object({ key: z.string(), value: z.string().nullish() }));

/** Prefixes of the label kinds that are not the resource's own labels (docs/ledger.md, "Tags"). */
export const GCP_LABEL_PREFIXES = { project: "gcp:project:", system: "gcp:system:" } as const;

function labelPairs(json: string | undefined, what: string): [string, string][] {
  if (json === undefined || json === "") return [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new RangeError(`${what} is not JSON`);
  }
  const parsed = LabelArray.safeParse(raw);
  if (!parsed.success) throw new RangeError(`${what} is not a label array`);
  return parsed.data.map((l) => [l.key, l.value ?? ""]);
}

/**
 * One tag map from the export's three label sets: the resource's labels under their own keys,
 * project labels under `gcp:project:`, system labels (goog-*, compute.googleapis.com/*) under
 * `gcp:system:`, so none of them can overwrite another.
 */
export function tagsOfLabels(labels?: string, projectLabels?: string, systemLabels?: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of labelPairs(systemLabels, "system_labels")) tags[`${GCP_LABEL_PREFIXES.system}${k}`] = v;
  for (const [k, v] of labelPairs(projectLabels, "project.labels")) tags[`${GCP_LABEL_PREFIXES.project}${k}`] = v;
  for (const [k, v] of labelPairs(labels, "labels")) tags[k] = v;
  return tags;
}

/** Export `cost_type` (regular, tax, adjustment, rounding_error) -> FOCUS ChargeCategory. */
function categoryOfCostType(costType: string): ChargeCategory {
  switch (costType.toLowerCase()) {
    case "tax":
      return "Tax";
    case "adjustment":
    case "rounding_error":
      return "Adjustment";
    default:
      return "Usage";
  }
}

function focusCategory(value: string): ChargeCategory {
  const v = value.trim().toLowerCase();
  if (v === "credit") return "Credit";
  if (v === "tax") return "Tax";
  if (v === "purchase") return "Purchase";
  if (v === "adjustment") return "Adjustment";
  return "Usage";
}

export function draftsFromDailyRows(rows: readonly DailyRow[]): RecordDraft[] {
  const drafts: RecordDraft[] = [];
  for (const r of rows) {
    const base = {
      provider: "gcp" as const,
      billing_account_id: r.billing_account_id,
      sub_account_id: r.project_id,
      service_name: r.service_name,
      service_category: canonicalServiceCategory(deriveServiceCategory("gcp", r.service_name)),
      region_id: r.region,
      resource_id: "",
      charge_period_start: r.usage_date,
      billing_currency: r.currency,
      tags: tagsOfLabels(r.labels_json, r.project_labels_json, r.system_labels_json),
      ...(r.sku_id ? { sku_id: r.sku_id } : {}),
    };
    const category = r.charge_category ? focusCategory(r.charge_category) : categoryOfCostType(r.cost_type ?? "regular");
    if (compareDecimals(r.cost, "0") !== 0 || (r.effective_cost && compareDecimals(r.effective_cost, "0") !== 0)) {
      drafts.push({
        ...base,
        charge_category: category,
        billed_cost: r.cost,
        effective_cost: r.effective_cost ?? r.cost,
        list_cost: r.cost_at_list ?? r.cost,
        pricing_quantity: r.pricing_unit ? (r.pricing_quantity ?? null) : null,
        pricing_unit: r.pricing_unit,
      });
    }
    if (r.credits && compareDecimals(r.credits, "0") !== 0) {
      drafts.push({
        ...base,
        charge_category: "Credit",
        billed_cost: r.credits,
        effective_cost: r.credits,
        list_cost: "0",
        pricing_quantity: null,
        pricing_unit: "",
      });
    }
  }
  return drafts;
}

export function parseDailyRows(rows: readonly unknown[]): DailyRow[] {
  return rows.map((row, i) => {
    const parsed = DailyRowSchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RangeError(`query row ${i}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`.trim());
    }
    return parsed.data;
  });
}

/** Collector path: daily-sum query rows -> CostRecords. */
export function mapGcpDailyRows(rows: readonly unknown[], ctx: MapContext): CostRecord[] {
  return buildRecords(draftsFromDailyRows(parseDailyRows(rows)), MapContextSchema.parse(ctx), "gcp-billing-export");
}

const RawExportRow = z.object({
  billing_account_id: z.string().nullish(),
  service: z.object({ description: z.string().nullish() }).nullish(),
  usage_start_time: text,
  location: z.object({ region: z.string().nullish(), location: z.string().nullish() }).nullish(),
  cost: z.unknown(),
  cost_at_list: z.unknown().optional(),
  currency: z.string(),
  cost_type: z.string().nullish(),
  usage: z.object({ pricing_unit: z.string().nullish(), amount_in_pricing_units: z.unknown().optional() }).nullish(),
  credits: z.array(z.object({ amount: z.unknown() })).nullish(),
  sku: z.object({ id: z.string().nullish() }).nullish(),
  labels: LabelArray.nullish(),
  project: z.object({ id: z.string().nullish(), labels: LabelArray.nullish() }).nullish(),
  system_labels: LabelArray.nullish(),
});

/** A raw row's label array as the canonical JSON text the collector's query produces. */
function labelText(labels: z.infer<typeof LabelArray> | null | undefined): string {
  const sorted = [...(labels ?? [])].sort((a, b) => (a.key === b.key ? ((a.value ?? "") < (b.value ?? "") ? -1 : 1) : a.key < b.key ? -1 : 1));
  return JSON.stringify(sorted.map((l) => ({ key: l.key, value: l.value ?? null })));
}

function rawToDaily(row: unknown, i: number): DailyRow {
  const parsed = RawExportRow.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`export row ${i}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`.trim());
  }
  const r = parsed.data;
  const day = parseUtcDay(r.usage_start_time);
  if (day === null) throw new RangeError(`export row ${i}: usage_start_time ${JSON.stringify(r.usage_start_time)} is not a timestamp`);
  const dec = (v: unknown, field: string): string => {
    const t = cellText(v);
    if (t === null || t === "") return "0";
    try {
      return toDecimal(t);
    } catch {
      throw new RangeError(`export row ${i}: ${field} ${JSON.stringify(v)} is not an amount`);
    }
  };
  return {
    usage_date: day,
    billing_account_id: r.billing_account_id ?? "",
    project_id: r.project?.id ?? "",
    service_name: r.service?.description ?? "",
    region: r.location?.region ?? r.location?.location ?? "",
    pricing_unit: r.usage?.pricing_unit ?? "",
    cost_type: r.cost_type ?? "regular",
    currency: r.currency,
    cost: dec(r.cost, "cost"),
    cost_at_list: r.cost_at_list === undefined || r.cost_at_list === null ? dec(r.cost, "cost") : dec(r.cost_at_list, "cost_at_list"),
    pricing_quantity: dec(r.usage?.amount_in_pricing_units, "usage.amount_in_pricing_units"),
    credits: addDecimals((r.credits ?? []).map((c, j) => dec(c.amount, `credits[${j}].amount`))),
    sku_id: r.sku?.id ?? "",
    labels_json: labelText(r.labels),
    project_labels_json: labelText(r.project?.labels),
    system_labels_json: labelText(r.system_labels),
  };
}

/**
 * Pure mapper for raw billing-export rows (standard or detailed table, as JSON objects): sums
 * them per day, project, service, SKU, region, cost type and label sets into CostRecords, credits
 * apart.
 */
export function mapGcpExportRows(rows: readonly unknown[], ctx: MapContext): CostRecord[] {
  const context = MapContextSchema.parse(ctx);
  return buildRecords(draftsFromDailyRows(rows.map(rawToDaily)), context, "gcp-billing-export");
}
