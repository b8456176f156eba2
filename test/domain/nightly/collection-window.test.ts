import { describe, expect, it } from "vitest";
import { collectionWindow } from "#domain/nightly/collection-window.js";
import { daysInWindow, monthPages } from "#kernel/days.js";

const opts = { trailingDays: 3, historyMonths: 13 };

describe("collectionWindow", () => {
  it("backfills 13 months for a new account, through yesterday", () => {
    expect(collectionWindow("2026-11-20", null, opts)).toEqual({ start: "2025-10-01", end: "2026-11-19" });
  });

  it("re-pulls the trailing days after a run (late data)", () => {
    expect(collectionWindow("2026-11-20", "2026-11-19", opts)).toEqual({ start: "2026-11-17", end: "2026-11-19" });
  });

  it("catches up from the last collected day after missed runs", () => {
    expect(collectionWindow("2026-11-20", "2026-11-02", opts)).toEqual({ start: "2026-11-03", end: "2026-11-19" });
  });

  it("has nothing to pull when the run day is the history's first day", () => {
    expect(collectionWindow("2026-11-01", "2026-11-19", { trailingDays: 0, historyMonths: 0 })).toBeNull();
  });
});

describe("monthPages", () => {
  it("splits at month ends and covers every day exactly once", () => {
    const pages = monthPages({ start: "2026-01-15", end: "2026-03-02" });
    expect(pages).toEqual([
      { start: "2026-01-15", end: "2026-01-31" },
      { start: "2026-02-01", end: "2026-02-28" },
      { start: "2026-03-01", end: "2026-03-02" },
    ]);
  });

  it("keeps a window inside one month as one page", () => {
    expect(monthPages({ start: "2026-11-17", end: "2026-11-19" })).toEqual([{ start: "2026-11-17", end: "2026-11-19" }]);
  });
});

describe("monthPages over longer windows", () => {
  it.each([
    [{ start: "2025-10-01", end: "2026-10-31" }, 13],
    [{ start: "2026-01-01", end: "2026-01-01" }, 1],
    [{ start: "2024-02-10", end: "2024-03-01" }, 2],
  ])("covers %j in %i calendar-month pages without gaps or overlaps", (window, count) => {
    const pages = monthPages(window);
    expect(pages).toHaveLength(count);
    expect(pages.flatMap(daysInWindow)).toEqual(daysInWindow(window));
  });
});
