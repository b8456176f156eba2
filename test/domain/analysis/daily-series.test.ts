import { describe, expect, it } from "vitest";
import { seriesBy, sumBetween, toDailySeries } from "#domain/analysis/daily-series.js";

const row = (date: string, billed_cost: string, key = "a") => ({ date, billed_cost, key });

describe("toDailySeries", () => {
  it("sums each day exactly and fills missing days with zero in the model view", () => {
    // Prepare: 0.1 + 0.2 is 0.30000000000000004 in floats.
    const rows = [row("2026-03-01", "0.1"), row("2026-03-01", "0.2"), row("2026-03-03", "5"), row("2026-03-04", "2"), row("2026-03-04", "-2")];
    // Act
    const s = toDailySeries(rows);
    // Assess
    expect([...s.exact]).toEqual([
      ["2026-03-01", "0.3"],
      ["2026-03-03", "5"],
      ["2026-03-04", "0"],
    ]);
    expect(s.points).toEqual([
      { date: "2026-03-01", cost: 0.3 },
      { date: "2026-03-02", cost: 0 },
      { date: "2026-03-03", cost: 5 },
      { date: "2026-03-04", cost: 0 },
    ]);
  });

  it("is empty without rows", () => {
    expect(toDailySeries([])).toEqual({ exact: new Map(), points: [] });
  });
});

describe("seriesBy", () => {
  it("partitions in one pass, keys in first-seen order, and leaves out rows keyed null", () => {
    const rows = [row("2026-03-01", "1", "b"), row("2026-03-01", "2", "a"), row("2026-03-02", "3", "b"), row("2026-03-02", "9", "skip")];
    const by = seriesBy(rows, (r) => (r.key === "skip" ? null : r.key));
    expect([...by.keys()]).toEqual(["b", "a"]);
    expect([...(by.get("b")?.exact ?? [])]).toEqual([
      ["2026-03-01", "1"],
      ["2026-03-02", "3"],
    ]);
    expect(by.get("a")?.points).toEqual([{ date: "2026-03-01", cost: 2 }]);
  });

  it("gives each key the series toDailySeries gives its rows", () => {
    const rows = Array.from({ length: 60 }, (_, i) => row(`2026-04-${String((i % 30) + 1).padStart(2, "0")}`, `${i}.01`, i % 3 === 0 ? "x" : "y"));
    const by = seriesBy(rows, (r) => r.key);
    for (const key of ["x", "y"]) expect(by.get(key)).toEqual(toDailySeries(rows.filter((r) => r.key === key)));
  });
});

describe("sumBetween", () => {
  it("adds the exact daily sums of an inclusive window", () => {
    const s = toDailySeries([row("2026-03-01", "0.1"), row("2026-03-02", "0.2"), row("2026-03-05", "7")]);
    expect(sumBetween(s, "2026-03-01", "2026-03-02")).toBe("0.3");
    expect(sumBetween(s, "2026-03-02", "2026-03-31")).toBe("7.2");
    expect(sumBetween(s, "2026-04-01", "2026-04-30")).toBe("0");
  });
});
