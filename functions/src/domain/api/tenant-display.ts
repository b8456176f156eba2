import { tenantLocaleOf } from "../alerts/tenant-locale.js";

/** How a tenant's amounts are written: its currency and its locale (BCP 47). */
export interface TenantDisplay {
  currency: string;
  locale: string;
}

/**
 * The tenant's display settings from its document: `currency` when it holds an ISO 4217 code, else
 * `reportingCurrency` (the config's reporting currency for the tenant), and `locale` as alerts use
 * it (en-US when absent or invalid). One rule for the report, the dashboard and any other reader.
 *
 * @example
 * tenantDisplayOf({ currency: "EUR", locale: "de-DE" }, "USD"); // { currency: "EUR", locale: "de-DE" }
 * tenantDisplayOf(null, "USD"); // { currency: "USD", locale: "en-US" }
 */
export function tenantDisplayOf(tenantDoc: Record<string, unknown> | null | undefined, reportingCurrency: string): TenantDisplay {
  const own = tenantDoc?.currency;
  return { currency: typeof own === "string" && /^[A-Z]{3}$/.test(own) ? own : reportingCurrency, locale: tenantLocaleOf(tenantDoc) };
}
