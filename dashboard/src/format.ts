/**
 * Amounts arrive as exact decimal strings. Intl.NumberFormat formats a decimal string exactly
 * (ECMA-402 NumberFormat v3, "intl.numberformat.v3": strings are read as exact decimals, not
 * through a float), so no amount is rounded through a JavaScript number here. The callables do
 * not expose the tenant's currency, so amounts are shown in USD (the ledger's and the demo's).
 */
export const CURRENCY = "USD";
export const LOCALE = "en-US";

const money = new Intl.NumberFormat(LOCALE, { style: "currency", currency: CURRENCY });
const compact = new Intl.NumberFormat(LOCALE, { style: "currency", currency: CURRENCY, notation: "compact", maximumFractionDigits: 1 });

type Decimal = `${number}`;

export function formatMoney(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  return money.format(amount as Decimal);
}

/** Axis labels: the charts get numbers only to place their marks. */
export function formatCompact(value: number): string {
  return compact.format(value);
}

const percent = new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 1 });

/** `value` in percent points (43.06 → "43.1%"). */
export function formatPercent(value: number | null | undefined): string {
  return typeof value === "number" ? percent.format(value / 100) : "—";
}

const byCurrency = new Map<string, Intl.NumberFormat>();

/** An amount in its own currency (recommendations carry theirs); never converted or added to USD. */
export function formatMoneyIn(amount: string, currency: string): string {
  let f = byCurrency.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, { style: "currency", currency });
    byCurrency.set(currency, f);
  }
  return f.format(amount as Decimal);
}

const count = new Intl.NumberFormat(LOCALE);
export function formatCount(n: number): string {
  return count.format(n);
}

/** Per-currency totals side by side ("$1.00 · €2.00"), never summed; "—" when there is none. */
export function formatTotals(totals: readonly { currency: string; billedCost: string }[]): string {
  return totals.length ? totals.map((t) => formatMoneyIn(t.billedCost, t.currency)).join(" · ") : "—";
}
