import { describe, expect, it } from "vitest";
import { formatCount, formatAmount, formatPercent } from "#cli/format.js";
import { formatUsd } from "#domain/alerts/describe.js";

describe("number formatting for people", () => {
  it.each([
    [4164, "4,164"],
    [0, "0"],
    [1234567, "1,234,567"],
  ])("counts: %d → %s", (n, text) => {
    expect(formatCount(n)).toBe(text);
  });

  it("gives every percentage one decimal, so 92.7% and 81.1% line up", () => {
    expect([0.927, 0.8114, 1.4303, 0].map(formatPercent)).toEqual(["92.7%", "81.1%", "143.0%", "0.0%"]);
  });

  it("keeps every digit of a ledger amount, beyond what a float holds", () => {
    expect(formatAmount("123456789012345678.123456789012")).toBe("123,456,789,012,345,678.123456789012");
    expect(formatAmount("0.0000008")).toBe("0.0000008");
    expect(formatAmount("-1234.5")).toBe("-1,234.50");
  });

  it("rounds dollars half-even to cents without going through a float", () => {
    expect(formatUsd("90071992547409931.125")).toBe("$90,071,992,547,409,931.12");
    expect(formatUsd("2.675")).toBe("$2.68");
    expect(formatUsd("-12")).toBe("-$12.00");
  });
});
