import Big from "big.js";
import { z } from "zod";

/**
 * Exact decimal money. Amounts travel as decimal strings ("12.345678"); arithmetic goes
 * through big.js so that sums over millions of rows never drift. Floats are for models only.
 */
Big.DP = 12;
Big.RM = Big.roundHalfEven;

const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Bounds every amount must fit, checked before big.js sees it: an exponent such as `1e10000000`
 * would otherwise expand into a ten-megabyte string. The range fits the ledger's DECIMAL(38,12)
 * (DuckDB) and BigQuery's BIGNUMERIC: at most 26 digits before the point. Digits after the
 * twelfth place are kept here and rounded where a column stores them.
 */
export const MONEY_LIMITS = { maxLength: 64, maxExponent: 64, maxIntegerDigits: 26 } as const;

/** Why `text` is not an amount, or null when it is one (surrounding spaces allowed). */
export function decimalProblem(text: string): string | null {
  if (text.length > MONEY_LIMITS.maxLength) return `an amount is at most ${MONEY_LIMITS.maxLength} characters`;
  const t = text.trim();
  const m = DECIMAL.exec(t);
  if (!m) return "not a decimal amount";
  const exponent = m[3] ? Number(m[3].slice(1)) : 0;
  if (Math.abs(exponent) > MONEY_LIMITS.maxExponent) return `the exponent is outside ±${MONEY_LIMITS.maxExponent}`;
  const big = new Big(t);
  // big.js keeps the exponent of the leading digit: e + 1 digits before the point.
  if (!big.eq(0) && big.e + 1 > MONEY_LIMITS.maxIntegerDigits) return `an amount has at most ${MONEY_LIMITS.maxIntegerDigits} digits before the point`;
  return null;
}

export function isDecimal(text: string): boolean {
  return decimalProblem(text) === null;
}

/**
 * Whether an amount in canonical form (a sum, a product) still fits the bounds {@link MoneyString}
 * accepts, so that storing it keeps every stored amount readable through that schema.
 */
export function fitsMoneyBounds(canonical: string): boolean {
  return canonical.length <= MONEY_LIMITS.maxLength && decimalProblem(canonical) === null;
}

/** Parses a decimal string into canonical form (no spaces, no exponent); throws a RangeError on anything else. */
export function toDecimal(text: string): string {
  const problem = decimalProblem(text);
  if (problem) throw new RangeError(`${problem}: ${JSON.stringify(text.slice(0, 40))}`);
  return new Big(text.trim()).toFixed();
}

/**
 * The amount written plainly: no spaces, no exponent, no leading zeros, and the decimal places the
 * writer gave ("250.50" stays "250.50", " 1.5e1 " becomes "15"). Call only on a checked amount.
 */
export function canonicalDecimal(text: string): string {
  const t = text.trim();
  const [mantissa = "", exponent = "0"] = t.split(/[eE]/);
  const places = mantissa.includes(".") ? (mantissa.split(".")[1]?.length ?? 0) : 0;
  return new Big(t).toFixed(Math.max(0, places - Number(exponent)));
}

/**
 * A money amount in any input: a bounded decimal string, stored in canonical form, so that what
 * validation accepts is exactly what the rest of the code computes with, and what is stored
 * passes this schema again (its plain form fits the same bounds).
 *
 * @example
 *   z.object({ amount: MoneyString }).parse({ amount: " 1e3 " }); // { amount: "1000" }
 *   z.object({ amount: MoneyString }).parse({ amount: "250.50" }); // { amount: "250.50" }
 */
export const MoneyString = z
  .string()
  .max(MONEY_LIMITS.maxLength)
  .superRefine((s, ctx) => {
    const problem = decimalProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: `${problem}, e.g. "12.50"` });
    // "1e-64" is short, its plain form is not: what is stored must pass this schema again.
    else if (canonicalDecimal(s).length > MONEY_LIMITS.maxLength) {
      ctx.addIssue({ code: "custom", message: `an amount written out is at most ${MONEY_LIMITS.maxLength} characters, e.g. "12.50"` });
    }
  })
  .transform(canonicalDecimal);

export function addDecimals(values: Iterable<string>): string {
  let sum = new Big(0);
  for (const v of values) sum = sum.plus(v);
  return sum.toFixed();
}

export function add(a: string, b: string): string {
  return new Big(a).plus(b).toFixed();
}

export function sub(a: string, b: string): string {
  return new Big(a).minus(b).toFixed();
}

export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  return new Big(a).cmp(b) as -1 | 0 | 1;
}

/** Rounds to `dp` places (half-even) for display or storage in fixed-scale columns. */
export function roundDecimal(value: string, dp = 6): string {
  return new Big(value).round(dp, Big.roundHalfEven).toFixed(dp);
}

/** Integer micro-units (1e-6), for stores that want integers. */
export function toMicros(value: string): bigint {
  return BigInt(new Big(value).times(1_000_000).round(0, Big.roundHalfEven).toFixed(0));
}

export function fromMicros(micros: bigint): string {
  return new Big(micros.toString()).div(1_000_000).toFixed();
}

/** The float view of an amount, for statistical models only. */
export function toNumber(value: string): number {
  return Number(value);
}

/** Formats a model's float output back to a money string (6 dp). */
export function fromNumber(value: number, dp = 6): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  return new Big(value.toFixed(dp)).toFixed(dp);
}

export function absDecimal(value: string): string {
  return new Big(value).abs().toFixed();
}
