import { z } from "zod";
import type { ChargeCategory, CostRecord } from "../../cost-record.js";
import { compareDecimals, isDecimal, toDecimal } from "../../money.js";
import { deriveServiceCategory } from "../../normalize/service-category.js";
import { buildRecords, type RecordDraft } from "../record-builder.js";
import { type MapContext, MapContextSchema } from "../map-context.js";
import { IsoDate } from "#kernel/days.js";

/**
 * Cost Explorer GetCostAndUsage response (ce-2017-10-25 model, shapes ResultByTime, Group,
 * MetricValue) -> CostRecords. The SDK returns the same field names as the wire JSON, so one
 * mapper serves both the collector and the `import --format aws-ce` command.
 */

const decimalText = z.string().refine(isDecimal, "expected a decimal amount");
const MetricValue = z.object({ Amount: decimalText.optional(), Unit: z.string().optional() });
const Metrics = z.record(z.string(), MetricValue);
const Group = z.object({ Keys: z.array(z.string()).optional(), Metrics: Metrics.optional() });

const ResultByTime = z.object({
  TimePeriod: z.object({ Start: IsoDate, End: IsoDate }),
  Total: Metrics.optional(),
  Groups: z.array(Group).optional(),
  Estimated: z.boolean().optional(),
});

const GroupDefinition = z.object({ Type: z.string().optional(), Key: z.string().optional() });

/** Model shapes whose type is the same on the wire as after validation (cost-explorer-types.ts reuses them). */
export type MetricValue = z.infer<typeof MetricValue>;
export type Group = z.infer<typeof Group>;
export type GroupDefinition = z.infer<typeof GroupDefinition>;

export const CostAndUsageResponseSchema = z.object({
  NextPageToken: z.string().optional(),
  GroupDefinitions: z.array(GroupDefinition).optional(),
  ResultsByTime: z.array(ResultByTime),
  DimensionValueAttributes: z.array(z.unknown()).optional(),
});
export type CostAndUsageResponse = z.infer<typeof CostAndUsageResponseSchema>;

/** The group-bys the collector sends; used when a recorded response omits GroupDefinitions. */
export const DEFAULT_GROUP_BY = [
  { Type: "DIMENSION", Key: "SERVICE" },
  { Type: "DIMENSION", Key: "LINKED_ACCOUNT" },
] as const;

export interface AwsMapOptions {
  /** Management (payer) account: billing_account_id, and sub_account_id when no LINKED_ACCOUNT group. */
  payerAccountId?: string;
  /** Forces the category, e.g. "Credit" for the collector's credits-only query. */
  chargeCategory?: ChargeCategory;
}

/** Cost Explorer RECORD_TYPE values -> FOCUS ChargeCategory. */
function categoryOfRecordType(recordType: string): ChargeCategory {
  switch (recordType) {
    case "Usage":
      return "Usage";
    case "Credit":
    case "Refund":
      return "Credit";
    case "Tax":
      return "Tax";
    default:
      // RIFee, SavingsPlanRecurringFee, SavingsPlanUpfrontFee, Upfront, Support...
      return "Purchase";
  }
}

function amountOf(metrics: Record<string, z.infer<typeof MetricValue>>, name: string): z.infer<typeof MetricValue> | undefined {
  const m = metrics[name];
  return m?.Amount === undefined ? undefined : m;
}

function groupDraft(
  period: { Start: string; End: string },
  keys: string[],
  metrics: Record<string, z.infer<typeof MetricValue>>,
  defs: readonly z.infer<typeof GroupDefinition>[],
  opts: AwsMapOptions,
): RecordDraft | null {
  const billed = amountOf(metrics, "UnblendedCost") ?? amountOf(metrics, "BlendedCost");
  if (!billed?.Amount) throw new RangeError(`group ${JSON.stringify(keys)} on ${period.Start} has no UnblendedCost`);
  const effective = amountOf(metrics, "NetAmortizedCost") ?? amountOf(metrics, "AmortizedCost") ?? billed;
  const billedCost = toDecimal(billed.Amount);
  const effectiveCost = toDecimal(effective.Amount ?? billed.Amount);
  // An all-zero group carries no cost; dropping it keeps replaceWindow from storing empty rows.
  if (compareDecimals(billedCost, "0") === 0 && compareDecimals(effectiveCost, "0") === 0) return null;

  let service = "";
  let linked = "";
  let region = "";
  let recordType: string | undefined;
  const tags: Record<string, string> = {};
  defs.forEach((def, i) => {
    const key = keys[i] ?? "";
    if (def.Type === "TAG") {
      // Tag group keys arrive as "Key$Value"; "Key$" means the tag is absent on those costs.
      const value = key.slice(key.indexOf("$") + 1);
      if (value !== "" && def.Key) tags[def.Key] = value;
    } else if (def.Key === "SERVICE") service = key;
    else if (def.Key === "LINKED_ACCOUNT") linked = key;
    else if (def.Key === "REGION") region = key;
    else if (def.Key === "RECORD_TYPE") recordType = key;
    else if (def.Key) tags[`aws:${def.Key.toLowerCase()}`] = key;
  });

  const category: ChargeCategory =
    opts.chargeCategory ??
    (recordType !== undefined ? categoryOfRecordType(recordType) : service === "Tax" ? "Tax" : "Usage");
  const quantity = amountOf(metrics, "UsageQuantity");
  const hasUnit = quantity?.Unit !== undefined && quantity.Unit !== "N/A";
  return {
    provider: "aws",
    billing_account_id: opts.payerAccountId ?? "",
    sub_account_id: linked || opts.payerAccountId || "",
    service_name: service,
    service_category: deriveServiceCategory("aws", service),
    region_id: region === "NoRegion" ? "" : region,
    resource_id: "",
    charge_category: category,
    charge_period_start: period.Start,
    charge_period_end: period.End,
    billed_cost: billedCost,
    effective_cost: effectiveCost,
    // Cost Explorer has no list price; billed is the closest public figure.
    list_cost: billedCost,
    billing_currency: billed.Unit ?? "USD",
    pricing_quantity: hasUnit && quantity?.Amount ? toDecimal(quantity.Amount) : null,
    pricing_unit: hasUnit ? (quantity?.Unit ?? "") : "",
    tags,
  };
}

/** Drafts from an already validated response (the collector calls this per page). */
export function draftsFromCostAndUsage(res: CostAndUsageResponse, opts: AwsMapOptions = {}): RecordDraft[] {
  const defs = res.GroupDefinitions && res.GroupDefinitions.length > 0 ? res.GroupDefinitions : DEFAULT_GROUP_BY;
  const drafts: RecordDraft[] = [];
  for (const r of res.ResultsByTime) {
    const groups = r.Groups ?? [];
    if (groups.length === 0 && r.Total && Object.keys(r.Total).length > 0) {
      const d = groupDraft(r.TimePeriod, [], r.Total, [], opts);
      if (d) drafts.push(d);
    }
    for (const g of groups) {
      const d = groupDraft(r.TimePeriod, g.Keys ?? [], g.Metrics ?? {}, defs, opts);
      if (d) drafts.push(d);
    }
  }
  return drafts;
}

/** Days Cost Explorer still marks `Estimated` (its figures for those days will change). */
export function estimatedDays(res: CostAndUsageResponse): string[] {
  return res.ResultsByTime.filter((r) => r.Estimated === true).map((r) => r.TimePeriod.Start);
}

/**
 * Pure mapper for a GetCostAndUsage response (parsed JSON or SDK output). Throws a RangeError
 * naming the first invalid field when the body is not a Cost Explorer response.
 */
export function mapAwsCostAndUsage(responseJson: unknown, ctx: MapContext, opts: AwsMapOptions = {}): CostRecord[] {
  const context = MapContextSchema.parse(ctx);
  const parsed = CostAndUsageResponseSchema.safeParse(responseJson);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`not a GetCostAndUsage response: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim());
  }
  return buildRecords(draftsFromCostAndUsage(parsed.data, opts), context, "aws-cost-explorer");
}
