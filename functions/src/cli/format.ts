/**
 * Number formatting for everything the CLI shows to people (tables, summaries, progress), through
 * Intl with one locale, so that counts, percentages and amounts read alike everywhere. Machine
 * output (JSON, CSV) keeps plain decimal strings and is not formatted here.
 */
const LOCALE = "en-US";

const COUNT = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const PERCENT = new Intl.NumberFormat(LOCALE, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
// Intl formats a decimal string exactly (no float conversion), so ledger amounts keep every digit.
const AMOUNT = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 12 });

/** 4164 → "4,164". */
export const formatCount = (n: number): string => COUNT.format(n);

/** 0.8114 → "81.1%"; always one decimal so that percentages line up. */
export const formatPercent = (ratio: number): string => PERCENT.format(ratio);

/** "1234.5" → "1,234.50": at least cents, and every further digit the ledger holds. */
export const formatAmount = (decimal: string): string => AMOUNT.format(decimal as unknown as number);

const SECONDS = new Intl.NumberFormat(LOCALE, { style: "unit", unit: "second", unitDisplay: "narrow", minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 6.61 → "6.6s". */
export const formatSeconds = (s: number): string => SECONDS.format(s);

/**
 * "1234.5", "EUR", "de-DE" → "1.234,50 €": an amount in its own currency and the reader's locale,
 * exact like formatAmount (at least the currency's minor digits, every further digit kept), for
 * ledger figures. Alerts and the nightly summary round to the minor unit instead (`formatMoney` in
 * domain/alerts/describe.ts); the two names say which rule a caller gets.
 *
 * @example
 * formatExactMoney("20.52022672899", "USD"); // "$20.52022672899"
 */
export const formatExactMoney = (decimal: string, currency: string, locale: string = LOCALE): string =>
  new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 12 }).format(decimal as unknown as number);
