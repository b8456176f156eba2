import { describe, expect, it } from "vitest";
import { convertTotals, rateOn } from "#domain/billing/currency-conversion.js";

// Test values in the shape of the ECB euro reference rates (base EUR), not published rates.
const table = { base: "EUR", source: "test table", days: { "2024-09-02": { USD: "1.1", GBP: "0.85" }, "2024-09-20": { USD: "1.2" } } };

describe("rateOn", () => {
  it("takes the latest earlier day within a week, crosses through the base, and gives up after a week", () => {
    expect(rateOn(table, "EUR", "USD", "2024-09-08")).toMatchObject({ rateDay: "2024-09-02", rate: "1.1" });
    expect(rateOn(table, "GBP", "USD", "2024-09-02")?.rate).toBe("1.294117647059"); // 1.1 / 0.85, 12 places half-even
    expect(rateOn(table, "EUR", "USD", "2024-09-10")).toBeNull();
    expect(rateOn(table, "GBP", "USD", "2024-09-20")).toBeNull(); // that day has no GBP
    expect(rateOn(table, "JPY", "JPY", "2030-01-01")?.rate).toBe("1");
  });
});

describe("convertTotals", () => {
  it("converts day by day and lists each missing currency and day instead of adding unconverted amounts", () => {
    const ok = convertTotals([{ day: "2024-09-02", currency: "EUR", amounts: { billed: "10" } }, { day: "2024-09-03", currency: "USD", amounts: { billed: "0.5" } }], "USD", table);
    expect(ok).toEqual({ ok: true, currency: "USD", totals: { billed: "11.5" }, rates: [expect.objectContaining({ from: "EUR", day: "2024-09-02", rate: "1.1" })] });
    const gap = convertTotals([{ day: "2024-09-12", currency: "EUR", amounts: { billed: "10" } }], "USD", table);
    expect(gap).toEqual({ ok: false, missing: [{ currency: "EUR", day: "2024-09-12" }] });
  });
});
