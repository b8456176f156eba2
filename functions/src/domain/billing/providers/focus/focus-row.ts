import { CHARGE_CATEGORIES, type ChargeCategory, normalizeProvider } from "../../cost-record.js";
import { canonicalServiceCategory, deriveServiceCategory } from "../../normalize/service-category.js";
import { parseTags } from "../../normalize/tags.js";
import type { FocusColumn, HeaderMap } from "./columns.js";
import type { CostLine } from "./cost-line.js";
import { RowChecker } from "./row-checker.js";
import type { RowOutcome, SourceRow } from "./types.js";

const CATEGORY_BY_LOWER = new Map<string, ChargeCategory>(CHARGE_CATEGORIES.map((c) => [c.toLowerCase(), c]));
const CURRENCY = /^[A-Za-z]{3}$/;

/** FOCUS ChargeCategory matched case-insensitively; an unknown value is an issue. */
export function checkChargeCategory<C extends string>(check: RowChecker<C>, col: C): ChargeCategory | undefined {
  const text = check.required(col);
  if (text === null) return undefined;
  const category = CATEGORY_BY_LOWER.get(text.toLowerCase());
  if (category === undefined) {
    check.fail(col, `${check.header.name(col)} ${JSON.stringify(text)} is not one of ${CHARGE_CATEGORIES.join(", ")}`);
  }
  return category;
}

/** A required three-letter currency code, upper-cased. */
export function checkCurrency<C extends string>(check: RowChecker<C>, col: C): string {
  const c = check.required(col);
  if (c !== null && !CURRENCY.test(c)) check.fail(col, `${check.header.name(col)} is not a currency code: ${JSON.stringify(c)}`);
  return (c ?? "").toUpperCase();
}

/**
 * Validates one FOCUS row and maps it onto a CostLine. Every problem of the row is reported
 * (the row is rejected if there is any); unreadable Tags only warn, so cost is never lost over a label.
 */
export function mapFocusRow(header: HeaderMap<FocusColumn>, row: SourceRow, defaultCurrency: string): RowOutcome<CostLine> {
  const check = new RowChecker(header, row);
  if (!check.checkWidth()) return { ok: false, issues: check.issues };

  const day = check.day("ChargePeriodStart");
  const category = checkChargeCategory(check, "ChargeCategory");
  const billed = check.decimal("BilledCost", true);
  // FOCUS makes EffectiveCost and ListCost mandatory, but the v1.2 commitment examples omit ListCost:
  // an absent amount falls back to BilledCost rather than inventing a zero.
  const effective = check.decimal("EffectiveCost");
  const list = check.decimal("ListCost");
  const quantity = check.decimal("PricingQuantity");
  const currency = header.has("BillingCurrency") ? checkCurrency(check, "BillingCurrency") : defaultCurrency;
  const tags = parseTags(check.text("Tags"));
  if (!tags.ok) check.warn("Tags", `${tags.message}; tags dropped`);

  if (!check.ok || day === null || category === undefined || billed === null) return { ok: false, issues: check.issues };

  const provider = normalizeProvider(check.text("ProviderName") ?? "");
  const serviceName = check.text("ServiceName") ?? "";
  const categoryCell = check.text("ServiceCategory");
  const sku = check.text("SkuId");
  const description = check.text("ChargeDescription");
  return {
    ok: true,
    warnings: check.warnings,
    value: {
      identity: {
        provider,
        billing_account_id: check.text("BillingAccountId") ?? "",
        sub_account_id: check.text("SubAccountId") ?? "",
        service_name: serviceName,
        service_category:
          categoryCell === null ? deriveServiceCategory(provider, serviceName) : canonicalServiceCategory(categoryCell),
        region_id: check.text("RegionId") ?? "",
        resource_id: check.text("ResourceId") ?? "",
        charge_category: category,
        charge_period_start: day,
      },
      billed_cost: billed,
      effective_cost: effective ?? billed,
      list_cost: list ?? billed,
      billing_currency: currency,
      pricing_quantity: quantity,
      pricing_unit: check.text("PricingUnit") ?? "",
      tags: tags.ok ? tags.tags : {},
      ...(sku === null ? {} : { sku_id: sku }),
      ...(description === null ? {} : { charge_description: description }),
    },
  };
}
