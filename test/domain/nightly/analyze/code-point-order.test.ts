import { describe, expect, it } from "vitest";
import { compareCodePoints } from "#domain/nightly/analyze/code-point-order.js";

describe("compareCodePoints", () => {
  it("orders like the UTF-8 bytes, where UTF-16 code units would not", () => {
    // U+FF5E (one code unit, 0xFF5E) sorts before U+1F600 (surrogates 0xD83D…) by code point.
    const words = ["😀", "～", "b", "a", "ab", "", "B"];
    const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareCodePoints)).toEqual(byBytes);
    expect(byBytes).toEqual(["", "B", "a", "ab", "b", "～", "😀"]);
    expect(["😀", "～"].sort()).toEqual(["😀", "～"]);
  });

  it("is zero only for equal strings", () => {
    expect(compareCodePoints("x", "x")).toBe(0);
    expect(compareCodePoints("x", "xy")).toBe(-1);
    expect(compareCodePoints("xy", "x")).toBe(1);
  });
});
