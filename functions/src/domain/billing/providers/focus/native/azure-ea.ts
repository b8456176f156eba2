import type { ChargeCategory } from "../../../cost-record.js";
import { deriveServiceCategory } from "../../../normalize/service-category.js";
import { parseTags } from "../../../normalize/tags.js";
import type { HeaderMap } from "../columns.js";
import type { CostLine } from "../cost-line.js";
import { checkCurrency } from "../focus-row.js";
import { RowChecker } from "../row-checker.js";
import type { FocusImportResult, ImportOptions, RowOutcome, RowSource, SourceRow } from "../types.js";
import { convertNativeRows, type NativeFormat } from "./convert-native.js";

/**
 * Azure EA cost details export to CostLines. Two header generations are accepted: the older one
 * (focus_converters' azure sample: CostInBillingCurrency, BillingCurrencyCode) and the current one
 * (finops-toolkit EA_*_Small.csv: Cost, BillingCurrency). Rules follow
 * finopsfoundation/focus_converters@c799bf9 conversion_rules_export/csv/azure.csv, except that the
 * day is the usage `Date` (the converter puts BillingPeriodStartDate in ChargePeriodStart).
 */
const COLUMNS = {
  date: ["Date", "UsageDate"],
  cost: ["CostInBillingCurrency", "Cost"],
  currency: ["BillingCurrencyCode", "BillingCurrency"],
  chargeType: ["ChargeType"],
  billingAccount: ["BillingAccountId"],
  subscription: ["SubscriptionId"],
  meterCategory: ["MeterCategory"],
  consumedService: ["ConsumedService"],
  location: ["ResourceLocation"],
  resource: ["ResourceId"],
  quantity: ["Quantity"],
  unit: ["UnitOfMeasure"],
  tags: ["Tags"],
  meterId: ["MeterId"],
} as const;
type Col = keyof typeof COLUMNS;

/** ChargeType -> FOCUS ChargeCategory (converter rule: anything else is an Adjustment; Credit kept as Credit). */
const CATEGORY: Record<string, ChargeCategory> = {
  usage: "Usage",
  purchase: "Purchase",
  tax: "Tax",
  unusedreservation: "Usage",
  unusedsavingsplan: "Usage",
  credit: "Credit",
};

/** EA exports write Tags as JSON members without the braces: `"a": "x","b": "y"`. */
function eaTags(text: string | null) {
  if (text === null) return parseTags(null);
  const t = text.trim();
  return parseTags(t.startsWith("{") ? t : `{${t}}`);
}

function mapEaRow(header: HeaderMap<Col>, row: SourceRow): RowOutcome<CostLine> {
  const check = new RowChecker(header, row);
  if (!check.checkWidth()) return { ok: false, issues: check.issues };
  const day = check.day("date");
  const cost = check.decimal("cost", true);
  const currency = checkCurrency(check, "currency");
  const chargeType = check.text("chargeType") ?? "Usage";
  const quantity = check.decimal("quantity");
  const tags = eaTags(check.text("tags"));
  if (!tags.ok) check.warn("tags", `${tags.message}; tags dropped`);
  if (!check.ok || day === null || cost === null) return { ok: false, issues: check.issues };

  const subscription = check.text("subscription");
  const meterCategory = check.text("meterCategory") ?? "";
  const consumed = check.text("consumedService")?.toLowerCase() ?? "";
  const meterId = check.text("meterId");
  const byRp = deriveServiceCategory("azure", consumed);
  return {
    ok: true,
    warnings: check.warnings,
    value: {
      identity: {
        provider: "azure",
        billing_account_id: check.text("billingAccount") ?? "",
        // Microsoft's FOCUS exports write SubAccountId as the subscription's ARM path.
        sub_account_id: subscription === null ? "" : `/subscriptions/${subscription}`,
        service_name: meterCategory,
        service_category: byRp === "Other" ? deriveServiceCategory("azure", meterCategory) : byRp,
        // FOCUS RegionId and ResourceId from Microsoft are lower case ("eastus2"); EA mixes cases.
        region_id: check.text("location")?.toLowerCase() ?? "",
        resource_id: check.text("resource")?.toLowerCase() ?? "",
        charge_category: CATEGORY[chargeType.toLowerCase()] ?? "Adjustment",
        charge_period_start: day,
      },
      billed_cost: cost,
      // One EA file is either actual or amortized cost; both measures take the file's cost.
      effective_cost: cost,
      list_cost: cost,
      billing_currency: currency,
      pricing_quantity: quantity,
      pricing_unit: check.text("unit") ?? "",
      tags: tags.ok ? tags.tags : {},
      // Key-only: the meter is Azure's SKU of a price.
      ...(meterId === null ? {} : { sku_id: meterId }),
    },
  };
}

export const AZURE_EA_FORMAT: NativeFormat<Col> = {
  columns: COLUMNS,
  required: ["date", "cost", "currency"],
  mapRow: mapEaRow,
};

/** Converts the rows of an Azure EA cost details export into daily CostRecords. */
export function convertAzureEa(input: RowSource, opts: ImportOptions): Promise<FocusImportResult> {
  return convertNativeRows(input, opts, AZURE_EA_FORMAT, "azure-ea");
}
