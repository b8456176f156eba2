import { describe, expect, it } from "vitest";
import { parseDecimalText } from "#domain/billing/normalize/money-text.js";
import { cellText, isNullToken } from "#domain/billing/normalize/null-token.js";
import { parseTags, intersectTags } from "#domain/billing/normalize/tags.js";
import { nextUtcDay } from "#kernel/days.js";
import { parseUtcDay } from "#domain/billing/normalize/utc-day.js";

describe("parseDecimalText", () => {
  it.each([
    ["0.00000080000", "0.0000008"],
    ["-2.61370000000", "-2.6137"],
    ['$10,000.00 ', "10000"],
    ["$100.00 ", "100"],
    ["0.00 ", "0"],
    ["-$1,234.5", "-1234.5"],
    ["1E-05", "0.00001"],
    ["972", "972"],
  ])("%j -> %s", (text, expected) => {
    expect(parseDecimalText(text)).toBe(expected);
  });

  it.each(["12.3.4", "1,00.5", "abc", "$", "--1", "1,2345", "", "$-5"])("refuses %j", (text) => {
    expect(parseDecimalText(text)).toBeNull();
  });
});

describe("parseUtcDay", () => {
  it.each([
    ["2024-09-18 23:00:00", "2024-09-18"],
    ["2023-01-01T00:00:00Z", "2023-01-01"],
    ["2024-09-19T00:30:00+02:00", "2024-09-18"],
    ["2024-09-18T22:00:00-05:00", "2024-09-19"],
    ["2024-09-18", "2024-09-18"],
    ["4/1/25", "2025-04-01"],
    ["09/30/2023", "2023-09-30"],
    ["2024-02-29T12:00:00.123Z", "2024-02-29"],
  ])("%s -> %s", (text, day) => {
    expect(parseUtcDay(text)).toBe(day);
  });

  it.each(["2024-13-01", "2023-02-29", "2023-02-01T30:00:00Z", "13/1/25", "yesterday", "2024-09-18T10:61:00Z"])(
    "refuses %s",
    (text) => {
      expect(parseUtcDay(text)).toBeNull();
    },
  );

  it("gives the next day across month and year ends", () => {
    expect(nextUtcDay("2024-02-28")).toBe("2024-02-29");
    expect(nextUtcDay("2024-12-31")).toBe("2025-01-01");
  });
});

describe("null tokens", () => {
  it.each([["NULL"], ["null"], [""], ["  "], [null]])("%j is null", (v) => {
    expect(isNullToken(v)).toBe(true);
  });
  it("keeps other text, trimmed", () => {
    expect(cellText(" Nullable ")).toBe("Nullable");
  });
});

describe("tags", () => {
  it("reads a JSON object and stringifies non-string values", () => {
    expect(parseTags('{"a": "x", "n": 1, "b": true, "z": null}')).toEqual({
      ok: true,
      tags: { a: "x", n: "1", b: "true", z: "" },
    });
  });
  it.each(["[1,2]", '"text"', "{bad"])("refuses %s", (text) => {
    expect(parseTags(text).ok).toBe(false);
  });
  it("intersects on equal pairs only", () => {
    expect(intersectTags({ a: "1", b: "2", c: "3" }, { a: "1", b: "9" })).toEqual({ a: "1" });
  });
});
