import { describe, expect, it } from "vitest";
import { isoFromDays, monthPositionOf, parseIsoDay, weekdayOf } from "#kernel/days.js";

describe("calendar", () => {
  it.each([
    ["1970-01-01", 0],
    ["2024-02-29", 19782],
    ["2025-10-31", 20392],
  ])("parses %s to day %i and back", (iso, day) => {
    expect(parseIsoDay(iso)).toBe(day);
    expect(isoFromDays(day)).toBe(iso);
  });

  it.each(["2025-02-29", "2025-13-01", "2025-00-10", "2025-1-01", "20250101", "2025-04-31"])("rejects %s", (iso) => {
    expect(parseIsoDay(iso)).toBeUndefined();
  });

  it.each([
    ["2025-11-23", 0],
    ["2025-11-24", 1],
    ["2025-11-29", 6],
  ])("weekday of %s is %i (0 = Sunday)", (iso, dow) => {
    expect(weekdayOf(parseIsoDay(iso) as number)).toBe(dow);
  });

  it.each([
    ["2025-03-01", 0, "the 1st"],
    ["2025-03-15", 14, "the 15th"],
    ["2025-02-28", 28, "last day of a 28-day month"],
    ["2024-02-29", 28, "last day of a leap February"],
    ["2025-04-30", 28, "last day of a 30-day month"],
    ["2025-10-31", 28, "last day of a 31-day month"],
    ["2025-10-30", 29, "second to last"],
    ["2025-10-29", 30, "third to last"],
    ["2025-10-28", 27, "the 28th of a 31-day month"],
  ])("month position of %s is %i (%s)", (iso, pos) => {
    expect(monthPositionOf(parseIsoDay(iso) as number)).toBe(pos);
  });
});
