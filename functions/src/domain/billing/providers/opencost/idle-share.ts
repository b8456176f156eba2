import Big from "big.js";

/** Decimal places of a share: OpenCost sends 5, so 10 keeps every split exact to far below a cent. */
const SHARE_DP = 10;
const SCALE = 10n ** BigInt(SHARE_DP);

const toUnits = (d: string): bigint => BigInt(new Big(d).times(SCALE.toString()).round(0, Big.roundHalfEven).toFixed(0));
const fromUnits = (u: bigint): string => new Big(u.toString()).div(SCALE.toString()).toFixed();

/**
 * Splits `total` over `weights` in proportion, exactly: the shares (to 10 decimals) always sum to
 * `total`. Each share is floored first, then the units left over go one each to the largest
 * remainders (the largest remainder method), ties to the lower index, so the same input always
 * gives the same split. Negative weights count as 0. Returns null when no weight is positive.
 *
 * @example
 *   shareProportionally("1", ["1", "1", "1"]); // ["0.3333333334", "0.3333333333", "0.3333333333"]
 */
export function shareProportionally(total: string, weights: readonly string[]): string[] | null {
  const w = weights.map((x) => {
    const u = toUnits(x);
    return u > 0n ? u : 0n;
  });
  const sumW = w.reduce((a, b) => a + b, 0n);
  if (sumW === 0n) return null;
  const t = toUnits(total);
  const sign = t < 0n ? -1n : 1n;
  const abs = t * sign;
  const base = w.map((wi) => (abs * wi) / sumW);
  const rem = w.map((wi, i) => ({ i, r: (abs * wi) % sumW }));
  let left = abs - base.reduce((a, b) => a + b, 0n);
  rem.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rem) {
    if (left === 0n) break;
    base[i] = (base[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return base.map((b) => fromUnits(b * sign));
}
