import type { ChargeCategory } from "../../../cost-record.js";
import { add, sub } from "../../../money.js";
import { deriveServiceCategory } from "../../../normalize/service-category.js";
import type { HeaderMap } from "../columns.js";
import type { CostLine } from "../cost-line.js";
import { checkCurrency } from "../focus-row.js";
import { RowChecker } from "../row-checker.js";
import type { FocusImportResult, ImportOptions, RowOutcome, RowSource, SourceRow } from "../types.js";
import { convertNativeRows, type NativeFormat } from "./convert-native.js";

/**
 * AWS Cost and Usage Report (CUR 1 `lineItem/...` headers; CUR 2.0 snake_case accepted too) to
 * CostLines, following finopsfoundation/focus_converters@c799bf9 conversion_rules_export/csv/aws-cur.csv.
 */
const COLUMNS = {
  start: ["lineItem/UsageStartDate", "line_item_usage_start_date"],
  type: ["lineItem/LineItemType", "line_item_line_item_type"],
  unblended: ["lineItem/UnblendedCost", "line_item_unblended_cost"],
  netUnblended: ["lineItem/NetUnblendedCost", "line_item_net_unblended_cost"],
  currency: ["lineItem/CurrencyCode", "line_item_currency_code"],
  payer: ["bill/PayerAccountId", "bill_payer_account_id"],
  account: ["lineItem/UsageAccountId", "line_item_usage_account_id"],
  productCode: ["lineItem/ProductCode", "line_item_product_code"],
  productName: ["product/ProductName", "product_product_name"],
  region: ["product/region", "product/regionCode", "product_region_code"],
  resource: ["lineItem/ResourceId", "line_item_resource_id"],
  usageAmount: ["lineItem/UsageAmount", "line_item_usage_amount"],
  reservedUnits: ["reservation/TotalReservedUnits", "reservation_total_reserved_units"],
  unit: ["pricing/unit", "pricing_unit"],
  usageType: ["lineItem/UsageType", "line_item_usage_type"],
  description: ["lineItem/LineItemDescription", "line_item_line_item_description"],
  publicCost: ["pricing/publicOnDemandCost", "pricing_public_on_demand_cost"],
  spEffective: ["savingsPlan/SavingsPlanEffectiveCost", "savings_plan_savings_plan_effective_cost"],
  spCommitted: ["savingsPlan/TotalCommitmentToDate", "savings_plan_total_commitment_to_date"],
  spUsed: ["savingsPlan/UsedCommitment", "savings_plan_used_commitment"],
  riEffective: ["reservation/EffectiveCost", "reservation_effective_cost"],
  riUnusedUpfront: ["reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation_unused_amortized_upfront_fee_for_billing_period"],
  riUnusedRecurring: ["reservation/UnusedRecurringFee", "reservation_unused_recurring_fee"],
  riArn: ["reservation/ReservationARN", "reservation_reservation_a_r_n"],
} as const;
type Col = keyof typeof COLUMNS;

/**
 * lineItem/LineItemType -> FOCUS ChargeCategory, as the converter's rule, except that `Credit`
 * keeps FOCUS 1.0's Credit category (the converter predates it and says Adjustment).
 */
const CATEGORY: Record<string, ChargeCategory> = {
  Tax: "Tax",
  Fee: "Purchase",
  SavingsPlanUpfrontFee: "Purchase",
  RIFee: "Purchase",
  SavingsPlanRecurringFee: "Purchase",
  Usage: "Usage",
  SavingsPlanCoveredUsage: "Usage",
  SavingsPlanNegation: "Usage",
  DiscountedUsage: "Usage",
  BundledDiscount: "Usage",
  Discount: "Usage",
  PrivateRateDiscount: "Usage",
  EdpDiscount: "Usage",
  Credit: "Credit",
  Refund: "Adjustment",
};

/** EffectiveCost by line item type (the converter's SQL_QUERY rule); null means "UnblendedCost". */
function effectiveCost(check: RowChecker<Col>, type: string): string | null {
  const amount = (col: Col) => check.decimal(col) ?? "0";
  switch (type) {
    case "SavingsPlanCoveredUsage":
      return amount("spEffective");
    case "SavingsPlanRecurringFee":
      return sub(amount("spCommitted"), amount("spUsed"));
    case "SavingsPlanNegation":
    case "SavingsPlanUpfrontFee":
      return "0";
    case "DiscountedUsage":
      return amount("riEffective");
    case "RIFee":
      return add(amount("riUnusedUpfront"), amount("riUnusedRecurring"));
    case "Fee":
      return check.text("riArn") === null ? null : "0";
    default:
      return null;
  }
}

function mapCurRow(header: HeaderMap<Col>, row: SourceRow): RowOutcome<CostLine> {
  const check = new RowChecker(header, row);
  if (!check.checkWidth()) return { ok: false, issues: check.issues };
  const day = check.day("start");
  const typeText = check.required("type");
  const category = typeText === null ? undefined : CATEGORY[typeText];
  if (typeText !== null && category === undefined) check.fail("type", `unknown line item type ${JSON.stringify(typeText)}`);
  const unblended = check.decimal("unblended", true);
  // BilledCost: NetUnblendedCost when present, else UnblendedCost (converter rule).
  const billed = check.decimal("netUnblended") ?? unblended;
  const effective = typeText === null ? null : effectiveCost(check, typeText);
  const currency = checkCurrency(check, "currency");
  const quantity = check.decimal("reservedUnits") ?? check.decimal("usageAmount");
  const list = check.decimal("publicCost");
  if (!check.ok || day === null || category === undefined || billed === null || unblended === null) {
    return { ok: false, issues: check.issues };
  }
  const code = check.text("productCode") ?? "";
  return {
    ok: true,
    warnings: check.warnings,
    value: {
      identity: {
        provider: "aws",
        billing_account_id: check.text("payer") ?? "",
        sub_account_id: check.text("account") ?? "",
        service_name: check.text("productName") ?? code,
        service_category: deriveServiceCategory("aws", code),
        region_id: check.text("region") ?? "",
        resource_id: check.text("resource") ?? "",
        charge_category: category,
        charge_period_start: day,
      },
      billed_cost: billed,
      effective_cost: effective ?? unblended,
      list_cost: list ?? billed,
      billing_currency: currency,
      pricing_quantity: quantity,
      pricing_unit: check.text("unit") ?? "",
      tags: resourceTags(header, row),
      // Key-only: the usage type plays the SKU's part (one price), the description the charge's.
      ...keyPart("sku_id", check.text("usageType")),
      ...keyPart("charge_description", check.text("description")),
    },
  };
}

function keyPart(name: "sku_id" | "charge_description", value: string | null): Record<string, string> {
  return value === null ? {} : { [name]: value };
}

/** CUR 1 user tags are columns named `resourceTags/user:<key>`; empty cells are untagged. */
function resourceTags(header: HeaderMap<Col>, row: SourceRow): Record<string, string> {
  const tags: Record<string, string> = {};
  header.names.forEach((name, i) => {
    const value = row.cells[i]?.trim();
    if (name.startsWith("resourceTags/") && value) tags[name.slice("resourceTags/".length)] = value;
  });
  return tags;
}

export const AWS_CUR_FORMAT: NativeFormat<Col> = {
  columns: COLUMNS,
  required: ["start", "type", "unblended", "currency"],
  mapRow: mapCurRow,
};

/** Converts the rows of an AWS CUR export into daily CostRecords. */
export function convertAwsCur(input: RowSource, opts: ImportOptions): Promise<FocusImportResult> {
  return convertNativeRows(input, opts, AWS_CUR_FORMAT, "aws-cur");
}
