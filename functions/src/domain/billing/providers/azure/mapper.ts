import { z } from "zod";
import type { ChargeCategory, CostRecord } from "../../cost-record.js";
import { compareDecimals, toDecimal } from "../../money.js";
import { deriveServiceCategory } from "../../normalize/service-category.js";
import { buildRecords, type RecordDraft } from "../record-builder.js";
import { type MapContext, MapContextSchema } from "../map-context.js";

/**
 * Cost Management Query result (api-version 2025-03-01, QueryResult) -> CostRecords.
 * The result is columnar: `properties.columns[{name,type}]` and `rows[[...]]`; UsageDate is a
 * Number yyyymmdd, the currency is a column, and money arrives as a JSON number.
 *
 * Exactness: a JSON number is a binary float by the time any JSON parser hands it over, so the
 * mapper keeps `String(value)`, the shortest text that round-trips to the same float. That equals
 * the wire text whenever the service wrote at most 17 significant digits, as in every recorded
 * example (Azure's own serializer emits the shortest round-trip form).
 */

const Column = z.object({ name: z.string(), type: z.string().optional() });
const Cell = z.union([z.string(), z.number(), z.null()]);

export const QueryResultSchema = z.object({
  nextLink: z.string().nullable().optional(),
  columns: z.array(Column),
  rows: z.array(z.array(Cell)),
});
export type QueryResultBody = z.infer<typeof QueryResultSchema>;

/** Accepts the raw REST body (`{properties:{...}}`), the SDK's flattened QueryResult, or a recorded example. */
export function unwrapQueryResult(json: unknown): unknown {
  if (typeof json !== "object" || json === null) return json;
  const o = json as Record<string, unknown>;
  const responses = o.responses as Record<string, { body?: unknown }> | undefined;
  if (responses?.["200"]?.body !== undefined) return unwrapQueryResult(responses["200"].body);
  if (o.properties !== undefined) return o.properties;
  return o;
}

const COST_COLUMNS = ["Cost", "PreTaxCost", "CostUSD", "PreTaxCostUSD"];

export interface AzureMapOptions {
  subscriptionId?: string;
  billingAccountId?: string;
  /** Resource group of a resource-group scope: becomes resource_id when rows carry no ResourceGroup. */
  resourceGroup?: string;
  /** Day used when a result has no UsageDate column (granularity None). */
  defaultDay?: string;
  /**
   * What the cost column is: "both" (default, one ActualCost query stands for billed and
   * effective), "billed" (ActualCost beside an AmortizedCost query) or "effective" (AmortizedCost).
   * The collector runs both queries; drafts of one record then sum into billed and effective.
   */
  measure?: "both" | "billed" | "effective";
}

function chargeCategoryOf(chargeType: string): ChargeCategory {
  switch (chargeType.toLowerCase()) {
    case "refund":
      return "Credit";
    case "purchase":
      return "Purchase";
    case "tax":
      return "Tax";
    default:
      return "Usage";
  }
}

/** yyyymmdd number (or its text, or an ISO date-time) -> YYYY-MM-DD. */
function usageDay(value: unknown): string {
  const text = String(value ?? "").trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(text);
  if (iso?.[1]) return iso[1];
  throw new RangeError(`UsageDate ${JSON.stringify(value)} is not yyyymmdd`);
}

function decimalOf(value: unknown, column: string): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`${column} is not a finite number`);
    return toDecimal(String(value));
  }
  if (typeof value === "string") return toDecimal(value);
  throw new RangeError(`${column} ${JSON.stringify(value)} is not an amount`);
}

/** Drafts from a validated result; throws RangeError naming the bad cell. */
export function draftsFromQueryResult(result: QueryResultBody, opts: AzureMapOptions = {}): RecordDraft[] {
  const index = new Map(result.columns.map((c, i) => [c.name.toLowerCase(), i]));
  const col = (name: string) => index.get(name.toLowerCase());
  const costName = COST_COLUMNS.find((n) => col(n) !== undefined);
  if (costName === undefined) throw new RangeError(`query result has no cost column (${COST_COLUMNS.join(", ")})`);
  const costIdx = col(costName) as number;
  const dateIdx = col("UsageDate");
  if (dateIdx === undefined && opts.defaultDay === undefined) throw new RangeError("query result has no UsageDate column");
  const currencyIdx = col("Currency");
  const text = (row: (string | number | null)[], name: string): string => {
    const i = col(name);
    return i === undefined ? "" : String(row[i] ?? "");
  };

  const measure = opts.measure ?? "both";
  const drafts: RecordDraft[] = [];
  result.rows.forEach((row, r) => {
    const where = `row ${r}`;
    const cost = decimalOf(row[costIdx], `${where} ${costName}`);
    if (compareDecimals(cost, "0") === 0) return;
    const day = dateIdx === undefined ? (opts.defaultDay as string) : usageDay(row[dateIdx]);
    const subscription = text(row, "SubscriptionId") || opts.subscriptionId || "";
    const group = text(row, "ResourceGroup") || text(row, "ResourceGroupName") || opts.resourceGroup || "";
    const resourceId =
      text(row, "ResourceId") || (group ? `/subscriptions/${subscription}/resourceGroups/${group}` : "");
    const service = text(row, "ServiceName") || text(row, "MeterCategory");
    const chargeType = text(row, "ChargeType");
    drafts.push({
      provider: "azure",
      billing_account_id: opts.billingAccountId ?? "",
      sub_account_id: subscription,
      service_name: service,
      service_category: deriveServiceCategory("azure", service),
      region_id: text(row, "ResourceLocation"),
      resource_id: resourceId,
      charge_category: chargeCategoryOf(chargeType),
      charge_period_start: day,
      billed_cost: measure === "effective" ? "0" : cost,
      effective_cost: measure === "billed" ? "0" : cost,
      list_cost: measure === "effective" ? "0" : cost,
      billing_currency: currencyIdx === undefined ? "USD" : String(row[currencyIdx] ?? "USD"),
      pricing_quantity: null,
      pricing_unit: "",
      tags: {},
    });
  });
  return drafts;
}

export function parseQueryResult(json: unknown): QueryResultBody {
  const parsed = QueryResultSchema.safeParse(unwrapQueryResult(json));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`not a Cost Management query result: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim());
  }
  return parsed.data;
}

/** Pure mapper for a Query_Usage response (REST body, SDK QueryResult or recorded example). */
export function mapAzureQueryResult(responseJson: unknown, ctx: MapContext, opts: AzureMapOptions = {}): CostRecord[] {
  const context = MapContextSchema.parse(ctx);
  return buildRecords(draftsFromQueryResult(parseQueryResult(responseJson), opts), context, "azure-cost-management");
}
