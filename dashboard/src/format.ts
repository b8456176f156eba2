/**
 * Amounts arrive as exact decimal strings. Intl.NumberFormat formats a decimal string exactly
 * (ECMA-402 NumberFormat v3, "intl.numberformat.v3": strings are read as exact decimals, not
 * through a float), so no amount is rounded through a JavaScript number here. Every amount is
 * shown in its own currency, which the callables return beside it (cost rows, budgets, a
 * forecast's month end, anomalies, recommendations); USD stands only for documents written before
 * they carried one, and for LLM usage, which is priced in USD. The locale is en-US: no callable
 * returns the tenant's locale yet.
 */
export const CURRENCY = "USD";
export const LOCALE = "en-US";

type Decimal = `${number}`;

const byCurrency = new Map<string, Intl.NumberFormat>();
const compactByCurrency = new Map<string, Intl.NumberFormat>();

function formatterOf(cache: Map<string, Intl.NumberFormat>, currency: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, { style: "currency", currency, ...options });
    cache.set(currency, f);
  }
  return f;
}

/** An amount in `currency` (USD when the document predates its currency field); "—" when absent. */
export function formatMoney(amount: string | null | undefined, currency: string = CURRENCY): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  return formatterOf(byCurrency, currency, {}).format(amount as Decimal);
}

const plainCompact = new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 });

/** Axis labels (the charts get numbers only to place their marks): with no currency, a bare number, for an axis shared by several. */
export function formatCompact(value: number, currency?: string): string {
  return currency ? formatterOf(compactByCurrency, currency, { notation: "compact", maximumFractionDigits: 1 }).format(value) : plainCompact.format(value);
}

const percent = new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 1 });

/** `value` in percent points (43.06 → "43.1%"). */
export function formatPercent(value: number | null | undefined): string {
  return typeof value === "number" ? percent.format(value / 100) : "—";
}


const count = new Intl.NumberFormat(LOCALE);
export function formatCount(n: number): string {
  return count.format(n);
}

/** Per-currency totals side by side ("$1.00 · €2.00"), never summed; "—" when there is none. */
export function formatTotals(totals: readonly { currency: string; billedCost: string }[]): string {
  return totals.length ? totals.map((t) => formatMoney(t.billedCost, t.currency)).join(" · ") : "—";
}
