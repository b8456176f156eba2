import type { Budget } from "./budget.js";

export interface BudgetPeriod {
  start: string;
  end: string;
  /** Stable name of the period ("2026-11", "2026-Q4", "2026", "custom:2026-01-05..2026-02-04"). */
  key: string;
}

const iso = (y: number, m: number, d: number): string => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);

/** The budget period that contains `asOf` (UTC calendar periods), or null for a custom period not covering it. */
export function periodFor(budget: Pick<Budget, "period" | "customStart" | "customEnd">, asOf: string): BudgetPeriod | null {
  const d = new Date(`${asOf}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (budget.period) {
    case "monthly":
      return { start: iso(y, m, 1), end: iso(y, m + 1, 0), key: asOf.slice(0, 7) };
    case "quarterly": {
      const q = Math.floor(m / 3);
      return { start: iso(y, q * 3, 1), end: iso(y, q * 3 + 3, 0), key: `${y}-Q${q + 1}` };
    }
    case "annual":
      return { start: iso(y, 0, 1), end: iso(y, 11, 31), key: `${y}` };
    case "custom": {
      const { customStart: s, customEnd: e } = budget;
      if (!s || !e || asOf < s || asOf > e) return null;
      return { start: s, end: e, key: `custom:${s}..${e}` };
    }
  }
}
