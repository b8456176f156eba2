import Big from "big.js";

/**
 * Exact decimal money. Amounts travel as decimal strings ("12.345678"); arithmetic goes
 * through big.js so that sums over millions of rows never drift. Floats are for models only.
 */
Big.DP = 12;
Big.RM = Big.roundHalfEven;

const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/** Parses a decimal string into canonical form; throws on anything else. */
export function toDecimal(text: string): string {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new RangeError(`not a decimal amount: ${JSON.stringify(text)}`);
  return new Big(t).toFixed();
}

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
