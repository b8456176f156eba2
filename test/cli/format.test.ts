import { describe, expect, it } from "vitest";
import { formatCount, formatAmount, formatPercent } from "#cli/format.js";
import { formatMoney } from "#domain/alerts/describe.js";

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

  it("rounds half-even to the currency's minor unit without going through a float", () => {
    expect(formatMoney("90071992547409931.125", "USD")).toBe("$90,071,992,547,409,931.12");
    expect(formatMoney("2.675", "USD")).toBe("$2.68");
    expect(formatMoney("-12", "USD")).toBe("-$12.00");
    expect(formatMoney("2984.075", "EUR")).toBe("€2,984.08");
    expect(formatMoney("1234.5", "JPY")).toBe("¥1,234");
    expect(formatMoney("1234.5", "EUR", "de-DE")).toBe("1.234,50\u00a0€");
  });
});
