import Big from "big.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shareProportionally } from "#domain/billing/providers/opencost/idle-share.js";

const sum = (xs: string[]) => xs.reduce((a, b) => a.plus(b), new Big(0)).toFixed();

describe("shareProportionally", () => {
  it("splits exactly, leftover units to the largest remainders, ties to the first", () => {
    expect(shareProportionally("1", ["1", "1", "1"])).toEqual(["0.3333333334", "0.3333333333", "0.3333333333"]);
    expect(shareProportionally("10", ["3", "1"])).toEqual(["7.5", "2.5"]);
  });

  it("gives nothing to zero or negative weights and null when no weight is positive", () => {
    expect(shareProportionally("5", ["0", "-2", "4"])).toEqual(["0", "0", "5"]);
    expect(shareProportionally("5", ["0", "-1"])).toBeNull();
    expect(shareProportionally("5", [])).toBeNull();
  });

  it("keeps the sign of a negative total", () => {
    expect(shareProportionally("-3", ["1", "2"])).toEqual(["-1", "-2"]);
  });

  it("always sums to the total and is the same on every run (5-decimal amounts, as OpenCost sends)", () => {
    const amount = fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }).map((n) => new Big(n).div(100_000).toFixed());
    const weight = fc.integer({ min: 0, max: 10_000_000_000 }).map((n) => new Big(n).div(100_000).toFixed());
    fc.assert(
      fc.property(amount, fc.array(weight, { minLength: 1, maxLength: 40 }), (total, weights) => {
        const shares = shareProportionally(total, weights);
        if (weights.every((w) => new Big(w).eq(0))) return shares === null;
        expect(shares).not.toBeNull();
        expect(sum(shares ?? [])).toBe(new Big(total).toFixed());
        expect(shareProportionally(total, weights)).toEqual(shares);
        return true;
      }),
    );
  });
});
