import { describe, expect, it } from "vitest";
import { BudgetSchema, budgetFigures } from "#domain/analysis/budgets/index.js";
import { toDailySeries } from "#domain/analysis/daily-series.js";
import { addDays } from "#kernel/days.js";

const budget = BudgetSchema.parse({ id: "b", name: "B", amount: "3000", period: "monthly" });
const november = { start: "2026-11-01", end: "2026-11-30", key: "2026-11" };

/** 90 days of 100.10 a day up to 2026-11-19. */
const series = toDailySeries(Array.from({ length: 90 }, (_, i) => ({ date: addDays("2026-11-19", -i), billed_cost: "100.10" })));

describe("budgetFigures", () => {
  it("keeps the actual exact, projects the period end and the days until the amount is crossed", () => {
    const f = budgetFigures(budget, november, series, "2026-11-19");
    expect(f.actual).toBe("1901.9");
    expect(Number(f.projected)).toBeCloseTo(3003, -1);
    expect(f.daysUntilBreach).toBe(11);
  });

  it("without history, or on the period's last day, the projection is the actual", () => {
    expect(budgetFigures(budget, november, toDailySeries([]), "2026-11-19")).toEqual({ actual: "0", projected: "0", daysUntilBreach: null });
    const lastDay = budgetFigures(budget, { start: "2026-11-01", end: "2026-11-19", key: "custom:2026-11-01..2026-11-19" }, series, "2026-11-19");
    expect(lastDay).toEqual({ actual: "1901.9", projected: "1901.9", daysUntilBreach: null });
  });
});
