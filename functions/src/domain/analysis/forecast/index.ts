export { forecastSeries, forecastDense, densify, MAX_HORIZON } from "./forecast-series.js";
export { projectPeriod, daysUntilBreach } from "./period-projection.js";
export type { PeriodProjection, PeriodWindow } from "./period-projection.js";
export type { DailyPoint, ForecastPoint } from "./types.js";
export { backtestSeries } from "./backtest.js";
export type { BacktestTotals } from "./backtest.js";
export { type ForecastDay, forecastDays, type MonthEndProjection, projectMonthEnd } from "./month-end.js";
export { backtestLastMonth, type ForecastAccuracy, forecastAccuracy, lastCompleteMonth, type MonthBacktest, type RollingCoverage, rollingCoverage } from "./accuracy-record.js";
export { type GrowthRate, type SeriesTrend, seriesTrend, type VersusForecast } from "./trend.js";
