/** One observed day of a cost series (model space: floats, not money strings). */
export interface DailyPoint {
  date: string; // YYYY-MM-DD (UTC calendar day)
  cost: number;
}

/** One forecast day with central and calibrated 80% / 95% prediction intervals. */
export interface ForecastPoint {
  date: string;
  mean: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}
