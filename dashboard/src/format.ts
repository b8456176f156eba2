/**
 * Amounts arrive as exact decimal strings. Intl.NumberFormat formats a decimal string exactly
 * (ECMA-402 NumberFormat v3, "intl.numberformat.v3": strings are read as exact decimals, not
 * through a float), so no amount is rounded through a JavaScript number here. Every amount is
 * shown in its own currency, which the callables return beside it (cost rows, budgets, a
 * forecast's month end, anomalies, recommendations); USD stands only for documents written before
 * they carried one, and for LLM usage, which is priced in USD. Numbers are written in the tenant's
 * locale, which `getSession` returns and {@link setFormatLocale} sets at sign-in (en-US until then).
 */
export const CURRENCY = "USD";
const DEFAULT_LOCALE = "en-US";

type Decimal = `${number}`;

let locale = DEFAULT_LOCALE;
const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Writes every later number in `tag`'s way (a BCP 47 tag the server has validated); a tag this
 * browser has no data for leaves en-US. Returns the locale in use.
 *
 * @example
 * setFormatLocale("de-DE"); formatMoney("1234.5", "EUR"); // "1.234,50 €"
 */
export function setFormatLocale(tag: string): string {
  const [supported] = Intl.NumberFormat.supportedLocalesOf([tag]);
  locale = supported ?? DEFAULT_LOCALE;
  formatters.clear();
  return locale;
}

function formatter(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

/** An amount in `currency` (USD when the document predates its currency field); "—" when absent. */
export function formatMoney(amount: string | null | undefined, currency: string = CURRENCY): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  return formatter(`money|${currency}`, { style: "currency", currency }).format(amount as Decimal);
}

/** Axis labels (the charts get numbers only to place their marks): with no currency, a bare number, for an axis shared by several. */
export function formatCompact(value: number, currency?: string): string {
  return currency
    ? formatter(`compact|${currency}`, { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(value)
    : formatter("compact", { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

/** `value` in percent points (43.06 → "43.1%"). */
export function formatPercent(value: number | null | undefined): string {
  return typeof value === "number" ? formatter("percent", { style: "percent", maximumFractionDigits: 1 }).format(value / 100) : "—";
}

export function formatCount(n: number): string {
  return formatter("count", {}).format(n);
}

/** Per-currency totals side by side ("$1.00 · €2.00"), never summed; "—" when there is none. */
export function formatTotals(totals: readonly { currency: string; billedCost: string }[]): string {
  return totals.length ? totals.map((t) => formatMoney(t.billedCost, t.currency)).join(" · ") : "—";
}
