/**
 * The order in which a report shows its currencies: the tenant's first, then the others in code
 * order. Each currency gets its own chart or table; none is ever added to another.
 *
 * @example
 * tenantCurrencyFirst(["USD", "EUR", "JPY"], "EUR"); // ["EUR", "JPY", "USD"]
 */
export function tenantCurrencyFirst(currencies: Iterable<string>, tenantCurrency: string): string[] {
  return [...new Set(currencies)].sort((a, b) => (a === tenantCurrency ? -1 : b === tenantCurrency ? 1 : a < b ? -1 : a > b ? 1 : 0));
}
