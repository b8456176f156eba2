/** Public shapes of the anomaly detector (DESIGN.md §7, §8). */

export type Direction = "increase" | "decrease";
export type AnomalySeverity = "critical" | "high" | "medium" | "low";

export interface CostPoint {
  /** `YYYY-MM-DD` (UTC day). */
  date: string;
  /** Daily cost in USD. Model input only: flags report statistical estimates rounded to cents. */
  cost: number;
}

export interface AnomalyFlag {
  series_id: string;
  date: string;
  direction: Direction;
  /** Model expectation for the day, USD rounded to cents. */
  expected: number;
  /** Observed cost, USD rounded to cents. */
  actual: number;
  /** actual − expected, USD rounded to cents (negative for a decrease). */
  impact: number;
  /** Statistical surprise: robust z-score on the log1p scale (signed like `impact`). */
  score: number;
  severity: AnomalySeverity;
}
