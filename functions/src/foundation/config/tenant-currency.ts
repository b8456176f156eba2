import type { AppConfig } from "./config-schema.js";

/**
 * A tenant's reporting currency (`currency.reporting_by_tenant`, else `currency.reporting`) with the
 * config's dated rate table: what conversions and per-currency thresholds use for that tenant.
 *
 * @example
 * tenantCurrencyOf(config.currency, "acme"); // { reporting: "EUR", rates: { base: "EUR", source: "ECB …", days: {…} } }
 */
export function tenantCurrencyOf(
  currency: AppConfig["currency"],
  tenantId: string,
): { reporting: string; rates: { base: string; source: string; days: Record<string, Record<string, string>> } } {
  return {
    reporting: currency.reporting_by_tenant[tenantId] ?? currency.reporting,
    rates: { base: currency.rates.base, source: currency.rates.source, days: currency.rates.days },
  };
}
